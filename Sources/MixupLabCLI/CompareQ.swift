import ArgumentParser
import Foundation
import MixupCore
import MixupExperiments
import MixupTraining

/// `mixuplab compare-q`: exact q (eq. 1) vs approximate q̄ (eq. 2) during training.
struct CompareQ: ParsableCommand {
    @OptionGroup var plugins: PluginOptions
    static let configuration = CommandConfiguration(
        commandName: "compare-q",
        abstract: "Train a model and compare exact q with approximate q̄ per sample (correlation, relative error, sign, cost).")

    @OptionGroup var options: TrainingOptions
    @Option(help: "erm, mixup, erm+r or mixupe.")
    var method: Method = .mixupE
    @Option(help: "Seed of initialisation, shuffling and λ draws.")
    var seed: UInt64 = 0
    @Option(help: "Compare every N epochs (plus at initialisation and at the end).")
    var every: Int = 5
    @Option(help: "Number of training points scored.")
    var samples: Int = 500
    @Flag(help: "Re-centre all splits on the training mean computed in Float64 (E[x̄] = 0 condition of eq. 2).")
    var centered = false
    @Option(help: "Add this constant to every feature of every split (breaks E[x̄] = 0 on purpose).")
    var shift: Double = 0
    @Option(help: "Output directory for compare-q.md, compare-q.csv, compare-q-samples.csv, compare-q.svg.")
    var out: String = "runs/compare-q"

    func run() throws {
        guard every >= 1 else { throw ValidationError("--every must be ≥ 1") }
        guard samples >= 2 else { throw ValidationError("--samples must be ≥ 2") }
        var config = try options.configuration(method: method, seed: seed)
        config.threads = options.threads
        var data = try options.source.load()
        if centered { data = data.centeredOnTrainingMean() }
        if shift != 0 {
            data = data.translated(by: Tensor(repeating: Float(-shift), shape: data.train.sampleShape))
        }
        print(data.summary)
        var study = QComparisonStudy(configuration: config)
        study.hiddenWidths = try options.hiddenWidths
        study.activation = options.activation
        study.bias = !options.noBias
        study.every = every
        study.sampleCount = samples
        study.sampleSeed = seed
        let result = try study.run(on: data)
        let conditions = "\(options.activation.rawValue), \(options.noBias ? "no bias" : "with bias"), "
            + String(format: "‖E[x̄]‖ = %.3g", result.meanNorm)
        let table = QComparisonReport.markdown(result)
        let header = "## compare-q: \(data.name), \(method.rawValue), \(conditions), \(min(samples, data.train.count)) training points\n\n"
        print("\n" + header + table)
        let dir = URL(fileURLWithPath: out)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try (header + table + "\n").write(to: dir.appendingPathComponent("compare-q.md"), atomically: true, encoding: .utf8)
        try QComparisonReport.summaryCSV(result).write(to: dir.appendingPathComponent("compare-q.csv"), atomically: true, encoding: .utf8)
        try QComparisonReport.samplesCSV(result).write(to: dir.appendingPathComponent("compare-q-samples.csv"), atomically: true, encoding: .utf8)
        try QComparisonReport.scatter(result, title: "q̄ vs q — \(data.name), \(conditions)")
            .write(to: dir.appendingPathComponent("compare-q.svg"))
        print("\nwrote \(dir.path)/compare-q.{md,csv,svg} and compare-q-samples.csv")
    }
}
