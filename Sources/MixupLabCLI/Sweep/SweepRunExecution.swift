import ArgumentParser
import Foundation
import MixupExperiments

/// Trains one run of a sweep in this process, the way every worker (local or Slurm) does: take
/// the run's lock (waiting for a worker a killed sweep left behind), skip it if complete, resume it
/// exactly if it has a checkpoint, else start it in a clean directory; then mark it complete.
func executeSweepRun(_ run: SweepRun, of manifest: SweepManifest, sweep: URL, threads: Int) throws {
    let lockURL = manifest.lock(of: run, in: sweep)
    let lock: SweepLock
    do { lock = try SweepLock(lockURL, wait: false) } catch {
        print("\(run.id): another worker holds it; waiting for it to finish")
        lock = try SweepLock(lockURL, wait: true)
    }
    defer { withExtendedLifetime(lock) {} }
    let dir = manifest.directory(of: run, in: sweep)
    let fm = FileManager.default
    if SweepRunState.of(dir) == .done {
        print("\(run.id): complete, skipped")
        return
    }
    var arguments = run.arguments + ["--run-dir", dir.path, "--threads", String(threads)]
    if SweepRunState.hasCheckpoint(dir) {
        arguments.append("--resume")
    } else if fm.fileExists(atPath: dir.path) {
        // Killed before its first checkpoint: nothing to keep.
        try fm.removeItem(at: dir)
    }
    try OutputFiles.createFolder(dir.deletingLastPathComponent())
    _ = try PluginLoader.load(manifest.plugins)
    guard fm.changeCurrentDirectoryPath(manifest.workingDirectory) else {
        throw ValidationError("\(manifest.workingDirectory): cannot enter the sweep's working directory (sweep.json)")
    }
    print("\(run.id): mixuplab train \(arguments.joined(separator: " "))")
    let started = Date()
    let train = try Train.parse(arguments)
    try train.run()
    let marker = SweepDoneMarker(id: run.id, finished: ISO8601DateFormatter().string(from: Date()),
                                 seconds: Date().timeIntervalSince(started), threads: threads)
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    try encoder.encode(marker).write(to: dir.appendingPathComponent(SweepRunState.doneMarker), options: .atomic)
}

/// The content of `sweep-done.json`: which run finished, when, and on how many threads.
struct SweepDoneMarker: Codable {
    var id: String
    var finished: String
    /// Wall time of this (possibly resumed) session of the run.
    var seconds: Double
    var threads: Int
}

/// This process's executable (`/proc/self/exe`), which local workers run as `sweep-run`.
func currentExecutable() -> String {
    (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
}
