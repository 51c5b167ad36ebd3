import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Why a data file could not be read, in the operating system's words, shared by the dataset adapters so
/// their messages never show a bare Foundation code such as `NSCocoaErrorDomain Code=256 "(null)"`.
public enum FileReadFailure {
    /// The reason `path` could not be read ("Permission denied", "is a directory, not a file", …): asks the
    /// operating system by opening the path again; `error` (the failed Foundation read) is the fallback.
    public static func reason(_ path: String, _ error: Error) -> String {
        let fd = open(path, O_RDONLY)
        if fd < 0 { return String(cString: strerror(errno)) }
        defer { close(fd) }
        var info = stat()
        if fstat(fd, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR { return "is a directory, not a file" }
        return FileSystemFailure.systemReason(error) ?? FileSystemFailure.fallback(error)
    }
}
