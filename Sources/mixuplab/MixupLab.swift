import ArgumentParser
import MixupCore

/// The `mixuplab` command line.
@main
struct MixupLab: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mixuplab",
        abstract: "Mixup and MixupE research toolkit: train, run ablations, list regularizers.",
        subcommands: [Train.self, Ablate.self, Regularizers.self, TrainGraph.self, AblateGraph.self, CompareQ.self, DiagnoseAlpha.self, PlotCurves.self, TheoremOne.self])
}
