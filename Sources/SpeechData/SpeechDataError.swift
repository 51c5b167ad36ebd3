import Foundation
/// A dataset-layout or cache problem (missing folder, bad list line, unparsable file name), naming the path and,
/// where it applies, the line.
///
/// The description reads like `"validation_list.txt:3: listed file 'yes/x.wav' does not exist"`.
public struct SpeechDataError: Error, CustomStringConvertible, Equatable {
    /// The file or directory concerned.
    public var path: String
    /// 1-based line number inside `path`, when the problem is on a line of a text file.
    public var line: Int?
    /// What is wrong, in words.
    public var reason: String

    /// Creates an error for `path` (and optionally a 1-based `line`).
    public init(path: String, line: Int? = nil, reason: String) {
        self.path = path
        self.line = line
        self.reason = reason
    }

    /// `"<path>:<line>: <reason>"` or `"<path>: <reason>"`.
    public var description: String {
        if let line { return "\(path):\(line): \(reason)" }
        return "\(path): \(reason)"
    }
}
