import Foundation
#if canImport(Glibc)
import Glibc
#endif
import MixupExperiments

/// Runs a sweep's pending runs in `workers` subprocesses (`mixuplab sweep-run DIR --index I`),
/// each run's output in `DIR/logs/`, printing progress (runs done/total, ETA) as runs finish.
struct LocalWorkers {
    var manifest: SweepManifest
    var sweep: URL
    var executable: String
    var workers: Int
    var threads: Int

    /// Runs everything not yet complete; returns the ids of runs that failed.
    func run() throws -> [String] {
        let total = manifest.runs.count
        let pending = manifest.runs.filter { SweepRunState.of(manifest.directory(of: $0, in: sweep)) != .done }
        let complete = total - pending.count
        print("\(complete) of \(total) runs complete; \(pending.count) to run on \(workers) worker(s) × \(threads) thread(s)")
        guard !pending.isEmpty else { return [] }
        try OutputFiles.createFolder(sweep.appendingPathComponent("logs"))
        let state = SharedProgress()
        let started = Date()
        let group = DispatchGroup()
        for _ in 0..<min(workers, pending.count) {
            group.enter()
            let thread = Thread {
                defer { group.leave() }
                while true {
                    let run: SweepRun? = state.lock.withLock {
                        defer { state.next += 1 }
                        return state.next < pending.count ? pending[state.next] : nil
                    }
                    guard let run else { return }
                    let runStarted = Date()
                    let status = launch(run)
                    state.lock.withLock {
                        state.finished += 1
                        let finished = state.finished
                        if status != 0 { state.failures.append(run.id) }
                        let elapsed = Date().timeIntervalSince(started)
                        let eta = elapsed / Double(finished) * Double(pending.count - finished)
                        let outcome = status == 0 ? String(format: "done in %.1f s", Date().timeIntervalSince(runStarted))
                            : "FAILED (exit \(status); see \(manifest.log(of: run, in: sweep).path))"
                        print("[\(complete + finished)/\(total)] \(run.id): \(outcome); ETA \(formatDuration(eta))")
                    }
                }
            }
            thread.start()
        }
        group.wait()
        let failures = state.lock.withLock { state.failures }
        print(String(format: "sweep finished in %@: %d runs, %d failed", formatDuration(Date().timeIntervalSince(started)),
                     pending.count, failures.count))
        return failures
    }

    /// Runs one `sweep-run` subprocess with its output appended to the run's log; its exit status.
    private func launch(_ run: SweepRun) -> Int32 {
        // O_APPEND: a worker orphaned by a killed sweep may still write to the same log.
        let fd = open(manifest.log(of: run, in: sweep).path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return -1 }
        let log = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["sweep-run", sweep.path, "--index", String(run.index), "--threads", String(threads)]
        process.standardOutput = log
        process.standardError = log
        do { try process.run() } catch {
            log.write(Data("cannot start \(executable): \(error)\n".utf8))
            return -1
        }
        process.waitUntilExit()
        return process.terminationStatus
    }
}

/// What the worker threads share, under `lock`: the next pending run, how many finished, which failed.
private final class SharedProgress: @unchecked Sendable {
    let lock = NSLock()
    var next = 0
    var finished = 0
    var failures: [String] = []
}

/// `1h02m`, `3m05s`, `12s`.
func formatDuration(_ seconds: Double) -> String {
    guard seconds.isFinite else { return "?" }
    let s = Int(seconds.rounded())
    if s >= 3600 { return String(format: "%dh%02dm", s / 3600, (s % 3600) / 60) }
    if s >= 60 { return String(format: "%dm%02ds", s / 60, s % 60) }
    return "\(s)s"
}
