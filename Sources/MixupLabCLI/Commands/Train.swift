import ArgumentParser
import Foundation
import MixupExperiments
import MixupTraining

/// `mixuplab train`: one run of one method (graphs: a k-fold cross-validation), with a run
/// directory that records the run (`config.json`, see `RunRecord`), is owned by one process, and
/// resumes exactly.
struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train on tabular, image, speech or graph data with ERM, Mixup, ERM+R or MixupE.",
        discussion: """
            Graphs (--dataset tu, or --data naming a TU folder) train a GIN with mixing on the readout, one run per fold.
            The run directory's config.json records every setting and the data's content hashes; `--config RUN/config.json` \
            re-runs it (options given beside it override the record), `--resume` continues it and refuses any other setting.
            """,
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
    @Flag(help: "Continue from the run directory's last.safetensors (graphs: every fold's); refused if any recorded setting or data file differs.")
    var resume = false
    @Flag(help: "Start over in a run directory that holds a previous run (its config, metrics, checkpoints, event files and folds are deleted first).")
    var overwrite = false
    @Option(help: ArgumentHelp("Re-run the run recorded in a run directory's config.json; options given beside it override the record.",
                               valueName: "config.json"))
    var config: String?

    /// The options a run record leaves out: where the run goes and how it starts, not what it is.
    static let runDirectoryOptions: Set<String> = ["run-dir", "resume", "overwrite", "config"]
    /// Options that name files or folders (recorded as absolute paths).
    static let pathOptions: Set<String> = ["data", "test-data", "data-dir", "cache-dir", "plugin"]
    /// Options that may differ when resuming: they change no number (epochs may grow, see
    /// `TrainingLoop.resume`), or they name data compared by content instead of by path.
    static let resumableOptions: Set<String> = ["epochs", "tensorboard", "cache-dir", "plugin", "data", "test-data", "data-dir"]

    /// Train's flags by long name, each with whether it has a `--no-` form (sweep grids check their `true`/`false` keys against it).
    static let flags = CommandRecording.flags(of: Train.self)

    /// Checks every option before any data is read (errors show this command's usage).
    func validate() throws {
        if config != nil {
            throw ValidationError("--config is expanded before parsing by MixupLab.main (MixupLab.expandingRunConfig); it cannot be parsed directly")
        }
        if resume && overwrite { throw ValidationError("--resume continues a run and --overwrite deletes it; give one") }
        try ExperimentOptions(data: data, model: model, training: training).validate(method: method, defaults: CommandDefaults())
    }

    func run() throws {
        var entries = CommandRecording.entries(of: self, excluding: Self.runDirectoryOptions)
        // `mixuplab --plugin P train …` gives the plugin before the subcommand: record what was loaded.
        for i in entries.indices where entries[i].name == "plugin" && entries[i].values.isEmpty {
            entries[i].values = PluginLoader.loaded.map(\.path)
        }
        // Paths absolute, so `--config` re-runs the record from any working directory.
        for i in entries.indices where Self.pathOptions.contains(entries[i].name) {
            entries[i].values = entries[i].values.map { URL(fileURLWithPath: $0).standardizedFileURL.path }
        }
        var record = RunRecord(training: TrainingConfiguration())
        record.command = "train"
        record.arguments = CommandRecording.arguments(entries)
        record.options = CommandRecording.dictionary(entries)
        try runTraining(ExperimentOptions(data: data, model: model, training: training), method: method, seed: seed,
                        runDir: runDir, resume: resume, overwrite: overwrite, fold: data.fold, record: record)
    }
}

/// Trains one run (graphs: every fold, or the 1-based `fold`) into `runDir`, resuming if asked.
/// Before any data is read the run directory is created, locked for this process, cleared of
/// stale temporary files, and checked: a previous run there needs `resume` or `overwrite`, and a
/// resume whose record (`partial`, completed here) differs from the directory's is refused. The
/// record is written only after the data is read and the model built.
func runTraining(_ options: ExperimentOptions, method: Method, seed: UInt64, runDir: String?, resume: Bool,
                 overwrite: Bool = false, fold: Int?, record partial: RunRecord) throws {
    let configuration = try options.training.configuration(method: method, seed: seed, dataset: options.data.dataset)
    let modelSpec = try options.model.spec(for: options.data.dataset.domain)
    let dir = URL(fileURLWithPath: runDir ?? "runs/\(options.data.defaultRunName)-\(method.rawValue)-seed\(seed)")
    let directory = try RunDirectory(dir)
    let lock = try directory.lock()
    defer { withExtendedLifetime(lock) {} }
    let stale = try directory.removeStaleTemporaryFiles()
    if !stale.isEmpty { print("removed stale temporary files of a killed run: \(stale.joined(separator: ", "))") }

    var record = partial
    record.training = configuration
    record.dataset = options.data.dataset.rawValue
    record.model = modelSpec.summary
    record.augments = options.training.augments(options.data.dataset)
    record.data = try options.data.fileRecords()
    record.environment = RunEnvironment(toolVersion: ToolVersion.current, openBLASCore: ToolVersion.openBLASCore,
                                        threads: configuration.threads, blasThreads: configuration.blasThreads,
                                        plugins: PluginLoader.loaded.map(\.path))

    let previous = try directory.previousRunFiles()
    let recorded = FileManager.default.fileExists(atPath: directory.configURL.path)
    if resume {
        if recorded {
            var saved = try RunRecord.read(from: directory.configURL)
            saved.options = saved.options.map(RenamedFlags.upgrading)   // `no-bias: true` of older records is `bias: false`
            let differences = saved.differences(from: record, ignoring: Train.resumableOptions)
            guard differences.isEmpty else {
                throw ValidationError("--resume: \(directory.configURL.path) records another run; these settings differ "
                                      + "(recorded → given):\n  " + differences.joined(separator: "\n  ")
                                      + "\nGive the recorded settings (`--config \(directory.configURL.path)` re-applies them) or another --run-dir.")
            }
            if let old = saved.environment, let new = record.environment {
                if old.openBLASCore != new.openBLASCore || old.toolVersion != new.toolVersion {
                    print("warning: the run was recorded with mixuplab \(old.toolVersion) on OpenBLAS core \(old.openBLASCore), "
                          + "now \(new.toolVersion) on \(new.openBLASCore); the continuation may not be bit-exact")
                }
            }
        }
    } else if !previous.isEmpty {
        guard overwrite else {
            throw ValidationError("\(dir.path) already holds a run (\(previous.joined(separator: ", "))); "
                                  + "give --resume to continue it or --overwrite to start over")
        }
        try directory.removePreviousRun()
        print("--overwrite: removed \(previous.joined(separator: ", ")) from \(dir.path)")
    }
    // The record is written once the data has been read and checked and the model built: a run
    // refused for its data (a ragged row, a truncated file) leaves no record, so the corrected
    // command runs in the same directory without --overwrite.
    let spec = try options.spec(method: method, seed: seed)
    switch spec.data {
    case .splits:
        let run = try spec.makeRun()
        run.runDirectory = directory
        print("\(method.rawValue): \(spec.model.summary), \(run.trainedModel.parameterCount) parameters; run directory \(dir.path)")
        if resume {
            if try run.resumeIfPossible() {
                print("resumed at epoch \(run.history.count)")
            } else if recorded {
                // Killed before its first checkpoint: the record matched, so this is the same run from the start.
                print("--resume: \(dir.path) has no checkpoint yet; starting the recorded run from epoch 1")
            } else {
                throw ValidationError("--resume: no checkpoint at \(directory.lastCheckpointURL.path)")
            }
        }
        try directory.writeJSON(record, to: directory.configURL)
        let history = try run.run()
        if let acc = history.last?.testAccuracy {
            print(String(format: "final test error %.2f%% (test accuracy %.2f%%)", 100 * (1 - acc), 100 * acc))
        }
    case .graphs:
        try directory.writeJSON(record, to: directory.configURL)
        print("\(method.rawValue): \(spec.model.summary), \(spec.foldCount)-fold CV; run directories \(dir.path)/fold-NN")
        let result = try spec.crossValidate(folds: fold.map { [$0 - 1] }, directory: dir, resume: resume)
        print(result.report)
    }
}
