import ArgumentParser
import Foundation
import MixupExperiments

/// `mixuplab predict`: per-sample logits, probabilities and predicted class of a checkpoint on
/// new data, as CSV.
struct Predict: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a checkpoint's per-sample logits, probabilities and predicted class (with the true label) as CSV.")

    @OptionGroup var plugins: PluginOptions
    @OptionGroup(title: "Checkpoint and data") var input: CheckpointInputOptions
    @Option(help: "The CSV file to write (sample,true,true_index,predicted,predicted_index,correct,loss,logit_*,prob_*).")
    var out: String

    func run() throws {
        let (model, inputs) = try input.load()
        let predictions = try Predictions(model: model, inputs: inputs)
        try writeOutput(predictions.csv(), to: out)
        print("wrote \(predictions.count) predictions to \(out) (accuracy " + String(format: "%.2f%%)", 100 * predictions.accuracy))
    }
}
