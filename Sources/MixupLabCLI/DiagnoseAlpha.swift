import ArgumentParser
import Foundation
import MixupExperiments
import MixupTraining

/// `mixuplab diagnose-alpha`: the paper's Fig. 2 on a tabular MLP.
struct DiagnoseAlpha: ParsableCommand {
    @OptionGroup var plugins: PluginOptions
    static let configuration = CommandConfiguration(
        commandName: "diagnose-alpha",
        abstract: "During training, track min over k, i of α_{k,i} = (g(f(x_i)) − y_i)_k · cos(∂f_k(x_i), E[x̄] − x_i) (paper Fig. 2).")

    @OptionGroup var options: TrainingOptions
    @Option(help: "erm, mixup, erm+r or mixupe.")
    var method: Method = .mixup
    @Option(help: "Seed of initialisation, shuffling and λ draws.")
    var seed: UInt64 = 0
    @Option(help: "Measure α every K iterations.")
    var every: Int = 10
    @Option(help: "Size of the fixed batch of training points α is computed on.")
    var samples: Int = 100
    @Option(help: "Output directory for alpha.csv and alpha.svg.")
    var out: String = "runs/diagnose-alpha"

    func run() throws {
        guard every >= 1 else { throw ValidationError("--every must be ≥ 1") }
        guard samples >= 1 else { throw ValidationError("--samples must be ≥ 1") }
        let config = try options.configuration(method: method, seed: seed)
        let data = try options.source.load()
        print(data.summary)
        var study = AlphaDiagnosticsStudy(configuration: config)
        study.hiddenWidths = try options.hiddenWidths
        study.activation = options.activation
        study.bias = !options.noBias
        study.every = every
        study.sampleCount = samples
        let points = try study.run(on: data)
        let dir = URL(fileURLWithPath: out)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try AlphaDiagnosticsReport.csv(points).write(to: dir.appendingPathComponent("alpha.csv"), atomically: true, encoding: .utf8)
        try AlphaDiagnosticsReport.plot(points, title: "min α over k, i — \(data.name), \(method.rawValue), \(options.activation.rawValue)")
            .write(to: dir.appendingPathComponent("alpha.svg"))
        let negative = points.filter { $0.minimum < 0 }
        print("\n\(points.count) measurements; min α < 0 at \(negative.count) of them"
              + (negative.last.map { ", last at iteration \($0.iteration)" } ?? ""))
        print("wrote \(dir.path)/alpha.csv and alpha.svg")
    }
}
