import ArgumentParser
import Foundation
import MixupExperiments
import MixupRegularizers
import MixupTraining

/// `mixuplab ablate`: ERM / Mixup / ERM+R / MixupE (and any +R arm with its own regularizer) ×
/// seeds on one dataset of any domain.
struct Ablate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the ablation (ERM, Mixup, ERM+R, MixupE[, mixupe:REGULARIZER]) over seeds on any dataset; print a Markdown table, write CSV.",
        discussion: "On graphs every arm × seed is a k-fold cross-validation of GIN (one fold-NN/ directory per fold).",
        aliases: ["ablate-graph"])

    @OptionGroup var plugins: PluginOptions
    @OptionGroup(title: "Data") var data: DataOptions
    @OptionGroup(title: "Model") var model: ModelOptions
    @OptionGroup(title: "Training") var training: TrainingOptions
    @Option(help: "Number of seeds (0..<N).")
    var seeds: Int = 5
    @Option(help: "Comma-separated arms: erm, mixup, erm+r, mixupe, each +R arm optionally :REGULARIZER (e.g. mixupe:taylor).")
    var arms = ArmList(Method.allCases.map { Ablation.Arm($0) })
    @Option(help: "Output directory for ablation.csv, ablation.md and per-run directories.")
    var out: String = "runs/ablation"
    @Flag(help: "Continue runs whose directory holds a checkpoint (finished runs are only reloaded).")
    var resume = false

    /// Checks every option before any data is read (errors show this command's usage).
    func validate() throws {
        guard seeds >= 1 else { throw ValidationError("--seeds must be ≥ 1, got \(seeds)") }
        try checkRegularizers(arms.arms)
        if !arms.arms.contains(where: { $0.method.regularized }),
           training.regularizer != nil || training.regularizerOptions != nil || training.eta != nil {
            throw ValidationError("--regularizer, --regularizer-options and --eta apply to +R arms; --arms has none")
        }
        try ExperimentOptions(data: data, model: model, training: training).validate(method: .mixupE, single: false, defaults: CommandDefaults())
    }

    func run() throws {
        try runAblation(ExperimentOptions(data: data, model: model, training: training), arms: arms.arms, seeds: seeds,
                        out: out, resume: resume)
    }
}

/// Runs the ablation of `arms` × `seeds` and writes its tables to `out`.
/// The `out` folder is owned by this process for the whole ablation (a second `ablate` into it is
/// refused, naming the holder) and cleared of temporary files a killed ablation left.
func runAblation(_ options: ExperimentOptions, arms: [Ablation.Arm], seeds: Int, out: String, resume: Bool) throws {
    let outDirectory = try RunDirectory(URL(fileURLWithPath: out))
    let lock = try outDirectory.lock()
    defer { withExtendedLifetime(lock) {} }
    let stale = try outDirectory.removeStaleTemporaryFiles()
    if !stale.isEmpty { print("removed stale temporary files of a killed ablation: \(stale.joined(separator: ", "))") }
    let spec = try options.spec(method: .mixupE, seed: 0)
    var ablation = Ablation()
    ablation.arms = arms
    ablation.seeds = (0..<seeds).map(UInt64.init)
    ablation.foldsToRun = options.data.fold.map { [$0 - 1] }
    ablation.outputDirectory = URL(fileURLWithPath: out)
    ablation.resume = resume
    let c = spec.configuration
    print("\(spec.model.summary); α = \(c.alpha), η = \(c.eta), regularizer \(c.regularizer), \(c.epochs) epochs, \(seeds) seeds")
    let runs = try ablation.run(spec)
    try writeAblation(runs, to: URL(fileURLWithPath: out))
}

/// Fails early (before any training) when an arm names an unknown regularizer.
func checkRegularizers(_ arms: [Ablation.Arm]) throws {
    for arm in arms {
        if let name = arm.regularizer { _ = try RegularizerRegistry.make(name) }
    }
}

/// Prints the Markdown table and writes ablation.csv / ablation.md.
func writeAblation(_ runs: [Ablation.Run], to outURL: URL) throws {
    let table = AblationReport.markdown(runs)
    print("\n" + table)
    try FileManager.default.createDirectory(at: outURL, withIntermediateDirectories: true)
    try AblationReport.csv(runs).write(to: outURL.appendingPathComponent("ablation.csv"), atomically: true, encoding: .utf8)
    try (table + "\n").write(to: outURL.appendingPathComponent("ablation.md"), atomically: true, encoding: .utf8)
    print("\nwrote \(outURL.path)/ablation.csv and ablation.md (test error at the best-validation epoch and at the last epoch; mean ± sample std over seeds; for grids over α and η with selection on validation use `mixuplab sweep`)")
}
