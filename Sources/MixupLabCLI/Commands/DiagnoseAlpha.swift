import ArgumentParser
import Foundation
import MixupExperiments
import MixupTraining

/// `mixuplab diagnose-alpha`: the paper's Fig. 2 during an ordinary training run.
struct DiagnoseAlpha: ParsableCommand, StudyDefaults {
    static let configuration = CommandConfiguration(
        commandName: "diagnose-alpha",
        abstract: "During training (any dataset; graphs at the readout), track min over k, i of α_{k,i} = (g(f(x_i)) − y_i)_k · cos(∂f_k(x_i), E[x̄] − x_i) (paper Fig. 2).")
    static let method = Method.mixup
    static let sampleRole = "the measured sample"
    static let every = (value: 10, help: "Measure α every K iterations.")
    static let samples = (value: 100, minimum: 1, help: "Size of the fixed batch of training points α is computed on.")
    static let out = (value: "runs/diagnose-alpha", help: "Output directory for alpha.csv and alpha.svg.")

    @OptionGroup var study: StudyOptions<DiagnoseAlpha>

    func run() throws {
        let (options, method) = (study.experiment, study.method)
        let spec = try options.spec(method: method, seed: study.seed)
        let run = try spec.makeRun(fold: options.studiedFold)
        var diagnostics = AlphaDiagnosticsStudy()
        diagnostics.every = study.every
        diagnostics.sampleCount = study.samples
        diagnostics.sampleSeed = study.seed
        let points = try diagnostics.run(run)
        let dir = URL(fileURLWithPath: study.out)
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
