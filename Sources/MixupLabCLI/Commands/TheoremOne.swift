import ArgumentParser
import Foundation
import MixupCore
import MixupExperiments
import MixupNN
import MixupTraining

/// `mixuplab theorem1`: after an ordinary training run, the Mixup loss against L_std + the
/// order-J expansion of Theorem 1, at the mixing point (inputs, or graph readouts).
struct TheoremOne: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "theorem1",
        abstract: "Train a model (any dataset; default a GELU MLP for 10 epochs), then compare the Mixup loss with L_std + Theorem 1's expansion for J = 1…4 and several α.")

    @OptionGroup var plugins: PluginOptions
    @OptionGroup(title: "Data") var data: DataOptions
    @OptionGroup(title: "Model") var model: ModelOptions
    @OptionGroup(title: "Training") var training: TrainingOptions
    @Option(help: "Training method of the studied model.")
    var method: Method = .mixup
    @Option(help: "Seed of initialisation, training, the sample, pairs and λ draws.")
    var seed: UInt64 = 0
    @Option(parsing: .unconditional, help: "α values of the study, comma-separated.")
    var alphas = NumberList([0.05, 0.1, 0.2, 0.5, 1])
    @Option(help: "Highest expansion order J (1…6).")
    var maxOrder: Int = 4
    @Option(help: "Random anchors x_i (standard errors are over anchors).")
    var pairs: Int = 500
    @Option(help: "Partner samples x̄ per anchor: Theorem 1's E_x̄ by Monte Carlo.")
    var partnerSamples: Int = 4
    @Option(help: "λ draws per pair for the Monte-Carlo Mixup loss.")
    var lambdaDraws: Int = 64
    @Option(help: "Training examples the pairs are drawn from (a seeded sample).")
    var samples: Int = 2000
    @Option(help: "Output directory for theorem1.md, theorem1.csv, theorem1.svg.")
    var out: String = "runs/theorem1"

    /// Checks every option before any data is read (errors show this command's usage).
    func validate() throws {
        guard alphas.values.allSatisfy({ $0 > 0 }) else { throw ValidationError("--alphas must be positive") }
        try ExperimentOptions(data: data, model: model, training: training).validate(method: method, defaults: CommandDefaults(epochs: 10, activation: .gelu))
    }

    func run() throws {
        let options = ExperimentOptions(data: data, model: model, training: training)
        let spec = try options.spec(method: method, seed: seed, defaults: CommandDefaults(epochs: 10, activation: .gelu))
        if !(spec.model.kind == .mlp || spec.model.kind == .lenet) || spec.model.activation == .relu {
            print("note: with ReLU the j ≥ 2 terms vanish almost everywhere; the expansion cannot improve beyond J = 1")
        }
        let run = try spec.makeRun(fold: options.studiedFold)
        var study = TheoremOneStudy()
        study.alphas = alphas.values
        study.maxOrder = maxOrder
        study.pairCount = pairs
        study.partnerSamples = partnerSamples
        study.lambdaDraws = lambdaDraws
        study.seed = seed
        let started = ContinuousClock.now
        let rows = try study.run(run, spec: spec, sampleCount: samples)
        let c = spec.configuration
        let header = "## Theorem 1: \(spec.data.name), \(spec.model.summary), trained \(c.epochs) epochs with \(method.rawValue) "
            + "(α = \(c.alpha)); \(pairs) anchors with \(partnerSamples) partners each from \(min(samples, run.trainingCount)) "
            + "training points, \(lambdaDraws) λ draws per (anchor, partner)\n\n"
            + "Expansion = order-J Taylor polynomial of φ(a) = l(x_i + a(x̄ − x_i), y_i), averaged with the closed-form "
            + "D_λ moments, with Theorem 1's E_x̄[(x̄ − x_i)^⊗j] over the partners; |err| ± its Monte-Carlo standard error "
            + "is against L_mix along the line (same samples, quadrature over a); † marks errors below that noise. "
            + "Taylor coefficients from one Taylor-mode (Jet) pass in Float64.\n\n"
        let table = TheoremOneReport.markdown(rows)
        print("\n" + header + table)
        print(String(format: "\ntraining and study took %.1f s", (ContinuousClock.now - started).seconds))
        let dir = URL(fileURLWithPath: out)
        try OutputFiles.createFolder(dir)
        try OutputFiles.write(header + table + "\n", to: dir.appendingPathComponent("theorem1.md"))
        try OutputFiles.write(TheoremOneReport.csv(rows), to: dir.appendingPathComponent("theorem1.csv"))
        try OutputFiles.write(TheoremOneReport.plot(rows, title: "Theorem 1 truncation error — \(spec.data.name), \(spec.model.summary)"),
                              to: dir.appendingPathComponent("theorem1.svg"))
        print("wrote \(dir.path)/theorem1.{md,csv,svg}")
    }
}
