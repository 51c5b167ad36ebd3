import ArgumentParser
import Foundation
import MixupExperiments
import MixupTraining

/// `mixuplab train`: one run of one method (graphs: a k-fold cross-validation), with a run
/// directory and exact resume.
struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train on tabular, image, speech or graph data with ERM, Mixup, ERM+R or MixupE.",
        discussion: "Graphs (--dataset tu, or --data naming a TU folder) train a GIN with mixing on the readout, one run per fold.",
        aliases: ["train-graph"])

    @OptionGroup var plugins: PluginOptions
    @OptionGroup(title: "Data") var data: DataOptions
    @OptionGroup(title: "Model") var model: ModelOptions
    @OptionGroup(title: "Training") var training: TrainingOptions
    @Option(help: "erm, mixup, erm+r or mixupe.")
    var method: Method = .mixupE
    @Option(help: "Seed of initialisation, shuffling and λ draws.")
    var seed: UInt64 = 0
    @Option(help: "Run directory for config.json, metrics.{jsonl,csv} and checkpoints (graphs: one fold-NN/ per fold; default runs/<data>-<method>-seed<S>).")
    var runDir: String?
    @Flag(help: "Continue from the run directory's last.safetensors (graphs: every fold's).")
    var resume = false

    /// Checks every option before any data is read (errors show this command's usage).
    func validate() throws {
        try ExperimentOptions(data: data, model: model, training: training).validate(method: method, defaults: CommandDefaults())
    }

    func run() throws {
        try runTraining(ExperimentOptions(data: data, model: model, training: training), method: method, seed: seed,
                        runDir: runDir, resume: resume, fold: data.fold)
    }
}

/// Trains one run (graphs: every fold, or the 1-based `fold`) into `runDir`, resuming if asked.
func runTraining(_ options: ExperimentOptions, method: Method, seed: UInt64, runDir: String?, resume: Bool, fold: Int?) throws {
    let spec = try options.spec(method: method, seed: seed)
    let dir = URL(fileURLWithPath: runDir ?? "runs/\(spec.data.name)-\(method.rawValue)-seed\(seed)")
    switch spec.data {
    case .splits:
        let run = try spec.makeRun()
        run.runDirectory = try RunDirectory(dir)
        print("\(method.rawValue): \(spec.model.summary), \(run.trainedModel.parameterCount) parameters; run directory \(dir.path)")
        if resume {
            guard try run.resumeIfPossible() else {
                throw ValidationError("--resume: no checkpoint at \(dir.appendingPathComponent("last.safetensors").path)")
            }
            print("resumed at epoch \(run.history.count)")
        }
        let history = try run.run()
        if let acc = history.last?.testAccuracy {
            print(String(format: "final test error %.2f%% (test accuracy %.2f%%)", 100 * (1 - acc), 100 * acc))
        }
    case .graphs:
        print("\(method.rawValue): \(spec.model.summary), \(spec.foldCount)-fold CV; run directories \(dir.path)/fold-NN")
        let result = try spec.crossValidate(folds: fold.map { [$0 - 1] }, directory: dir, resume: resume)
        print(result.report)
    }
}
