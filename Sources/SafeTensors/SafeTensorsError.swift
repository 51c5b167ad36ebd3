/// A failure to read, validate, build or write a safetensors file.
///
/// The description names the file, the absolute byte offset when one is known, and the tensor involved,
/// e.g. `model.safetensors: byte 8: header is not valid JSON: expected ':' after object key`.
public struct SafeTensorsError: Error, CustomStringConvertible, Equatable {
    /// What went wrong, so callers and tests can react without parsing the message.
    public enum Kind: String, Sendable {
        /// The file is shorter than its own header or data claims.
        case truncated
        /// The header length is larger than the 100 MB cap (rejected before allocating).
        case headerTooLarge
        /// The header is not valid UTF-8 JSON.
        case invalidJSON
        /// The JSON is well formed but does not describe tensors the way the format requires.
        case invalidHeader
        /// A tensor names a dtype this reader does not know.
        case unknownDType
        /// Shape × dtype size disagrees with the tensor's byte range (or with the bytes given).
        case sizeMismatch
        /// A tensor's byte range reaches past the end of the data buffer.
        case offsetOutOfRange
        /// Two tensors' byte ranges overlap.
        case overlappingOffsets
        /// Some bytes of the data buffer belong to no tensor.
        case hole
        /// Bytes follow the last tensor's data.
        case trailingBytes
        /// A tensor asked for by name is absent.
        case missingTensor
        /// A tensor's dtype cannot be decoded into the requested Swift element type.
        case dtypeMismatch
        /// The operating system refused a read, write, sync or rename.
        case io
    }

    /// The category of the failure.
    public let kind: Kind
    /// The file's name (last path component), or `(in memory)` for buffers and entries not tied to a file.
    public let file: String
    /// Absolute byte offset in the file where the problem was detected, when there is one.
    public let byteOffset: Int?
    /// The tensor the problem concerns, when there is one.
    public let tensor: String?
    /// Human-readable detail.
    public let message: String

    /// Creates an error; `file` should be a short name (the last path component) so messages stay readable.
    public init(_ kind: Kind, file: String, byteOffset: Int? = nil, tensor: String? = nil, _ message: String) {
        self.kind = kind
        self.file = file
        self.byteOffset = byteOffset
        self.tensor = tensor
        self.message = message
    }

    /// `file: byte N: tensor 'name': message`, omitting the parts that are unknown.
    public var description: String {
        var text = file
        if let byteOffset { text += ": byte \(byteOffset)" }
        if let tensor { text += ": tensor '\(tensor)'" }
        return text + ": " + message
    }
}
