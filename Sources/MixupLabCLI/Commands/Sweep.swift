import ArgumentParser
import Foundation
import MixupExperiments

/// `mixuplab sweep`: run a grid of runs locally in worker processes or as a Slurm job array, and
/// report where it stands (`sweep status`).
struct Sweep: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a grid (YAML/JSON) of datasets × arms × α × η × seeds locally or on Slurm; `sweep status DIR` shows progress.",
        subcommands: [SweepStart.self, SweepStatus.self],
        defaultSubcommand: SweepStart.self)
}

/// `mixuplab sweep GRID --out DIR …`: expands the grid, writes DIR/sweep.json and runs (or submits) it.
struct SweepStart: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "start",
        abstract: "Run GRID into DIR (re-running continues: complete runs are skipped, interrupted ones resume exactly).")

    @OptionGroup var plugins: PluginOptions
    @Argument(help: "Grid file (YAML or JSON), e.g. Examples/grids/smoke.yaml.")
    var grid: String
    @Option(help: "Sweep directory: sweep.json, runs/<id>/, logs/, locks/.")
    var out: String
    @Option(help: "Local worker processes (default 1; not with --slurm, whose concurrency is --max-concurrent).")
    var workers: Int?
    @Option(help: "Compute threads of each run (--threads of train; results are reproducible for a fixed count).")
    var threadsPerWorker: Int = 1
    @Flag(help: "Submit a Slurm job array instead of running locally.")
    var slurm = false
    @Option(help: "Slurm partition.")
    var partition: String?
    @Option(help: "Slurm time limit per array task (e.g. 02:00:00).")
    var time: String?
    @Option(help: "Slurm CPUs per task, also each run's thread count (default --threads-per-worker).")
    var cpusPerTask: Int?
    @Option(help: "Slurm memory per task (e.g. 2G).")
    var mem: String?
    @Option(help: "At most K array tasks at once (the array's %K).")
    var maxConcurrent: Int?
    @Option(help: "Runs per array task (default: 1, or enough to stay within 1000 tasks).")
    var runsPerTask: Int?
    @Flag(help: "Slurm: write the sbatch script but do not submit it.")
    var noSubmit = false
    @Option(help: "The mixuplab executable workers run (default: this one, /proc/self/exe).")
    var executable: String?

    func validate() throws {
        if let workers, workers < 1 { throw ValidationError("--workers must be ≥ 1, got \(workers)") }
        if slurm, workers != nil {
            throw ValidationError("--workers sets local worker processes; with --slurm every array task is a worker (limit them with --max-concurrent)")
        }
        guard threadsPerWorker >= 1 else { throw ValidationError("--threads-per-worker must be ≥ 1, got \(threadsPerWorker)") }
        if let cpusPerTask, cpusPerTask < 1 { throw ValidationError("--cpus-per-task must be ≥ 1, got \(cpusPerTask)") }
        if let maxConcurrent, maxConcurrent < 1 { throw ValidationError("--max-concurrent must be ≥ 1, got \(maxConcurrent)") }
        if let runsPerTask, runsPerTask < 1 { throw ValidationError("--runs-per-task must be ≥ 1, got \(runsPerTask)") }
        if !slurm, partition != nil || time != nil || cpusPerTask != nil || mem != nil || maxConcurrent != nil || runsPerTask != nil || noSubmit {
            throw ValidationError("--partition, --time, --cpus-per-task, --mem, --max-concurrent, --runs-per-task and --no-submit apply to --slurm")
        }
    }

    func run() throws {
        let parsed = try SweepGrid.load(path: grid, trainFlags: Train.flags)
        let sweep = URL(fileURLWithPath: out).standardized
        let manifest = SweepManifest(grid: parsed, gridFile: grid, workingDirectory: FileManager.default.currentDirectoryPath)
        try checkSweep(manifest, source: grid)
        try manifest.writeOrCheck(in: sweep)
        let cells = Set(manifest.runs.map { "\($0.dataset)/\($0.arm)/\($0.setting ?? "")" }).count
        print("grid '\(parsed.name)': \(parsed.datasets.count) dataset(s), \(parsed.arms.count) arm(s), \(cells) settings, \(manifest.runs.count) runs; manifest \(SweepManifest.url(in: sweep).path)")
        let exe = executable.map { URL(fileURLWithPath: $0).standardized.path } ?? currentExecutable()
        if slurm {
            try submitToSlurm(manifest, sweep: sweep, executable: exe)
        } else {
            let failures = try LocalWorkers(manifest: manifest, sweep: sweep, executable: exe, workers: workers ?? 1,
                                            threads: threadsPerWorker).run()
            if !failures.isEmpty {
                throw ValidationError("\(failures.count) run(s) failed: \(failures.prefix(10).joined(separator: ", "))\(failures.count > 10 ? ", …" : ""); logs in \(sweep.path)/logs; re-run to retry")
            }
            print("collect the results with: mixuplab collect \(sweep.path)")
        }
    }

    /// Writes DIR/slurm/sweep.sbatch and submits it with `sbatch --parsable` (job ids go to DIR/slurm/jobs.txt).
    private func submitToSlurm(_ manifest: SweepManifest, sweep: URL, executable: String) throws {
        var script = SlurmArrayScript(executable: executable, sweepDirectory: sweep.path, workingDirectory: manifest.workingDirectory,
                                      jobName: "mixuplab-\(manifest.grid.name)", runCount: manifest.runs.count)
        script.runsPerTask = runsPerTask ?? max(1, (manifest.runs.count + 999) / 1000)
        script.maxConcurrent = maxConcurrent
        script.partition = partition
        script.time = time
        script.memory = mem
        script.cpusPerTask = cpusPerTask ?? threadsPerWorker
        let slurmDir = sweep.appendingPathComponent("slurm")
        try OutputFiles.createFolder(slurmDir)
        let scriptURL = slurmDir.appendingPathComponent("sweep.sbatch")
        try OutputFiles.write(script.text, to: scriptURL)
        print("wrote \(scriptURL.path): \(script.taskCount) array task(s) × \(script.runsPerTask) run(s), \(script.cpusPerTask) CPU(s) each")
        if noSubmit { return }
        let output = try runTool("sbatch", ["--parsable", scriptURL.path])
        guard output.status == 0 else { throw ValidationError("sbatch failed (exit \(output.status)): \(output.text)") }
        let job = output.text.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) } ?? ""
        let jobs = slurmDir.appendingPathComponent("jobs.txt")
        let previous = (try? String(contentsOf: jobs, encoding: .utf8)) ?? ""
        try OutputFiles.write(previous + job + "\n", to: jobs)
        print("submitted job array \(job); follow it with: mixuplab sweep status \(sweep.path)")
    }
}

/// `mixuplab sweep status DIR`: per-run state from the run directories, plus the Slurm jobs' state.
struct SweepStatus: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show which runs of a sweep are done, running, interrupted or pending (and its Slurm jobs via squeue/sacct).")

    @Argument(help: "Sweep directory.")
    var directory: String
    @Flag(help: "List every run, not only the ones that are not done.")
    var all = false

    func run() throws {
        let sweep = URL(fileURLWithPath: directory).standardized
        let manifest = try SweepManifest.read(from: sweep)
        var counts: [String: Int] = [:]
        var lines: [String] = []
        for run in manifest.runs {
            let state = SweepRunState.of(manifest.directory(of: run, in: sweep), lock: manifest.lock(of: run, in: sweep))
            let key: String
            switch state {
            case .done: key = "done"
            case .running: key = "running"
            case .interrupted: key = "interrupted"
            case .pending: key = "pending"
            }
            counts[key, default: 0] += 1
            if all || state != .done { lines.append("  \(run.index)\t\(run.id)\t\(state.label)") }
        }
        let summary = ["done", "running", "interrupted", "pending"].map { "\(counts[$0] ?? 0) \($0)" }.joined(separator: ", ")
        print("\(manifest.grid.name): \(manifest.runs.count) runs: \(summary)")
        lines.forEach { print($0) }
        let jobsFile = sweep.appendingPathComponent("slurm/jobs.txt")
        if let jobs = try? String(contentsOf: jobsFile, encoding: .utf8) {
            for job in jobs.split(separator: "\n").map(String.init) where !job.isEmpty {
                print("Slurm job \(job):")
                for (tool, args) in [("squeue", ["-h", "-r", "-j", job, "-o", "%i %T %M %R"]),
                                     ("sacct", ["-n", "-P", "-X", "-j", job, "--format=JobID,State,ExitCode,Elapsed"])] {
                    if let out = try? runTool(tool, args) {
                        let text = out.text.trimmingCharacters(in: .whitespacesAndNewlines)
                        print("  \(tool): " + (text.isEmpty ? "(nothing listed)" : text.replacingOccurrences(of: "\n", with: "\n  \(tool): ")))
                    } else {
                        print("  \(tool): not available")
                    }
                }
            }
        }
    }
}

/// Runs a tool found on PATH; its exit status and combined output.
func runTool(_ name: String, _ arguments: [String]) throws -> (status: Int32, text: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [name] + arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
}
