import ArgumentParser
import Foundation
import MixupExperiments
import MixupTraining

/// `mixuplab train-graph`: `train --dataset tu` under its old name.
struct TrainGraph: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train-graph",
        abstract: "Same as `train --dataset tu`: GIN with mixing on the readout, k-fold CV.")

    @OptionGroup(title: "Data") var data: DataOptions
    @OptionGroup(title: "Model") var model: ModelOptions
    @OptionGroup(title: "Training") var training: TrainingOptions
    @Option(help: "erm, mixup, erm+r or mixupe.")
    var method: Method = .mixupE
    @Option(help: "Seed of initialisation, shuffling and λ draws.")
    var seed: UInt64 = 0
    @Option(help: "Run directory (one fold-NN/ per fold; default runs/<data>-<method>-seed<S>).")
    var runDir: String?
    @Flag(help: "Continue every fold from its last.safetensors.")
    var resume = false

    func run() throws {
        var data = self.data
        data.dataset = .tu
        try runTraining(ExperimentOptions(data: data, model: model, training: training), method: method, seed: seed,
                        runDir: runDir, resume: resume, fold: data.fold)
    }
}

/// `mixuplab ablate-graph`: `ablate --dataset tu` under its old name.
struct AblateGraph: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ablate-graph",
        abstract: "Same as `ablate --dataset tu`: every arm × seed is a k-fold cross-validation of GIN.")

    @OptionGroup(title: "Data") var data: DataOptions
    @OptionGroup(title: "Model") var model: ModelOptions
    @OptionGroup(title: "Training") var training: TrainingOptions
    @Option(help: "Number of seeds (0..<N).")
    var seeds: Int = 1
    @Option(help: "Comma-separated arms (see `mixuplab ablate --help`).")
    var arms = ArmList(Ablation.Arm.fiveArms)
    @Option(help: "Output directory for ablation.csv, ablation.md and per-run fold directories.")
    var out: String = "runs/ablation-graph"
    @Flag(help: "Continue runs whose fold directories hold checkpoints.")
    var resume = false

    func run() throws {
        guard seeds >= 1 else { throw ValidationError("--seeds must be ≥ 1") }
        try checkRegularizers(arms.arms)
        var data = self.data
        data.dataset = .tu
        try runAblation(ExperimentOptions(data: data, model: model, training: training), arms: arms.arms, seeds: seeds,
                        out: out, resume: resume)
    }
}
