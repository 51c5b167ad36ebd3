import ArgumentParser
import Foundation
import MixupExperiments
import MixupRegularizers
import MixupTraining

/// `mixuplab ablate`: ERM / Mixup / ERM+R / MixupE × seeds on one dataset.
struct Ablate: ParsableCommand {
    @OptionGroup var plugins: PluginOptions
    static let configuration = CommandConfiguration(
        abstract: "Run the four-arm ablation (ERM, Mixup, ERM+R, MixupE) over several seeds; print a Markdown table, write CSV.")

    @OptionGroup var options: TrainingOptions
    @Option(help: "Number of seeds (0..<N).")
    var seeds: Int = 5
    @Option(help: "Comma-separated arms: erm, mixup, erm+r, mixupe, each +R arm optionally :REGULARIZER (add mixupe:taylor for Theorem 1's higher-order penalty as a fifth arm).")
    var arms: String = "erm,mixup,erm+r,mixupe"
    @Option(help: "Output directory for ablation.csv, ablation.md and per-run directories.")
    var out: String = "runs/ablation"

    func run() throws {
        guard seeds >= 1 else { throw ValidationError("--seeds must be ≥ 1") }
        let parsedArms = try parseArms(arms)
        let data = try options.loadData()
        print(data.summary)
        var ablation = Ablation(configuration: try options.configuration(method: .mixupE, seed: 0))
        ablation.arms = parsedArms
        ablation.seeds = (0..<seeds).map(UInt64.init)
        ablation.model = try options.modelSpec
        let outURL = URL(fileURLWithPath: out)
        try checkRegularizers(parsedArms)
        ablation.outputDirectory = outURL
        let c = ablation.configuration
        print("\(ablation.model.summary); α = \(c.alpha), η = \(c.eta), regularizer \(c.regularizer), \(c.epochs) epochs, \(seeds) seeds")
        let runs = try ablation.run(on: data)
        try writeAblation(runs, to: outURL)
    }
}

/// Parses `--arms`.
func parseArms(_ text: String) throws -> [Ablation.Arm] {
    let arms = try text.split(separator: ",").map { try Ablation.Arm(parsing: String($0)) }
    guard !arms.isEmpty else { throw ValidationError("--arms needs at least one arm") }
    return arms
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
    print("\nwrote \(outURL.path)/ablation.csv and ablation.md (test error at the last epoch; mean ± sample std over seeds)")
}
