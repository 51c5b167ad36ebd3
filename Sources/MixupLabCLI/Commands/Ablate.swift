import ArgumentParser
import Foundation
import MixupExperiments
import MixupRegularizers
import MixupTraining

/// `mixuplab ablate`: ERM / Mixup / ERM+R / MixupE (and any +R arm with its own regularizer) ×
/// seeds on one dataset of any domain, as a small sweep: one (α, η), the same run layout, worker
/// processes and collection as `mixuplab sweep`.
struct Ablate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the ablation (ERM, Mixup, ERM+R, MixupE[, mixupe:REGULARIZER]) over seeds on any dataset; print a Markdown table, write ablation.md and ablation.csv.",
        discussion: """
            The ablation is a sweep of one (α, η) in --out: sweep.json, runs/DATASET/ARM/[aα[-eη]/]sSEED/, logs/, trained by \
            --workers `mixuplab sweep-run` processes; `mixuplab collect OUT` and `mixuplab sweep status OUT` read it. \
            Test error is reported at each run's best-validation epoch and at the last epoch (mean ± sample std over seeds). \
            On graphs every arm × seed is a k-fold cross-validation of GIN (one fold-NN/ directory per fold), reported by \
            Xu et al.'s protocol (the epoch of best mean test accuracy over folds).
            """,
        aliases: ["ablate-graph"])

    @OptionGroup var plugins: PluginOptions
    @OptionGroup(title: "Data") var data: DataOptions
    @OptionGroup(title: "Model") var model: ModelOptions
    @OptionGroup(title: "Training") var training: TrainingOptions
    @Option(help: "Number of seeds (0..<N).")
    var seeds: Int = 5
    @Option(help: "Comma-separated arms: erm, mixup, erm+r, mixupe, each +R arm optionally :REGULARIZER (e.g. mixupe:taylor).")
    var arms = ArmList(Method.allCases.map { Ablation.Arm($0) })
    @Option(help: "Output directory: the sweep (sweep.json, runs/, logs/), ablation.md and ablation.csv.")
    var out: String = "runs/ablation"
    @Flag(help: "Continue the ablation in --out: complete runs are skipped, interrupted ones resume exactly.")
    var resume = false
    @Option(help: "Local worker processes.")
    var workers: Int = 1
    @Option(help: "Compute threads of each run (default --threads).")
    var threadsPerWorker: Int?
    @Option(help: "The mixuplab executable workers run (default: this one, /proc/self/exe).")
    var executable: String?

    /// The options of `ablate` itself, which are not `train` options of its runs.
    static let ablationOptions: Set<String> = ["seeds", "arms", "out", "resume", "workers", "threads-per-worker", "executable"]

    /// Checks every option before any data is read (errors show this command's usage).
    func validate() throws {
        guard seeds >= 1 else { throw ValidationError("--seeds must be ≥ 1, got \(seeds)") }
        guard workers >= 1 else { throw ValidationError("--workers must be ≥ 1, got \(workers)") }
        if let threadsPerWorker, threadsPerWorker < 1 { throw ValidationError("--threads-per-worker must be ≥ 1, got \(threadsPerWorker)") }
        try checkRegularizers(arms.arms)
        if !arms.arms.contains(where: { $0.method.regularized }),
           training.regularizer != nil || training.regularizerOptions != nil || training.eta != nil {
            throw ValidationError("--regularizer, --regularizer-options and --eta apply to +R arms; --arms has none")
        }
        try ExperimentOptions(data: data, model: model, training: training).validate(method: .mixupE, single: false, defaults: CommandDefaults())
    }

    /// The ablation as a sweep grid: one dataset, the arms, α and η as resolved for this data
    /// (explicit, so run ids carry them), seeds 0..<N, and every other option as `train` options.
    func grid() throws -> SweepGrid {
        let resolved = try training.configuration(method: .mixupE, seed: 0, dataset: data.dataset)
        let entries = CommandRecording.entries(of: self, excluding: Self.ablationOptions)
        let regularizerOptions = entries.first { $0.name == "regularizer-options" }?.values.first
        var options: [String: String] = [:]
        for entry in entries where !SweepGrid.reservedOptions.contains(entry.name) && entry.name != "regularizer-options" {
            if entry.isFlag {
                if entry.values == ["true"] { options[entry.name] = "true" }
                if entry.values == ["false"] && entry.isInvertible { options[entry.name] = "false" }
            } else if !entry.values.isEmpty {
                options[entry.name] = entry.values.joined(separator: ",")
            }
        }
        // +R arms without their own regularizer take --regularizer and --regularizer-options.
        let gridArms = arms.arms.map { arm -> SweepGrid.Arm in
            var gridArm = SweepGrid.Arm(arm)
            if arm.method.regularized && arm.regularizer == nil {
                gridArm.regularizer = training.regularizer
                if let regularizerOptions { gridArm.options["regularizer-options"] = regularizerOptions }
            }
            return gridArm
        }
        let name = data.defaultRunName.replacingOccurrences(of: "[^A-Za-z0-9._+-]", with: "-", options: .regularExpression)
        return SweepGrid(name: "ablation", seeds: (0..<seeds).map(UInt64.init), alpha: [resolved.alpha], eta: [resolved.eta],
                         options: options, datasets: [SweepGrid.Dataset(name: name == "." || name == ".." ? "data" : name, options: [:])],
                         arms: gridArms, plugins: PluginLoader.loaded.map(\.path))
    }

    /// Runs the ablation's pending runs in `--out` and writes its tables. The `out` folder is owned
    /// by this process for the whole ablation (a second `ablate` into it is refused, naming the
    /// holder) and cleared of temporary files a killed ablation left.
    func run() throws {
        let sweep = URL(fileURLWithPath: out).standardized
        let outDirectory = try RunDirectory(sweep)
        let lock = try outDirectory.lock()
        defer { withExtendedLifetime(lock) {} }
        let stale = try outDirectory.removeStaleTemporaryFiles()
        if !stale.isEmpty { print("removed stale temporary files of a killed ablation: \(stale.joined(separator: ", "))") }

        let grid = try grid()
        let manifest = SweepManifest(grid: grid, gridFile: "mixuplab ablate", workingDirectory: FileManager.default.currentDirectoryPath)
        try checkSweep(manifest, source: "ablate")
        if !resume && FileManager.default.fileExists(atPath: SweepManifest.url(in: sweep).path) {
            throw ValidationError("\(sweep.path) already holds an ablation (sweep.json); give --resume to continue it (complete runs are skipped) or another --out")
        }
        try manifest.writeOrCheck(in: sweep)
        let regularizers = Set(grid.arms.filter(\.method.regularized).map { $0.regularizer ?? "approx" }).sorted()
        print("ablation on \(grid.datasets[0].name): arms \(grid.arms.map(\.name).joined(separator: ", ")); α = \(SweepGrid.label(grid.alpha[0])), "
              + "η = \(SweepGrid.label(grid.eta[0]))\(regularizers.isEmpty ? "" : ", regularizer \(regularizers.joined(separator: "/"))"), "
              + "\(seeds) seed(s), \(manifest.runs.count) runs; manifest \(SweepManifest.url(in: sweep).path)")
        let exe = executable.map { URL(fileURLWithPath: $0).standardized.path } ?? currentExecutable()
        let failures = try LocalWorkers(manifest: manifest, sweep: sweep, executable: exe, workers: workers,
                                        threads: threadsPerWorker ?? training.threads).run()
        if !failures.isEmpty {
            throw ValidationError("\(failures.count) run(s) failed: \(failures.prefix(10).joined(separator: ", "))\(failures.count > 10 ? ", …" : ""); logs in \(sweep.path)/logs; re-run with --resume to retry")
        }
        try writeAblation(sweep: sweep)
    }
}

/// Fails early (before any training) when an arm names an unknown regularizer.
func checkRegularizers(_ arms: [Ablation.Arm]) throws {
    for arm in arms {
        if let name = arm.regularizer { _ = try RegularizerRegistry.make(name) }
    }
}

/// Collects the finished ablation in `sweep` as the sweep's table (what `mixuplab collect` prints),
/// prints it and writes it as ablation.md and ablation.csv.
func writeAblation(sweep: URL) throws {
    let (_, results, missing) = try SweepResult.load(sweep: sweep)
    if let first = missing.first { throw ValidationError("\(missing.count) run(s) of \(sweep.path) are not complete (first: \(first))") }
    let selection = SweepSelection(results)
    let table = SweepReport.markdown(selection)
    print("\n" + table)
    try OutputFiles.write(SweepReport.csv(selection), to: sweep.appendingPathComponent("ablation.csv"))
    try OutputFiles.write(table + "\n", to: sweep.appendingPathComponent("ablation.md"))
    print("\nwrote \(sweep.path)/ablation.md and ablation.csv (test error at the best-validation epoch and at the last epoch; "
          + "mean ± sample std over seeds); `mixuplab collect \(sweep.path)` adds LaTeX and plots; for grids over α and η use `mixuplab sweep`")
}
