/// A WAV file that cannot be decoded, with the file name and the byte offset where the problem was found.
///
/// The description reads like `"clip.wav: byte 20: unsupported format tag 6 (A-law)"`.
public struct WAVError: Error, CustomStringConvertible, Equatable {
    /// The file (or caller-supplied name) being decoded.
    public var file: String
    /// Byte offset from the start of the file where the problem was detected.
    public var offset: Int
    /// What is wrong, in words.
    public var reason: String

    /// Creates an error for `file` at byte `offset`.
    public init(file: String, offset: Int, reason: String) {
        self.file = file
        self.offset = offset
        self.reason = reason
    }

    /// `"<file>: byte <offset>: <reason>"`.
    public var description: String { "\(file): byte \(offset): \(reason)" }
}
