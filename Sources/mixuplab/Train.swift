import ArgumentParser
import Foundation
import MixupCore
import MixupExperiments
import MixupNN
import MixupTraining

/// `mixuplab train`: one run of one method, with a run directory and optional resume.
struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Train an MLP on a tabular dataset with ERM, Mixup, ERM+R or MixupE.")

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
        let data = try options.source.load()
        print(data.summary)
        var rng = SeededGenerator(seed: seed)
        let widths = [data.train.sampleShape.reduce(1, *)] + (try options.hiddenWidths)
            + [config.loss.outputCount(classes: data.train.classCount)]
        let model = MLP<Float>(widths: widths, activation: options.activation, bias: !options.noBias, using: &rng)
        let trainer = try Trainer(model: model, configuration: config, train: data.train,
                                  validation: data.validation, test: data.test)
        let dir = try RunDirectory(URL(fileURLWithPath: runDir ?? "runs/\(data.name)-\(method.rawValue)-seed\(seed)"))
        trainer.runDirectory = dir
        if resume {
            guard FileManager.default.fileExists(atPath: dir.lastCheckpointURL.path) else {
                throw ValidationError("--resume: no checkpoint at \(dir.lastCheckpointURL.path)")
            }
            try trainer.resume(from: dir.lastCheckpointURL)
            print("resumed at epoch \(trainer.history.count) from \(dir.lastCheckpointURL.path)")
        }
        print("\(method.rawValue): MLP \(widths.map(String.init).joined(separator: "→")) \(options.activation.rawValue), "
              + "\(model.parameterCount) parameters; run directory \(dir.url.path)")
        let history = try trainer.run()
        if let last = history.last, let acc = last.testAccuracy {
            print(String(format: "final test error %.2f%% (test accuracy %.2f%%)", 100 * (1 - acc), 100 * acc))
        }
    }
}
