import ArgumentParser
import Foundation
import ImageData
import MixupCore
import MixupExperiments
import MixupNN
import MixupTraining

/// `mixuplab train`: one run of one method, with a run directory and optional resume.
struct Train: ParsableCommand {
    @OptionGroup var plugins: PluginOptions
    static let configuration = CommandConfiguration(
        abstract: "Train a model on a tabular, image or speech dataset with ERM, Mixup, ERM+R or MixupE.")

    @OptionGroup var options: TrainingOptions
    @Option(help: "erm, mixup, erm+r or mixupe.")
    var method: Method = .mixupE
    @Option(help: "Seed of initialisation, shuffling and λ draws.")
    var seed: UInt64 = 0
    @Option(help: "Run directory for config.json, metrics.{jsonl,csv} and checkpoints (default runs/<data>-<method>-seed<S>).")
    var runDir: String?
    @Flag(help: "Continue from the run directory's last.safetensors.")
    var resume = false

    func run() throws {
        let config = try options.configuration(method: method, seed: seed)
        let spec = try options.modelSpec
        let data = try options.loadData()
        print(data.summary)
        let model = try spec.make(inputShape: data.train.sampleShape,
                                  outputs: config.loss.outputCount(classes: data.train.classCount), seed: seed)
        let dir = try RunDirectory(URL(fileURLWithPath: runDir ?? "runs/\(data.name)-\(method.rawValue)-seed\(seed)"))
        print("\(method.rawValue): \(spec.summary), \(model.parameterCount) parameters; run directory \(dir.url.path)")
        let history = try train(model, config: config, data: data, directory: dir)
        if let last = history.last, let acc = last.testAccuracy {
            print(String(format: "final test error %.2f%% (test accuracy %.2f%%)", 100 * (1 - acc), 100 * acc))
        }
    }

    /// Builds the trainer for the concrete model type (opened from `any Layer<Float>`).
    private func train<M: Layer>(_ model: M, config: TrainingConfiguration, data: LoadedSplits,
                                 directory: RunDirectory) throws -> [EpochMetrics] where M.Scalar == Float {
        let trainer = try Trainer(model: model, configuration: config, train: data.train,
                                  validation: data.validation, test: data.test)
        trainer.runDirectory = directory
        if options.augments, data.train.features.rank == 4 {
            let transform = try RandomCropAndFlip(padding: 4)
            let shape = data.train.features.shape
            let imageShape = ImageShape(channels: shape[1], height: shape[2], width: shape[3])
            trainer.augmentation = { batch, rng in
                var pixels = batch.scalars
                try? transform.apply(to: &pixels, shape: imageShape, using: &rng)
                batch = Tensor(shape: batch.shape, scalars: pixels)
            }
        }
        if resume {
            guard FileManager.default.fileExists(atPath: directory.lastCheckpointURL.path) else {
                throw ValidationError("--resume: no checkpoint at \(directory.lastCheckpointURL.path)")
            }
            try trainer.resume(from: directory.lastCheckpointURL)
            print("resumed at epoch \(trainer.history.count) from \(directory.lastCheckpointURL.path)")
        }
        return try trainer.run()
    }
}
