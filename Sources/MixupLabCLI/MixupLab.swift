import ArgumentParser
import MixupCore
#if canImport(Glibc)
import Glibc
#endif

/// The `mixuplab` command line as a library: a package of your own can register regularizers
/// and then run every command with them —
/// `import MixupLabCLI; try RegularizerRegistry.register(MyPenalty.self); MixupLab.main()`.
public struct MixupLab: ParsableCommand {
    /// The subcommands and their one-line descriptions.
    public static let configuration = CommandConfiguration(
        commandName: "mixuplab",
        abstract: "Mixup and MixupE research toolkit: train, run ablations, study q and Theorem 1.",
        subcommands: [Train.self, Ablate.self, Regularizers.self, CompareQ.self, DiagnoseAlpha.self, PlotCurves.self, TheoremOne.self])

    /// Required by `ParsableCommand`; parsing fills nothing at the root.
    public init() {}

    /// Runs the command line: line-buffered output for logs, and freed activation buffers kept in
    /// the process (see `AllocatorTuning`) before anything allocates.
    public static func main() {
        // Progress lines reach a log file (`mixuplab train … > run.log`) as they are printed,
        // not in 4 KB blocks at the end of a long run.
        setvbuf(stdout, nil, _IOLBF, 0)
        AllocatorTuning.retainFreedMemory()
        main(Array(CommandLine.arguments.dropFirst()))
    }
}
