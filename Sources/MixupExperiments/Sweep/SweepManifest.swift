import DataFiles
import Foundation
import MixupTraining

/// `DIR/sweep.json`: the grid, its expansion and where runs execute, written once when a sweep
/// starts; every later `sweep`, `sweep-run`, `sweep status` and `collect` reads it.
public struct SweepManifest: Codable, Equatable, Sendable {
    /// Format version of this file.
    public var version = 1
    /// The grid as parsed.
    public var grid: SweepGrid
    /// The grid file as given (for the record).
    public var gridFile: String
    /// The directory runs execute in (relative data paths resolve against it), absolute.
    public var workingDirectory: String
    /// Plugin libraries, absolute.
    public var plugins: [String]
    /// The expansion.
    public var runs: [SweepRun]

    /// A manifest for `grid`, resolving relative plugin paths against `workingDirectory`.
    public init(grid: SweepGrid, gridFile: String, workingDirectory: String) {
        self.grid = grid
        self.gridFile = gridFile
        self.workingDirectory = workingDirectory
        plugins = grid.plugins.map { $0.hasPrefix("/") ? $0 : URL(fileURLWithPath: workingDirectory).appendingPathComponent($0).standardized.path }
        runs = grid.expand()
    }

    /// The manifest's file in a sweep directory.
    public static func url(in directory: URL) -> URL { directory.appendingPathComponent("sweep.json") }

    /// Reads `DIR/sweep.json`.
    public static func read(from directory: URL) throws -> SweepManifest {
        let url = url(in: directory)
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw SweepGridError("\(url.path): no sweep manifest; start the sweep with `mixuplab sweep GRID --out \(directory.path)`")
        }
        do { return try JSONDecoder().decode(SweepManifest.self, from: Data(contentsOf: url)) } catch {
            throw SweepGridError("\(url.path): not a sweep manifest (\(error))")
        }
    }

    /// Writes the manifest, or checks that the one already there describes the same runs (a
    /// different grid in the same directory is refused, so finished runs are never mixed up).
    public func writeOrCheck(in directory: URL) throws {
        do {
            try FileSystemFailure.createFolder(directory.path)
        } catch {
            throw SweepGridError("\(directory.path): cannot create the sweep folder: \(FileSystemFailure.reason(directory.path, error))")
        }
        let url = Self.url(in: directory)
        if FileManager.default.fileExists(atPath: url.path) {
            let existing = try Self.read(from: directory)
            guard existing.runs == runs, existing.plugins == plugins else {
                throw SweepGridError("\(url.path) holds a different grid (\(existing.runs.count) runs of '\(existing.grid.name)'); use another --out or remove it")
            }
            guard existing.workingDirectory == workingDirectory else {
                throw SweepGridError("\(url.path) was started from \(existing.workingDirectory); run the sweep from there (relative data paths)")
            }
            return
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        do { try encoder.encode(self).write(to: url, options: .atomic) } catch {
            throw SweepGridError("\(url.path): cannot write the sweep manifest: \(FileSystemFailure.reason(url.path, error))")
        }
    }

    /// The run directory of `run`.
    public func directory(of run: SweepRun, in sweep: URL) -> URL {
        sweep.appendingPathComponent("runs").appendingPathComponent(run.id)
    }
}

extension SweepManifest {
    /// The lock file of `run` (outside its run directory, which belongs to `train`).
    public func lock(of run: SweepRun, in sweep: URL) -> URL {
        sweep.appendingPathComponent("locks").appendingPathComponent(run.id.replacingOccurrences(of: "/", with: "__") + ".lock")
    }

    /// The log file a local worker writes `train`'s output to.
    public func log(of run: SweepRun, in sweep: URL) -> URL {
        sweep.appendingPathComponent("logs").appendingPathComponent(run.id.replacingOccurrences(of: "/", with: "__") + ".log")
    }
}
