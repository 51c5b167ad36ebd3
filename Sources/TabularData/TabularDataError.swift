import Foundation

/// An error raised while reading or preparing tabular data; it names the file and, when it applies, the 1-based line.
///
/// `description` reads like a compiler diagnostic, e.g. `optdigits.dat:17: expected 65 columns, found 64`.
public struct TabularDataError: Error, CustomStringConvertible, Equatable {
    /// Name of the file (last path component) or of the in-memory table the problem was found in.
    public var file: String
    /// 1-based line number, or `nil` when the problem concerns the whole file (e.g. it cannot be opened).
    public var line: Int?
    /// Human-readable explanation of what is wrong.
    public var message: String

    /// Creates an error for `file`, optionally at `line`.
    public init(file: String, line: Int? = nil, _ message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    /// `file:line: message`, or `file: message` when no line applies.
    public var description: String {
        if let line { return "\(file):\(line): \(message)" }
        return "\(file): \(message)"
    }
}
