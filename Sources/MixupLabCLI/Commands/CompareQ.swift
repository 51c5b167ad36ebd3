import ArgumentParser
import Foundation
import MixupCore
import MixupExperiments
import MixupTraining

/// `mixuplab compare-q`: exact q (eq. 1) vs approximate q̄ (eq. 2) during an ordinary training run.
struct CompareQ: ParsableCommand {
    @OptionGroup var plugins: PluginOptions
    static let configuration = CommandConfiguration(
        commandName: "compare-q",
        abstract: "Train a model (any dataset) and compare exact q with approximate q̄ per sample (correlation, relative error, sign, cost); graphs at the readout.")

    @OptionGroup(title: "Data") var data: DataOptions
    @OptionGroup(title: "Model") var model: ModelOptions
    @OptionGroup(title: "Training") var training: TrainingOptions
    @Option(help: "erm, mixup, erm+r or mixupe.")
    var method: Method = .mixupE
    @Option(help: "Seed of initialisation, shuffling, λ draws and the scored sample.")
    var seed: UInt64 = 0
    @Option(help: "Compare every N epochs (plus at initialisation and at the end).")
    var every: Int = 5
    @Option(help: "Number of training points scored.")
    var samples: Int = 500
    @Flag(help: "Re-centre all splits on the training mean computed in Float64 (the E[x̄] = 0 condition of eq. 2; not for graphs).")
    var centered = false
    @Option(parsing: .unconditional, help: "Add this constant to every feature of every split (breaks E[x̄] = 0 on purpose; not for graphs).")
    var shift: Double = 0
    @Option(help: "Output directory for compare-q.md, compare-q.csv, compare-q-samples.csv, compare-q.svg.")
    var out: String = "runs/compare-q"

    /// Checks every option before any data is read (errors show this command's usage).
    func validate() throws {
        guard every >= 1 else { throw ValidationError("--every must be ≥ 1, got \(every)") }
        guard samples >= 2 else { throw ValidationError("--samples must be ≥ 2, got \(samples)") }
        guard shift.isFinite else { throw ValidationError("--shift must be finite") }
        try ExperimentOptions(data: data, model: model, training: training).validate(method: method, defaults: CommandDefaults())
    }

    func run() throws {
        let options = ExperimentOptions(data: data, model: model, training: training)
        var spec = try options.spec(method: method, seed: seed)
        if case var .splits(splits) = spec.data {
            if centered { splits = splits.centeredOnTrainingMean() }
            if shift != 0 { splits = splits.translated(by: Tensor(repeating: Float(-shift), shape: splits.train.sampleShape)) }
            spec.data = .splits(splits)
        } else if centered || shift != 0 {
            throw ValidationError("--centered and --shift move input features; graph readouts are learned (--dataset tu)")
        }
        let run = try spec.makeRun(fold: options.studiedFold)
        var study = QComparisonStudy()
        study.every = every
        study.sampleCount = samples
        study.sampleSeed = seed
        let result = try study.run(run)
        let shape: String
        if case let .splits(splits) = spec.data { shape = splits.train.sampleShape.map(String.init).joined(separator: "×") }
        else { shape = "\(result.inputDimension)" }
        let place = spec.model.kind == .gin ? "readout [\(shape)] of fold \(options.studiedFold! + 1)" : "input [\(shape)]"
        let conditions = "\(spec.model.summary), q at the \(place), " + String(format: "‖E[x̄]‖ = %.3g", result.meanNorm)
        let table = QComparisonReport.markdown(result)
        let header = "## compare-q: \(spec.data.name), \(method.rawValue), \(conditions), \(result.sampleCount) training points\n\n"
        print("\n" + header + table)
        let dir = URL(fileURLWithPath: out)
        try OutputFiles.createFolder(dir)
        try OutputFiles.write(header + table + "\n", to: dir.appendingPathComponent("compare-q.md"))
        try OutputFiles.write(QComparisonReport.summaryCSV(result), to: dir.appendingPathComponent("compare-q.csv"))
        try OutputFiles.write(QComparisonReport.samplesCSV(result), to: dir.appendingPathComponent("compare-q-samples.csv"))
        try OutputFiles.write(QComparisonReport.scatter(result, title: "q̄ vs q — \(spec.data.name), \(conditions)"),
                              to: dir.appendingPathComponent("compare-q.svg"))
        print("\nwrote \(dir.path)/compare-q.{md,csv,svg} and compare-q-samples.csv")
    }
}
