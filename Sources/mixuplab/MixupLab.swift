import ArgumentParser
import MixupCore
#if canImport(Glibc)
import Glibc
#endif

/// The `mixuplab` command line.
@main
struct MixupLab: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mixuplab",
        abstract: "Mixup and MixupE research toolkit: train, run ablations, study q and Theorem 1.",
        subcommands: [Train.self, Ablate.self, Regularizers.self, TrainGraph.self, AblateGraph.self, CompareQ.self, DiagnoseAlpha.self, PlotCurves.self, TheoremOne.self])

    /// Line-buffered output for logs, and freed activation buffers kept in the process (see
    /// `AllocatorTuning`) before anything allocates.
    static func main() {
        // Progress lines reach a log file (`mixuplab train … > run.log`) as they are printed,
        // not in 4 KB blocks at the end of a long run.
        setvbuf(stdout, nil, _IOLBF, 0)
        AllocatorTuning.retainFreedMemory()
        main(Array(CommandLine.arguments.dropFirst()))
    }
}
