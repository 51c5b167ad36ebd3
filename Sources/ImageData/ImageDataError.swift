import Foundation

/// An error raised while reading or transforming image data; names the file and byte offset when there is one,
/// so a user can find the bad spot (e.g. "train-images-idx3-ubyte.gz: byte 16 (decompressed): data ends early").
public struct ImageDataError: Error, CustomStringConvertible, Equatable {
    /// The broad category of failure, for callers (and tests) that react to one kind specifically.
    public enum Kind: Equatable, Sendable {
        /// The file could not be opened or read.
        case io
        /// A file or directory that the loader expects is absent.
        case missingFile
        /// The IDX magic number (00 00 type ndims) is wrong.
        case badMagic
        /// The IDX element type is not one this module reads.
        case unsupportedType
        /// A header declares sizes that overflow or that the file cannot possibly hold.
        case implausibleSize
        /// The data ends before the header's promised size.
        case truncated
        /// Bytes follow the data that the header accounts for.
        case trailingBytes
        /// The gzip stream is damaged (bad header, checksum, or deflate data).
        case corruptCompression
        /// A record-based file's size is not a whole number of records.
        case recordSizeMismatch
        /// A label lies outside the dataset's class range.
        case labelOutOfRange
        /// Two files that must agree (images and labels) disagree in count or shape.
        case shapeMismatch
        /// A caller-supplied argument (shape, padding, statistics) is invalid.
        case invalidArgument
    }

    /// The category of the failure.
    public var kind: Kind
    /// The file's path as given, when the error concerns a file.
    public var file: String?
    /// Byte offset in the file (in the decompressed stream when `offsetIsDecompressed`), when known.
    public var byteOffset: Int?
    /// True when `byteOffset` counts bytes of the gunzipped content rather than of the file on disk.
    public var offsetIsDecompressed: Bool
    /// Human-readable explanation of what was expected and what was found.
    public var message: String

    /// Creates an error about `file` (kept as given, so the message names the full path).
    public init(_ kind: Kind, file: String? = nil, byteOffset: Int? = nil, decompressed: Bool = false,
                _ message: String) {
        self.kind = kind
        self.file = file
        self.byteOffset = byteOffset
        self.offsetIsDecompressed = decompressed
        self.message = message
    }

    /// "file: byte N: message", dropping the parts that are unknown.
    public var description: String {
        var parts: [String] = []
        if let file { parts.append(file) }
        if let byteOffset { parts.append("byte \(byteOffset)" + (offsetIsDecompressed ? " (decompressed)" : "")) }
        parts.append(message)
        return parts.joined(separator: ": ")
    }
}
