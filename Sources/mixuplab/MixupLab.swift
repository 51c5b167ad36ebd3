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

    /// Keeps glibc from returning and re-faulting the multi-megabyte activation buffers every
    /// step (measured ~1.5× on LeNet-5 training: a third of a step was page faults). The price:
    /// freed memory stays with the process until it exits.
    static func main() {
        // Progress lines reach a log file (`mixuplab train … > run.log`) as they are printed,
        // not in 4 KB blocks at the end of a long run.
        setvbuf(stdout, nil, _IOLBF, 0)
        _ = glibcMallopt(-3 /* M_MMAP_THRESHOLD */, 256 << 20)
        _ = glibcMallopt(-1 /* M_TRIM_THRESHOLD */, 512 << 20)
        main(Array(CommandLine.arguments.dropFirst()))
    }
}

/// glibc's `int mallopt(int param, int value)` (malloc.h is not in Swift's Glibc module map);
/// the parameter numbers are glibc's stable ABI constants.
@_silgen_name("mallopt")
private func glibcMallopt(_ parameter: Int32, _ value: Int32) -> Int32
