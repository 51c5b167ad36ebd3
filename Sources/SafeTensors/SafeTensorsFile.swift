import DataFiles
import Foundation

/// The contents of one safetensors file: named tensors plus string metadata.
///
/// This is the checkpoint format of MixupLab because PyTorch, NumPy and JAX read it directly
/// (`safetensors.torch.load_file`). Writing is deterministic (same contents ⇒ same bytes) and atomic;
/// reading validates every header field before trusting it.
public struct SafeTensorsFile: Equatable, Sendable {
    /// The tensors by name; names are free-form strings such as PyTorch's `"layers.0.weight"`.
    public var tensors: [String: TensorEntry]
    /// Free-form string metadata, stored under the header's `__metadata__` key (e.g. `"format": "pt"`).
    public var metadata: [String: String]
    /// Where this value came from (a file name, or `(in memory)`), used to name the file in lookup errors;
    /// not part of equality.
    public var origin: String

    /// Creates a file value from tensors and metadata.
    public init(tensors: [String: TensorEntry] = [:], metadata: [String: String] = [:], origin: String = "(in memory)") {
        self.tensors = tensors
        self.metadata = metadata
        self.origin = origin
    }

    /// Two values are equal when their tensors and metadata are; `origin` is ignored.
    public static func == (lhs: SafeTensorsFile, rhs: SafeTensorsFile) -> Bool {
        lhs.tensors == rhs.tensors && lhs.metadata == rhs.metadata
    }

    /// The tensor called `name`, or a `.missingTensor` error naming this file and the tensor.
    public func tensor(named name: String) throws -> TensorEntry {
        guard let entry = tensors[name] else {
            throw SafeTensorsError(.missingTensor, file: origin, tensor: name, "no such tensor in the file")
        }
        return entry
    }

    /// The values of tensor `name` as `Float` (see `TensorEntry.floats()`); errors name the file and tensor.
    public func floats(named name: String) throws -> [Float] {
        try located(name) { try $0.floats() }
    }

    /// The values of tensor `name` as `Double` (see `TensorEntry.doubles()`); errors name the file and tensor.
    public func doubles(named name: String) throws -> [Double] {
        try located(name) { try $0.doubles() }
    }

    /// The values of tensor `name` as `Int64` (see `TensorEntry.int64s()`); errors name the file and tensor.
    public func int64s(named name: String) throws -> [Int64] {
        try located(name) { try $0.int64s() }
    }

    private func located<T>(_ name: String, _ decode: (TensorEntry) throws -> T) throws -> T {
        let entry = try tensor(named: name)
        do {
            return try decode(entry)
        } catch let error as SafeTensorsError {
            throw SafeTensorsError(error.kind, file: origin, tensor: name, error.message)
        }
    }

    /// Reads and fully validates the file at `url`; errors name the file and the byte offset or tensor.
    ///
    /// The file is memory-mapped, and the header length is checked against the file size and a 100 MB cap
    /// before anything of that size is allocated.
    public static func read(from url: URL) throws -> SafeTensorsFile {
        let name = url.lastPathComponent
        let data: Data
        do {
            data = try Data(contentsOf: url, options: .mappedIfSafe)
        } catch {
            throw SafeTensorsError(.io, file: name, "cannot read \(url.path): \(FileReadFailure.reason(url.path, error))")
        }
        var file = try data.withUnsafeBytes { try SafeTensorsDecoder.decode($0, file: name) }
        file.origin = name
        return file
    }

    /// Parses and validates a complete file image held in memory; `fileName` is used in error messages.
    public init(serialized bytes: [UInt8], fileName: String = "(in memory)") throws {
        self = try bytes.withUnsafeBytes { try SafeTensorsDecoder.decode($0, file: fileName) }
        self.origin = fileName
    }

    /// The complete file image: deterministic, so equal values always give identical bytes, and laid out
    /// exactly as Python's `safetensors` lays it out (see `SafeTensorsEncoder`).
    public func serialized() throws -> [UInt8] {
        try SafeTensorsEncoder.encode(self)
    }

    /// Writes the file atomically: a temporary file in the same directory is written, synced and renamed
    /// over `url`, so a crash or error never leaves a partial file under the final name.
    public func write(to url: URL) throws {
        let bytes: [UInt8]
        do {
            bytes = try serialized()
        } catch let error as SafeTensorsError {
            throw SafeTensorsError(error.kind, file: url.lastPathComponent, tensor: error.tensor, error.message)
        }
        try AtomicFileWriter.write(bytes, to: url)
    }
}
