import ArgumentParser
import Foundation
import MixupExperiments

extension InferenceSplit: ExpressibleByArgument {}

/// The checkpoint and the new data of `evaluate` and `predict`: the data is prepared as the
/// checkpoint records (tabular encoding, image channel statistics, spectrogram settings).
public struct CheckpointInputOptions: ParsableArguments {
    /// The checkpoint file (`--checkpoint`).
    @Option(help: "A checkpoint written by `mixuplab train` (e.g. runs/NAME/best.safetensors).")
    public var checkpoint: String
    /// The data to score (`--data`): a tabular file, a TU folder, or an image/speech folder.
    @Option(help: "Tabular file to score (same columns and classes as the training file), a TU graph folder, or an image/speech dataset folder.")
    public var data: String?
    /// An image or speech folder (`--data-dir`, same as `--data`).
    @Option(help: "Image or speech dataset folder (same as --data for those domains).")
    public var dataDir: String?
    /// Another layout of the same domain to read the folder with (`--dataset`).
    @Option(help: "Read the folder with another layout of the same domain (e.g. mnist for a fashion-mnist model; default: the checkpoint's).")
    public var dataset: String?
    /// Which image/speech files to score (`--split`, default test).
    @Option(help: "Images/speech: which files to score: test (default), train (every non-test file) or all.")
    public var split: InferenceSplit?
    /// Spectrogram cache folder (`--cache-dir`).
    @Option(help: "Speech: where computed spectrograms are cached (default $XDG_CACHE_HOME/mixuplab/spectrograms, else ~/.cache/mixuplab/spectrograms).")
    public var cacheDir: String?
    /// Whether to use the weight average instead of the raw weights (`--ema`).
    @Flag(help: "Use the run's moving average of the weights (trained with --ema) instead of the raw weights.")
    public var ema = false
    /// `--delimiter` and the input budgets, as `train` reads its data.
    @OptionGroup public var reading: InputReadingOptions

    /// Required by `ParsableArguments`.
    public init() {}

    /// The checkpoint's model and the prepared data.
    public func load() throws -> (model: CheckpointedModel, inputs: LabelledInputs) {
        if data != nil && dataDir != nil { throw ValidationError("give the data once: --data or --data-dir") }
        guard let path = data ?? dataDir else { throw ValidationError("give the data to score with --data (or --data-dir)") }
        let model = try CheckpointedModel(contentsOf: URL(fileURLWithPath: checkpoint), averagedWeights: ema)
        if cacheDir != nil {
            guard case .speech = model.manifest.input else {
                throw ValidationError("--cache-dir applies to speech checkpoints; this one reads \(model.manifest.input.domain)")
            }
        }
        if let domain = DatasetKind.Domain(rawValue: model.manifest.input.domain) {
            let layout = dataset ?? model.manifest.input.layout ?? domain.rawValue
            try reading.checkApplicability(domain: domain, dataset: layout,
                                           context: dataset.map { "--dataset \($0)" } ?? "this checkpoint reads \(layout)")
        }
        let inputs = try model.manifest.loadInputs(path: path, dataset: dataset, split: split, cacheDirectory: cacheDir,
                                                   reading: try reading.inputReading())
        return (model, inputs)
    }
}

/// Writes `text` to `path` atomically, naming the file and the system's reason when it cannot.
func writeOutput(_ text: String, to path: String) throws {
    try OutputFiles.write(text, to: URL(fileURLWithPath: path))
}
