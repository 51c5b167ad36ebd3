import ArgumentParser
import Foundation
import MixupCore
import MixupExperiments
import MixupTraining

/// `mixuplab compare-q`: exact q (eq. 1) vs approximate q̄ (eq. 2) during an ordinary training run.
struct CompareQ: ParsableCommand, StudyDefaults {
    static let configuration = CommandConfiguration(
        commandName: "compare-q",
        abstract: "Train a model (any dataset) and compare exact q with approximate q̄ per sample (correlation, relative error, sign, cost); graphs at the readout.")
    static let method = Method.mixupE
    static let sampleRole = "the scored sample"
    static let every = (value: 5, help: "Compare every N epochs (plus at initialisation and at the end).")
    static let samples = (value: 500, minimum: 2, help: "Number of training points scored.")
    static let out = (value: "runs/compare-q", help: "Output directory for compare-q.md, compare-q.csv, compare-q-samples.csv, compare-q.svg.")

    @OptionGroup var study: StudyOptions<CompareQ>
    @Flag(help: "Re-centre all splits on the training mean computed in Float64 (the E[x̄] = 0 condition of eq. 2; not for graphs).")
    var centered = false
    @Option(parsing: .unconditional, help: "Add this constant to every feature of every split (breaks E[x̄] = 0 on purpose; not for graphs).")
    var shift: Double = 0

    /// Checks the options of this study beyond `StudyOptions` (errors show this command's usage).
    func validate() throws {
        guard shift.isFinite else { throw ValidationError("--shift must be finite") }
    }

    func run() throws {
        let (options, method) = (study.experiment, study.method)
        var spec = try options.spec(method: method, seed: study.seed)
        if case var .splits(splits) = spec.data {
            if centered { splits = splits.centeredOnTrainingMean() }
            if shift != 0 { splits = splits.translated(by: Tensor(repeating: Float(-shift), shape: splits.train.sampleShape)) }
            spec.data = .splits(splits)
        } else if centered || shift != 0 {
            throw ValidationError("--centered and --shift move input features; graph readouts are learned (--dataset tu)")
        }
        let run = try spec.makeRun(fold: options.studiedFold)
        var comparison = QComparisonStudy()
        comparison.every = study.every
        comparison.sampleCount = study.samples
        comparison.sampleSeed = study.seed
        let result = try comparison.run(run)
        let shape: String
        if case let .splits(splits) = spec.data { shape = splits.train.sampleShape.map(String.init).joined(separator: "×") }
        else { shape = "\(result.inputDimension)" }
        let place = spec.model.kind == .gin ? "readout [\(shape)] of fold \(options.studiedFold! + 1)" : "input [\(shape)]"
        let conditions = "\(spec.model.summary), q at the \(place), " + String(format: "‖E[x̄]‖ = %.3g", result.meanNorm)
        let table = QComparisonReport.markdown(result)
        let header = "## compare-q: \(spec.data.name), \(method.rawValue), \(conditions), \(result.sampleCount) training points\n\n"
        print("\n" + header + table)
        let dir = URL(fileURLWithPath: study.out)
        try OutputFiles.createFolder(dir)
        try OutputFiles.write(header + table + "\n", to: dir.appendingPathComponent("compare-q.md"))
        try OutputFiles.write(QComparisonReport.summaryCSV(result), to: dir.appendingPathComponent("compare-q.csv"))
        try OutputFiles.write(QComparisonReport.samplesCSV(result), to: dir.appendingPathComponent("compare-q-samples.csv"))
        try OutputFiles.write(QComparisonReport.scatter(result, title: "q̄ vs q — \(spec.data.name), \(conditions)"),
                              to: dir.appendingPathComponent("compare-q.svg"))
        print("\nwrote \(dir.path)/compare-q.{md,csv,svg} and compare-q-samples.csv")
    }
}
