import ArgumentParser
import MixupExperiments
import MixupTraining

/// What one study command (`compare-q`, `diagnose-alpha`) sets apart in `StudyOptions`: its
/// default method, how often and on how many training points it measures, and where it writes.
protocol StudyDefaults {
    /// The method trained unless `--method` is given.
    static var method: Method { get }
    /// What the seed draws besides initialisation, shuffling and λ (`the scored sample`).
    static var sampleRole: String { get }
    /// `--every`'s default and its help (the unit: epochs or iterations).
    static var every: (value: Int, help: String) { get }
    /// `--samples`' default, its smallest allowed value and its help.
    static var samples: (value: Int, minimum: Int, help: String) { get }
    /// `--out`'s default and its help (the files written).
    static var out: (value: String, help: String) { get }
}

/// The options of a study measured during an ordinary training run — the data, model and training
/// groups, method, seed, how often and on how many training points, the output folder — declared
/// once for `compare-q` and `diagnose-alpha`, each with its own defaults (`Defaults`).
struct StudyOptions<Defaults: StudyDefaults>: ParsableArguments {
    @OptionGroup var plugins: PluginOptions
    @OptionGroup(title: "Data") var data: DataOptions
    @OptionGroup(title: "Model") var model: ModelOptions
    @OptionGroup(title: "Training") var training: TrainingOptions
    @Option(help: "erm, mixup, erm+r or mixupe.")
    var method: Method = Defaults.method
    @Option(help: ArgumentHelp("Seed of initialisation, shuffling, λ draws and \(Defaults.sampleRole)."))
    var seed: UInt64 = 0
    @Option(help: ArgumentHelp(Defaults.every.help))
    var every: Int = Defaults.every.value
    @Option(help: ArgumentHelp(Defaults.samples.help))
    var samples: Int = Defaults.samples.value
    @Option(help: ArgumentHelp(Defaults.out.help))
    var out: String = Defaults.out.value

    /// The data, model and training groups together.
    var experiment: ExperimentOptions { ExperimentOptions(data: data, model: model, training: training) }

    /// Checks every option before any data is read (errors show the command's usage).
    func validate() throws {
        guard every >= 1 else { throw ValidationError("--every must be ≥ 1, got \(every)") }
        guard samples >= Defaults.samples.minimum else {
            throw ValidationError("--samples must be ≥ \(Defaults.samples.minimum), got \(samples)")
        }
        try experiment.validate(method: method, defaults: CommandDefaults())
    }
}
