import ArgumentParser
import Foundation
import MixupExperiments

/// `mixuplab sweep-run DIR --index I` (or `--task T --runs-per-task C` in a Slurm array): trains
/// runs of DIR/sweep.json in this process — what local workers and Slurm array tasks execute.
struct SweepRunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep-run",
        abstract: "Train run I (or array task T's chunk) of a sweep directory: skip if complete, resume if interrupted.")

    @OptionGroup var plugins: PluginOptions
    @Argument(help: "Sweep directory (holds sweep.json).")
    var directory: String
    @Option(help: "Index of the run in sweep.json.")
    var index: Int?
    @Option(help: "Array task number: runs task·C ..< (task+1)·C with C = --runs-per-task.")
    var task: Int?
    @Option(help: "Runs per array task.")
    var runsPerTask: Int = 1
    @Option(help: "Compute threads of each run.")
    var threads: Int = 1

    func validate() throws {
        guard (index == nil) != (task == nil) else { throw ValidationError("give exactly one of --index and --task") }
        guard runsPerTask >= 1, threads >= 1 else { throw ValidationError("--runs-per-task and --threads must be ≥ 1") }
    }

    func run() throws {
        let sweep = URL(fileURLWithPath: directory).standardized
        let manifest = try SweepManifest.read(from: sweep)
        let indices = index.map { [$0] } ?? Array((task! * runsPerTask)..<min((task! + 1) * runsPerTask, manifest.runs.count))
        guard !indices.isEmpty, indices.allSatisfy({ manifest.runs.indices.contains($0) }) else {
            throw ValidationError("\(SweepManifest.url(in: sweep).path) has runs 0…\(manifest.runs.count - 1); --index/--task \(index ?? task!) is outside")
        }
        for i in indices { try executeSweepRun(manifest.runs[i], of: manifest, sweep: sweep, threads: threads) }
    }
}
