import ArgumentParser
import Foundation
import MixupExperiments

/// `mixuplab export --weights-only`: a checkpoint's model as a PyTorch state dict in safetensors.
struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a checkpoint's weights as a PyTorch state dict (safetensors) for Examples/pytorch/models.py.",
        discussion: "load_state_dict(strict=True) accepts the file for the MLP, LeNet-5, VGG and PreActResNet definitions there; optimizer state is left out.")

    @OptionGroup var plugins: PluginOptions
    @Option(help: "A checkpoint written by `mixuplab train`.")
    var checkpoint: String
    @Flag(help: "Export the model's parameters and buffers only (required: the only export there is).")
    var weightsOnly = false
    @Flag(help: "Export the run's moving average of the weights (trained with --ema).")
    var ema = false
    @Option(help: "The safetensors file to write, e.g. model.safetensors.")
    var out: String

    func validate() throws {
        guard weightsOnly else { throw ValidationError("give --weights-only: export writes the model's weights, not the optimizer state") }
    }

    func run() throws {
        let model = try CheckpointedModel(contentsOf: URL(fileURLWithPath: checkpoint), averagedWeights: ema)
        let file = try PyTorchExport.stateDict(of: model)
        do { try file.write(to: URL(fileURLWithPath: out)) } catch {
            throw ValidationError("cannot write \(out): \(error)")
        }
        print("wrote \(file.tensors.count) tensors of \(model.manifest.model.summary) to \(out)")
    }
}
