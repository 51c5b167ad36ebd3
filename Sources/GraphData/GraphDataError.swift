import Foundation
/// An error raised while reading a graph dataset or while using it (batching, cross-validation).
///
/// When the problem comes from a file, `file` names it and `line` (1-based) points at the offending line,
/// so the description reads like `MUTAG_A.txt:17: edge endpoint 3372 refers to a node that does not exist`.
public struct GraphDataError: Error, CustomStringConvertible, Equatable {
    /// Name of the file the problem was found in (last path component), or `nil` for a usage error.
    public let file: String?
    /// 1-based line number inside `file`, or `nil` when the problem concerns the file as a whole.
    public let line: Int?
    /// Human-readable explanation of what is wrong and what was expected.
    public let message: String

    /// Creates an error; `file` and `line` are optional so usage errors can reuse the type.
    public init(file: String?, line: Int? = nil, message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    /// `file:line: message`, `file: message`, or just `message`, depending on what is known.
    public var description: String {
        switch (file, line) {
        case let (file?, line?): return "\(file):\(line): \(message)"
        case let (file?, nil): return "\(file): \(message)"
        default: return message
        }
    }
}
