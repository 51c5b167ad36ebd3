import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Why a folder could not be created or listed, or a file could not be written, in the operating
/// system's words ("Not a directory (/runs is a file)", "Permission denied"): Foundation on Linux
/// reports these as "The operation could not be completed", so every module that creates, writes
/// or lists asks here instead.
public enum FileSystemFailure {
    /// The reason an operation on `path` failed with `error`: the first component of the path the
    /// operating system refuses (a file where a folder is needed, a missing folder, a denied one),
    /// else the system error inside `error`, else its domain and code.
    public static func reason(_ path: String, _ error: Error) -> String {
        if let refused = refusedComponent(of: path) { return refused }
        guard let system = systemReason(error) else { return fallback(error) }
        // A folder was needed where a file is: say which (as for a file among the path's folders).
        var info = stat()
        if system == String(cString: strerror(ENOTDIR)), stat(path, &info) == 0, (info.st_mode & S_IFMT) != S_IFDIR {
            return "\(system) (\(path) is a file)"
        }
        return system
    }

    /// Creates the folder at `path` and its missing parents (nothing if it exists). A file there is a
    /// `POSIXError(.ENOTDIR)`, which `reason` words as "Not a directory (PATH is a file)".
    public static func createFolder(_ path: String) throws {
        var info = stat()
        if stat(path, &info) == 0 && (info.st_mode & S_IFMT) != S_IFDIR { throw POSIXError(.ENOTDIR) }
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    /// The operating system's words for the POSIX error inside `error` (itself, or a Foundation
    /// error's underlying error, which on Linux is a `POSIXError` rather than an `NSError`), or nil
    /// when it carries none.
    public static func systemReason(_ error: Error) -> String? {
        var current: Error = error
        for _ in 0..<8 {
            if let posix = current as? POSIXError { return String(cString: strerror(posix.code.rawValue)) }
            let ns = current as NSError
            if ns.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(truncatingIfNeeded: ns.code))) }
            guard let underlying = ns.userInfo[NSUnderlyingErrorKey] as? Error else { return nil }
            current = underlying
        }
        return nil
    }

    /// `error`'s failure reason, or its domain and code (never Foundation's generic sentence).
    static func fallback(_ error: Error) -> String {
        // Text reads (`String(contentsOf:encoding: .utf8)`) report undecodable bytes as one of these.
        if let cocoa = error as? CocoaError, cocoa.code == .fileReadInapplicableStringEncoding || cocoa.code == .fileReadCorruptFile {
            return "not valid UTF-8 text"
        }
        let ns = error as NSError
        return ns.localizedFailureReason ?? "\(ns.domain) error \(ns.code)"
    }

    /// The entries of the folder at `path`, unsorted. Foundation on Linux lists a regular file as an empty
    /// folder; here it is a `POSIXError(.ENOTDIR)`, which `reason` words as "Not a directory".
    public static func folderEntries(_ path: String) throws -> [String] {
        var info = stat()
        if stat(path, &info) == 0 && (info.st_mode & S_IFMT) != S_IFDIR { throw POSIXError(.ENOTDIR) }
        return try FileManager.default.contentsOfDirectory(atPath: path)
    }

    /// Why the path itself cannot be reached, if it cannot: a file among its folders ("Not a directory
    /// (A is a file)"), a missing folder above its parent ("No such file or directory (A does not exist)"),
    /// or another refusal of the system (permission, loop, name too long). Nil when the path exists or
    /// only its last component is missing, so the operation's own error says why.
    static func refusedComponent(of path: String) -> String? {
        var info = stat()
        if stat(path, &info) == 0 { return nil }
        let code = errno
        let url = URL(fileURLWithPath: path).standardizedFileURL
        switch code {
        case ENOENT, ENOTDIR:
            // Walk up to the nearest ancestor that exists.
            var missing = url
            var ancestor = url.deletingLastPathComponent()
            while ancestor.path != missing.path {
                if stat(ancestor.path, &info) == 0 {
                    if (info.st_mode & S_IFMT) != S_IFDIR {
                        return "\(String(cString: strerror(ENOTDIR))) (\(ancestor.path) is a file)"
                    }
                    // Only the last component is missing: nothing is refused yet.
                    if missing.path == url.path { return nil }
                    return "\(String(cString: strerror(ENOENT))) (\(missing.path) does not exist)"
                }
                missing = ancestor
                ancestor = ancestor.deletingLastPathComponent()
            }
            return String(cString: strerror(code))
        default:
            return String(cString: strerror(code))
        }
    }
}
