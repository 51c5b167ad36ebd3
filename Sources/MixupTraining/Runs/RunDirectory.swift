import DataFiles
import Foundation
import SafeTensors
#if canImport(Glibc)
import Glibc
#endif

/// A run's folder: `config.json` (the run record, see `RunRecord`), `metrics.jsonl` and
/// `metrics.csv` (one line per epoch), `last.safetensors` (the last good checkpoint) and
/// `best.safetensors` (best validation accuracy), each replaced atomically; and, unless switched
/// off, TensorBoard event files `events.out.tfevents.<unix-time>.<hostname>` (one per `run()`,
/// appended per epoch). `.lock` marks the process that owns the folder (see `lock()`).
public struct RunDirectory {
    /// The folder.
    public let url: URL

    /// Creates the folder (and parents) if needed, and checks that files can be created in it, so a
    /// path under a file or a read-only folder fails here, before any compute.
    public init(_ url: URL) throws {
        self.url = url
        do { try FileSystemFailure.createFolder(url.path) } catch {
            throw RunDirectoryError.wrapping(error, url.path, "cannot create the run directory")
        }
        guard access(url.path, W_OK | X_OK) == 0 else {
            let code = POSIXErrorCode(rawValue: errno) ?? .EACCES
            throw RunDirectoryError("\(url.path): the run directory is not writable (\(FileSystemFailure.reason(url.path, POSIXError(code))))")
        }
    }

    /// The run record (`RunRecord`, JSON).
    public var configURL: URL { url.appendingPathComponent("config.json") }
    /// One JSON object per completed epoch.
    public var metricsJSONLinesURL: URL { url.appendingPathComponent("metrics.jsonl") }
    /// The same metrics as CSV.
    public var metricsCSVURL: URL { url.appendingPathComponent("metrics.csv") }
    /// The checkpoint after the last completed epoch.
    public var lastCheckpointURL: URL { url.appendingPathComponent("last.safetensors") }
    /// The checkpoint of the best validation accuracy so far.
    public var bestCheckpointURL: URL { url.appendingPathComponent("best.safetensors") }
    /// The lock file: locked (`flock`) while a process owns the run; holds that process's id.
    public var lockURL: URL { url.appendingPathComponent(".lock") }

    /// Takes the run directory for this process: a second process (or a second lock in this one)
    /// gets an error naming the holder's pid. The lock lasts as long as the returned value.
    public func lock() throws -> RunDirectoryLock {
        try RunDirectoryLock(file: lockURL, directory: url)
    }

    /// The files and folders a previous run left here (config, metrics, checkpoints, event files,
    /// graph folds), by name; empty for a fresh directory.
    public func previousRunFiles() throws -> [String] {
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: url.path) } catch {
            throw RunDirectoryError.wrapping(error, url.path, "cannot list the run directory")
        }
        let fixed: Set<String> = ["config.json", "metrics.jsonl", "metrics.csv", "last.safetensors", "best.safetensors"]
        return names.filter { fixed.contains($0) || $0.hasPrefix("events.out.tfevents.") || $0.hasPrefix("fold-") }.sorted()
    }

    /// Removes what `previousRunFiles()` lists (for `--overwrite`); other files are left alone.
    public func removePreviousRun() throws {
        for name in try previousRunFiles() {
            let file = url.appendingPathComponent(name)
            do { try FileManager.default.removeItem(at: file) } catch {
                throw RunDirectoryError.wrapping(error, file.path, "cannot remove a previous run's file")
            }
        }
    }

    /// Deletes temporary files left by atomic writes of a killed process (`.NAME.*.tmp`, see
    /// `AtomicFileWriter`) and returns their names. Call it only while holding `lock()`.
    @discardableResult
    public func removeStaleTemporaryFiles() throws -> [String] {
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: url.path) } catch {
            throw RunDirectoryError.wrapping(error, url.path, "cannot list the run directory")
        }
        let stale = names.filter { $0.hasPrefix(".") && $0.hasSuffix(".tmp") }.sorted()
        for name in stale {
            let file = url.appendingPathComponent(name)
            do { try FileManager.default.removeItem(at: file) } catch {
                throw RunDirectoryError.wrapping(error, file.path, "cannot remove a stale temporary file")
            }
        }
        return stale
    }

    /// Writes `value` as pretty, key-sorted JSON, atomically.
    public func writeJSON<T: Encodable>(_ value: T, to file: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let bytes: Data
        do { bytes = try encoder.encode(value) } catch {
            throw RunDirectoryError.wrapping(error, file.path, "cannot encode as JSON")
        }
        try write(Array(bytes), to: file)
    }

    /// Rewrites both metrics files with `history` (so a resumed run's files stay consistent).
    public func writeMetrics(_ history: [EpochMetrics]) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let lines: [String]
        do { lines = try history.map { String(decoding: try encoder.encode($0), as: UTF8.self) } } catch {
            throw RunDirectoryError.wrapping(error, metricsJSONLinesURL.path, "cannot encode the epoch metrics as JSON")
        }
        try write(Array((lines.joined(separator: "\n") + "\n").utf8), to: metricsJSONLinesURL)
        var csv = CSVTable(header: EpochMetrics.csvColumns)
        for metrics in history { csv.append(metrics.csvCells) }
        try write(Array(csv.render().utf8), to: metricsCSVURL)
    }

    /// The TensorBoard event files in the folder, in name order (the order TensorBoard reads them).
    public func tensorBoardEventFiles() throws -> [URL] {
        do {
            return try FileManager.default.contentsOfDirectory(atPath: url.path)
                .filter { $0.hasPrefix("events.out.tfevents.") }
                .sorted()
                .map { url.appendingPathComponent($0) }
        } catch {
            throw RunDirectoryError.wrapping(error, url.path, "cannot list the run directory")
        }
    }

    /// Reads `metrics.jsonl` back (empty if absent); a line that is not an epoch's metrics is an
    /// error naming the file and line.
    public func readMetrics() throws -> [EpochMetrics] {
        let file = metricsJSONLinesURL
        guard FileManager.default.fileExists(atPath: file.path) else { return [] }
        let text: String
        do { text = try String(contentsOf: file, encoding: .utf8) } catch {
            throw RunDirectoryError.wrapping(error, file.path, "cannot read the epoch metrics")
        }
        return try text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
            .filter { !$0.element.isEmpty }
            .map { line, json in
                do { return try JSONDecoder().decode(EpochMetrics.self, from: Data(json.utf8)) } catch {
                    throw RunDirectoryError.wrapping(error, "\(file.path): line \(line + 1)", "not an epoch's metrics")
                }
            }
    }

    private func write(_ bytes: [UInt8], to file: URL) throws {
        do { try AtomicFileWriter.write(bytes, to: file) } catch {
            throw RunDirectoryError.wrapping(error, file.path, "cannot write")
        }
    }
}
