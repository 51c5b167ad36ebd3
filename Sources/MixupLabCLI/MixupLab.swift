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
        abstract: "Mixup and MixupE research toolkit: train, evaluate, predict and export, run ablations and sweeps, study q and Theorem 1.",
        version: VersionReport.text,
        subcommands: [Train.self, Evaluate.self, Predict.self, Export.self, Ablate.self, Sweep.self, SweepRunCommand.self, Collect.self, Regularizers.self, CompareQ.self, DiagnoseAlpha.self, PlotCurves.self, TheoremOne.self])

    @OptionGroup var plugins: PluginOptions

    /// Required by `ParsableCommand`; parsing fills nothing at the root but `--plugin`.
    public init() {}

    /// Runs the command line: line-buffered output for logs, freed activation buffers kept in
    /// the process (see `AllocatorTuning`) before anything allocates, and `--plugin` libraries
    /// loaded before parsing so their regularizers can be named (see `PluginLoader`).
    public static func main() {
        // Progress lines reach a log file (`mixuplab train … > run.log`) as they are printed,
        // not in 4 KB blocks at the end of a long run.
        setvbuf(stdout, nil, _IOLBF, 0)
        AllocatorTuning.retainFreedMemory()
        let arguments: [String]
        // `train --config RUN/config.json` becomes the recorded arguments first (plugins included).
        do { arguments = try expandingRunConfig(Array(CommandLine.arguments.dropFirst())) } catch { exit(withError: error) }
        // Plugins first, so `--regularizer NAME` validation during parsing sees what they register.
        do {
            let alreadyLoaded = PluginLoader.loaded.count
            try PluginLoader.load(PluginLoader.pluginPaths(in: arguments))
            for plugin in PluginLoader.loaded.dropFirst(alreadyLoaded) {
                fputs("plugin \(plugin.path): \(plugin.registered.joined(separator: ", "))\n", stderr)
            }
        } catch {
            exit(withError: error)
        }
        main(arguments)
    }
}
