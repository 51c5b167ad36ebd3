import Foundation

/// Scratch directories to remove when libFuzzer exits (it ends the process with `exit`, so `atexit` runs).
nonisolated(unsafe) private var scratchDirectories: [URL] = []

/// A per-process scratch directory in memory (`/dev/shm` when present), for parsers that only read files. Each
/// harness reuses its files across inputs, so one execution costs a few small writes, not a directory creation.
public struct FuzzScratch {
    /// The directory, reused for every input and removed when the process exits.
    public let directory: URL

    /// Creates `/dev/shm/mixuplab-fuzz-<harness>-<pid>` (or the same under the temporary directory).
    public init(_ harness: String) {
        let base = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
        directory = URL(fileURLWithPath: base)
            .appendingPathComponent("mixuplab-fuzz-\(harness)-\(ProcessInfo.processInfo.processIdentifier)")
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        if scratchDirectories.isEmpty {
            atexit { for url in scratchDirectories { try? FileManager.default.removeItem(at: url) } }
        }
        scratchDirectories.append(directory)
    }

    /// Writes `bytes` to `name` inside the directory (replacing it) and returns its URL.
    @discardableResult
    public func write<C: Collection>(_ bytes: C, to name: String) -> URL where C.Element == UInt8 {
        let url = directory.appendingPathComponent(name)
        do { try Data(bytes).write(to: url) } catch { fatalError("fuzz scratch write failed: \(error)") }
        return url
    }

    /// Removes `name` if it exists (an optional file absent from this input).
    public func remove(_ name: String) {
        try? FileManager.default.removeItem(at: directory.appendingPathComponent(name))
    }
}
