import ArgumentParser
import Foundation
import MixupCore
import MixupExperiments
import MixupNN
import MixupTraining

extension GINReadout: ExpressibleByArgument {}

/// Options shared by `train-graph` and `ablate-graph`: data, folds, GIN shape and training.
struct GraphOptions: ParsableArguments {
    @Option(help: "TU dataset directory (e.g. ../shared/data/graphs/MUTAG).")
    var data: String
    @Option(help: "Number of stratified folds.")
    var folds: Int = 10
    @Option(help: "Run only this fold (1-based); default all.")
    var fold: Int?
    @Option(help: "Epochs per fold (the paper uses 350; 50 keeps a run short).")
    var epochs: Int = 50
    @Option(help: "Graphs per batch (Xu et al.: 32 or 128).")
    var batchSize: Int = 32
    @Option(help: "Adam learning rate, halved every 50 epochs.")
    var lr: Double = 0.01
    @Option(help: "Mixup's Beta(α, α).")
    var alpha: Double = 1.0
    @Option(help: "η, the weight of the MixupE penalty.")
    var eta: Double = 0.01
    @Option(help: "Regularizer for the +R arms (see `mixuplab regularizers`).")
    var regularizer: String = "approx"
    @Option(help: "Regularizer options, key=value[,key=value].")
    var regularizerOptions: String = ""
    @Option(help: "GIN message-passing layers.")
    var layers: Int = 5
    @Option(help: "GIN hidden width.")
    var hidden: Int = 32
    @Option(help: "Readout: concat (sums of all layers) or last.")
    var readout: GINReadout = .concatenatedSums
    @Flag(help: "Learn ε (GIN-ε) instead of GIN-0.")
    var learnEpsilon = false
    @Flag(help: "Leave out batch normalization.")
    var noBatchNorm = false

    /// The cross-validation for `method` and `seed`, and the dataset.
    func crossValidation(method: Method, seed: UInt64) throws -> (GraphCrossValidation, GraphDatasetSource) {
        var training = GraphCrossValidation.defaultTraining()
        training.method = method
        training.epochs = epochs
        training.batchSize = batchSize
        training.optimizer = .adam(learningRate: lr, weightDecay: 0)
        training.alpha = alpha
        training.eta = eta
        training.regularizer = regularizer
        training.regularizerOptions = regularizerOptions
        training.seed = seed
        try training.validate()
        var model = GINConfiguration()
        model.layerCount = layers
        model.hiddenWidth = hidden
        model.readout = readout
        model.learnsEpsilon = learnEpsilon
        model.batchNorm = !noBatchNorm
        guard layers >= 1, hidden >= 1 else { throw ValidationError("--layers and --hidden must be ≥ 1") }
        if let fold, fold < 1 || fold > folds { throw ValidationError("--fold must be in 1…\(folds), got \(fold)") }
        let source = try GraphDatasetSource(directory: URL(fileURLWithPath: data))
        let cv = GraphCrossValidation(training: training, model: model, foldCount: folds, foldsToRun: fold.map { [$0 - 1] })
        return (cv, source)
    }
}

/// `mixuplab train-graph`: GIN with Mixup/MixupE on the graph readout, k-fold stratified CV.
struct TrainGraph: ParsableCommand {
    @OptionGroup var plugins: PluginOptions
    static let configuration = CommandConfiguration(
        commandName: "train-graph",
        abstract: "Train a GIN on a TU graph dataset with ERM, Mixup, ERM+R or MixupE (mixing on the readout), k-fold CV.")

    @OptionGroup var options: GraphOptions
    @Option(help: "erm, mixup, erm+r or mixupe.")
    var method: Method = .mixupE
    @Option(help: "Seed of the fold split, initialisation, shuffling and λ draws.")
    var seed: UInt64 = 0

    func run() throws {
        let (cv, source) = try options.crossValidation(method: method, seed: seed)
        print("\(source.name): \(source.graphCount) graphs, \(source.classCount) classes, "
              + "\(source.featureCount) node features; \(method.rawValue), GIN \(options.layers)×\(options.hidden), \(options.folds)-fold CV")
        let result = try cv.run(on: source)
        print(result.report)
    }
}

/// `mixuplab ablate-graph`: the ablation arms × seeds, each a k-fold cross-validation of GIN.
struct AblateGraph: ParsableCommand {
    @OptionGroup var plugins: PluginOptions
    static let configuration = CommandConfiguration(
        commandName: "ablate-graph",
        abstract: "Run the ablation (ERM, Mixup, ERM+R, MixupE[, mixupe:taylor]) on a TU graph dataset, each arm a k-fold CV.")

    @OptionGroup var options: GraphOptions
    @Option(help: "Number of seeds (0..<N).")
    var seeds: Int = 1
    @Option(help: "Comma-separated arms (see `mixuplab ablate --help`).")
    var arms: String = "erm,mixup,erm+r,mixupe,mixupe:taylor"
    @Option(help: "Output directory for ablation.csv and ablation.md.")
    var out: String = "runs/ablation-graph"

    func run() throws {
        guard seeds >= 1 else { throw ValidationError("--seeds must be ≥ 1") }
        let parsedArms = try parseArms(arms)
        try checkRegularizers(parsedArms)
        let (cv, source) = try options.crossValidation(method: .mixupE, seed: 0)
        print("\(source.name): \(source.graphCount) graphs, \(source.classCount) classes; GIN \(options.layers)×\(options.hidden), "
              + "\(options.folds)-fold CV, \(options.epochs) epochs, α = \(options.alpha), η = \(options.eta)")
        var ablation = Ablation(configuration: cv.training)
        ablation.arms = parsedArms
        ablation.seeds = (0..<seeds).map(UInt64.init)
        let runs = try ablation.run(onGraphs: source, crossValidation: cv)
        try writeAblation(runs, to: URL(fileURLWithPath: out))
    }
}
