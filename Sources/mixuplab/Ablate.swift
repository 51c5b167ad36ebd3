import ArgumentParser
import Foundation
import MixupExperiments
import MixupTraining

/// `mixuplab ablate`: ERM / Mixup / ERM+R / MixupE × seeds on one dataset.
struct Ablate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the four-arm ablation (ERM, Mixup, ERM+R, MixupE) over several seeds; print a Markdown table, write CSV.")

    @OptionGroup var options: TrainingOptions
    @Option(help: "Number of seeds (0..<N).")
    var seeds: Int = 5
    @Option(help: "Comma-separated arms.")
    var methods: String = "erm,mixup,erm+r,mixupe"
    @Option(help: "Output directory for ablation.csv, ablation.md and per-run directories.")
    var out: String = "runs/ablation"

    func run() throws {
        guard seeds >= 1 else { throw ValidationError("--seeds must be ≥ 1") }
        let arms = try methods.split(separator: ",").map { name -> Method in
            guard let m = Method(rawValue: String(name)) else {
                throw ValidationError("unknown method '\(name)'; use erm, mixup, erm+r, mixupe")
            }
            return m
        }
        let data = try options.loadData()
        print(data.summary)
        var ablation = Ablation(configuration: try options.configuration(method: .mixupE, seed: 0))
        ablation.methods = arms
        ablation.seeds = (0..<seeds).map(UInt64.init)
        ablation.model = try options.modelSpec
        let outURL = URL(fileURLWithPath: out)
        ablation.outputDirectory = outURL
        let c = ablation.configuration
        print("\(ablation.model.summary); α = \(c.alpha), η = \(c.eta), regularizer \(c.regularizer), \(c.epochs) epochs, \(seeds) seeds")
        let runs = try ablation.run(on: data)
        let table = AblationReport.markdown(runs)
        print("\n" + table)
        try FileManager.default.createDirectory(at: outURL, withIntermediateDirectories: true)
        try AblationReport.csv(runs).write(to: outURL.appendingPathComponent("ablation.csv"), atomically: true, encoding: .utf8)
        try (table + "\n").write(to: outURL.appendingPathComponent("ablation.md"), atomically: true, encoding: .utf8)
        print("\nwrote \(outURL.path)/ablation.csv and ablation.md (test error at the last epoch; mean ± sample std over seeds)")
    }
}
