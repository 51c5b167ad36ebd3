import ArgumentParser
import Foundation
import MixupExperiments

/// `mixuplab evaluate`: accuracy, mean loss and the confusion matrix of a checkpoint on new data,
/// prepared with the checkpoint's own normalisation.
struct Evaluate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Score a checkpoint on data: accuracy, mean loss and a per-class confusion matrix.",
        discussion: "The data is prepared with the checkpoint's recorded preprocessing; data whose columns, shape or classes differ is refused.")

    @OptionGroup var plugins: PluginOptions
    @OptionGroup(title: "Checkpoint and data") var input: CheckpointInputOptions
    @Option(help: "Also write the report: FILE.json (accuracy, loss, confusion) or FILE.csv (the confusion matrix).")
    var out: String?

    func validate() throws {
        if let out, !(out.hasSuffix(".json") || out.hasSuffix(".csv")) {
            throw ValidationError("--out must end in .json or .csv, got \(out)")
        }
    }

    func run() throws {
        let (model, inputs) = try input.load()
        let predictions = try Predictions(model: model, inputs: inputs)
        let report = EvaluationReport(checkpoint: model.url.path, data: inputs.source, loss: model.manifest.loss.rawValue,
                                      predictions: predictions)
        print("\(model.manifest.model.summary) from \(model.url.path) on \(inputs.source): \(inputs.count) samples")
        print(String(format: "accuracy %.2f%% (error %.2f%%), ", 100 * report.accuracy, 100 * (1 - report.accuracy))
              + "mean \(report.loss) loss " + String(format: "%.4f", report.meanLoss))
        print(predictions.confusion.table)
        if let out {
            try writeOutput(out.hasSuffix(".json") ? try report.json() : predictions.confusion.csv(), to: out)
            print("wrote \(out)")
        }
    }
}
