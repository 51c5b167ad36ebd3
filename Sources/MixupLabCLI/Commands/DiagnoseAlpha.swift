import ArgumentParser
import Foundation
import MixupExperiments
import MixupTraining

/// `mixuplab diagnose-alpha`: the paper's Fig. 2 during an ordinary training run.
struct DiagnoseAlpha: ParsableCommand {
    @OptionGroup var plugins: PluginOptions
    static let configuration = CommandConfiguration(
        commandName: "diagnose-alpha",
        abstract: "During training (any dataset; graphs at the readout), track min over k, i of α_{k,i} = (g(f(x_i)) − y_i)_k · cos(∂f_k(x_i), E[x̄] − x_i) (paper Fig. 2).")

    @OptionGroup(title: "Data") var data: DataOptions
    @OptionGroup(title: "Model") var model: ModelOptions
    @OptionGroup(title: "Training") var training: TrainingOptions
    @Option(help: "erm, mixup, erm+r or mixupe.")
    var method: Method = .mixup
    @Option(help: "Seed of initialisation, shuffling, λ draws and the measured sample.")
    var seed: UInt64 = 0
    @Option(help: "Measure α every K iterations.")
    var every: Int = 10
    @Option(help: "Size of the fixed batch of training points α is computed on.")
    var samples: Int = 100
    @Option(help: "Output directory for alpha.csv and alpha.svg.")
    var out: String = "runs/diagnose-alpha"

    /// Checks every option before any data is read (errors show this command's usage).
    func validate() throws {
        guard every >= 1 else { throw ValidationError("--every must be ≥ 1, got \(every)") }
        guard samples >= 1 else { throw ValidationError("--samples must be ≥ 1, got \(samples)") }
        try ExperimentOptions(data: data, model: model, training: training).validate(method: method, defaults: CommandDefaults())
    }

    func run() throws {
        let options = ExperimentOptions(data: data, model: model, training: training)
        let spec = try options.spec(method: method, seed: seed)
        let run = try spec.makeRun(fold: options.studiedFold)
        var study = AlphaDiagnosticsStudy()
        study.every = every
        study.sampleCount = samples
        study.sampleSeed = seed
        let points = try study.run(run)
        let dir = URL(fileURLWithPath: out)
        try OutputFiles.createFolder(dir)
        try OutputFiles.write(AlphaDiagnosticsReport.csv(points), to: dir.appendingPathComponent("alpha.csv"))
        try OutputFiles.write(AlphaDiagnosticsReport.plot(points, title: "min α over k, i — \(spec.data.name), \(method.rawValue), \(spec.model.summary)"),
                              to: dir.appendingPathComponent("alpha.svg"))
        let negative = points.filter { $0.minimum < 0 }
        print("\n\(points.count) measurements; min α < 0 at \(negative.count) of them"
              + (negative.last.map { ", last at iteration \($0.iteration)" } ?? ""))
        print("wrote \(dir.path)/alpha.csv and alpha.svg")
    }
}
