import DataFiles
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// What a run directory says about a run. A run is complete when its worker wrote the marker
/// `sweep-done.json` after `train` returned; a directory with `last.safetensors` (graphs: in any
/// `fold-NN/`) but no marker was interrupted and resumes exactly; anything else starts afresh.
public enum SweepRunState: Equatable, Sendable {
    /// Not started, or killed before its first checkpoint.
    case pending
    /// Interrupted after `epochs` finished epochs (graphs: summed over folds), with a checkpoint.
    case interrupted(epochs: Int)
    /// A worker holds its lock now, `epochs` epochs done.
    case running(epochs: Int)
    /// Complete: the worker wrote the marker.
    case done

    /// The name of the completion marker in a run directory.
    public static let doneMarker = "sweep-done.json"

    /// The state of the run in `directory`; `lock` tells whether a worker holds the run now.
    public static func of(_ directory: URL, lock: URL? = nil) -> SweepRunState {
        let fm = FileManager.default
        if fm.fileExists(atPath: directory.appendingPathComponent(doneMarker).path) { return .done }
        let epochs = ([directory] + foldDirectories(of: directory)).map { dir in
            (try? String(contentsOf: dir.appendingPathComponent("metrics.jsonl"), encoding: .utf8)).map { $0.split(separator: "\n").count } ?? 0
        }.reduce(0, +)
        if let lock, SweepLock.isHeld(lock) { return .running(epochs: epochs) }
        if hasCheckpoint(directory) { return .interrupted(epochs: epochs) }
        return .pending
    }

    /// The `fold-NN/` directories of a graph run (k-fold cross-validation), sorted; empty for split data.
    public static func foldDirectories(of directory: URL) -> [URL] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { $0.range(of: "^fold-[0-9]+$", options: .regularExpression) != nil }.sorted()
            .map { directory.appendingPathComponent($0) }
    }

    /// Whether the run has a checkpoint to resume from: `last.safetensors`, or one in any fold of a graph run.
    public static func hasCheckpoint(_ directory: URL) -> Bool {
        ([directory] + foldDirectories(of: directory)).contains {
            FileManager.default.fileExists(atPath: $0.appendingPathComponent("last.safetensors").path)
        }
    }

    /// Short text for status tables.
    public var label: String {
        switch self {
        case .pending: "pending"
        case let .interrupted(e): "interrupted after \(e) epochs"
        case let .running(e): "running (\(e) epochs done)"
        case .done: "done"
        }
    }
}

/// An exclusive `flock` on a file: a run is trained by one worker at a time, even when a killed
/// sweep left its worker running and a new sweep starts the same run (the new one waits, then
/// finds it done). The kernel releases the lock when the holder dies.
public final class SweepLock {
    private let fd: Int32

    /// Takes the lock, waiting for the current holder if `wait` (else throws when it is held).
    public init(_ url: URL, wait: Bool) throws {
        let folder = url.deletingLastPathComponent()
        do { try FileSystemFailure.createFolder(folder.path) } catch {
            throw SweepGridError("\(folder.path): cannot create the lock folder: \(FileSystemFailure.reason(folder.path, error))")
        }
        fd = open(url.path, O_CREAT | O_RDWR | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw SweepGridError("\(url.path): cannot open the run lock (\(String(cString: strerror(errno))))") }
        if flock(fd, LOCK_EX | (wait ? 0 : LOCK_NB)) != 0 {
            let code = errno
            close(fd)
            throw SweepGridError("\(url.path): \(code == EWOULDBLOCK ? "another worker holds this run" : "cannot lock (errno \(code))")")
        }
    }

    deinit { close(fd) }

    /// Whether some process holds the lock at `url` now.
    public static func isHeld(_ url: URL) -> Bool {
        let fd = open(url.path, O_RDWR | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        if flock(fd, LOCK_EX | LOCK_NB) == 0 { flock(fd, LOCK_UN); return false }
        return true
    }
}
