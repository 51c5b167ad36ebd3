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

extension SpeechDataError {
    /// Why `path` could not be read, in the operating system's words ("Permission denied", "is a directory"), so
    /// messages never show a bare Foundation error code; `error` is the fallback.
    static func readFailureReason(_ path: String, _ error: Error) -> String {
        let fd = open(path, O_RDONLY)
        if fd < 0 { return String(cString: strerror(errno)) }
        defer { close(fd) }
        var info = stat()
        if fstat(fd, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR { return "is a directory, not a file" }
        let ns = error as NSError
        return ns.localizedFailureReason ?? "\(ns.domain) error \(ns.code)"
    }
}
