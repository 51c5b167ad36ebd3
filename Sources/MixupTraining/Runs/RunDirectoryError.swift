import DataFiles
import Foundation

/// A run directory that cannot be created, locked, read or written: the message names the file and
/// what was being done (never a bare Foundation error).
public struct RunDirectoryError: Error, CustomStringConvertible, Equatable {
    /// `PATH: what was being done: why`.
    public let description: String

    /// An error with its full message.
    public init(_ description: String) { self.description = description }

    /// Wraps `error` (often a Foundation `CocoaError` without a path) with the file and the action; the
    /// cause is the operating system's reason (`FileSystemFailure`), never Foundation's generic sentence.
    static func wrapping(_ error: Error, _ path: String, _ action: String) -> RunDirectoryError {
        if let error = error as? RunDirectoryError { return error }
        let cause: String
        if let decoding = error as? DecodingError {
            cause = RunDirectoryError.describe(decoding)
        } else if error is CocoaError || error is POSIXError || (error as NSError).domain == NSPOSIXErrorDomain {
            cause = FileSystemFailure.reason(path, error)
        } else {
            cause = "\(error)"
        }
        return RunDirectoryError("\(path): \(action): \(cause)")
    }

    /// A `DecodingError` as one line: the coding path and the debug description.
    static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let keys = context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
            return (keys.isEmpty ? "" : "at '\(keys)': ") + context.debugDescription
        }
        switch error {
        case let .dataCorrupted(context): return "not valid JSON or not a run file: " + path(context)
        case let .keyNotFound(key, context): return "missing key '\(key.stringValue)' " + path(context)
        case let .typeMismatch(_, context), let .valueNotFound(_, context): return path(context)
        @unknown default: return "\(error)"
        }
    }
}
