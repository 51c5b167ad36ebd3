import Foundation
import GraphData
import MixupCore
import MixupNN
import MixupTraining

/// A TU graph dataset as a `GraphClassificationSource`: batches come from GraphData's `makeBatch`.
public struct GraphDatasetSource: GraphClassificationSource {
    /// The dataset in memory.
    public let dataset: GraphDataset

    /// Wraps a loaded dataset.
    public init(_ dataset: GraphDataset) { self.dataset = dataset }

    /// Loads the TU dataset in `directory` (features as GraphData's `.automatic`: node labels one-hot).
    public init(directory: URL, options: TUDatasetOptions = TUDatasetOptions()) throws {
        dataset = try TUDatasetReader.load(directory: directory, options: options)
    }

    /// Dataset name (the TU `DS` prefix).
    public var name: String { dataset.name }
    public var graphCount: Int { dataset.graphCount }
    public var classCount: Int { dataset.classCount }
    public var featureCount: Int { dataset.featureCount }
    public var labels: [Int] { dataset.labels }

    /// Packs the graphs into a block-diagonal batch and converts features to `S`.
    public func input<S: TensorScalar>(graphs indices: [Int], as scalar: S.Type) throws -> GraphInput<S> {
        let batch = try dataset.makeBatch(graphIndices: indices)
        let features = Tensor<S>(Tensor<Float>(shape: [batch.nodeCount, batch.featureCount], scalars: batch.nodeFeatures))
        let adjacency = try SparseMatrix(rowCount: batch.nodeCount, columnCount: batch.nodeCount,
                                         rowOffsets: batch.rowOffsets, columnIndices: batch.columnIndices)
        return try GraphInput(nodeFeatures: features, adjacency: adjacency,
                              graphs: RowSegments(offsets: batch.graphNodeOffsets))
    }
}

/// Mean and sample standard deviation of per-fold accuracies.
public struct FoldSummary: Equatable, Sendable {
    /// 1-based epoch the numbers refer to.
    public var epoch: Int
    /// Test accuracy of each fold at that epoch.
    public var accuracies: [Double]
    /// Mean over folds.
    public var mean: Double { accuracies.isEmpty ? 0 : accuracies.reduce(0, +) / Double(accuracies.count) }
    /// Sample standard deviation over folds (0 for one fold).
    public var standardDeviation: Double {
        guard accuracies.count > 1 else { return 0 }
        let m = mean
        return (accuracies.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(accuracies.count - 1)).squareRoot()
    }
}

/// k-fold stratified cross-validation of a GIN, the protocol of Xu et al. 2018 used by the MixupE
/// paper's graph experiments: train on k−1 folds, test on the held-out one, for each fold. Every
/// fold is an ordinary `TrainingLoop` run (readout mixing), with its own run directory
/// `fold-NN/` (config, metrics, checkpoints) when `directory` is given, and exact resume.
public struct GraphCrossValidation {
    /// Method, α, η, regularizer, optimizer, schedule, epochs, batch size, seed.
    public var training: TrainingConfiguration
    /// GIN shape.
    public var model: GINConfiguration
    /// Number of folds k.
    public var foldCount: Int
    /// Which folds to run (0-based; all by default).
    public var foldsToRun: [Int]?
    /// Seed of the fold split (the same folds for every method and training seed).
    public var splitSeed: UInt64 = 0

    /// The paper's graph setting with a CI-sized default of 50 epochs: Adam lr 0.01 halved every
    /// 50 epochs, batch 32, 10 folds, MixupE on the readout.
    public init(training: TrainingConfiguration? = nil, model: GINConfiguration = GINConfiguration(),
                foldCount: Int = 10, foldsToRun: [Int]? = nil) {
        self.training = training ?? GraphCrossValidation.defaultTraining()
        self.model = model
        self.foldCount = foldCount
        self.foldsToRun = foldsToRun
    }

    /// Adam(0.01), ×0.5 every 50 epochs up to 350, batch 32, 50 epochs, MixupE (approx q̄, η = 0.01).
    public static func defaultTraining() -> TrainingConfiguration {
        var c = TrainingConfiguration()
        c.method = .mixupE
        c.optimizer = .adam(learningRate: 0.01, weightDecay: 0)
        c.schedule = .stepDecay(epochs: Array(stride(from: 50, through: 350, by: 50)), factor: 0.5)
        c.batchSize = 32
        c.epochs = 50
        return c
    }

    /// The outcome: per-fold per-epoch test accuracies and the two summaries.
    public struct Result {
        /// Folds that were run, in order.
        public var folds: [Int]
        /// `testAccuracy[f][e]`: fold `folds[f]`, epoch e+1.
        public var testAccuracy: [[Double]]
        /// Test accuracies at the last epoch.
        public var lastEpoch: FoldSummary
        /// The epoch with the best mean test accuracy across folds (Xu et al.'s and the paper's protocol).
        public var bestMeanEpoch: FoldSummary

        /// A human-readable report: per-fold accuracies and both summaries, clearly labelled.
        public var report: String {
            var lines = ["fold  last-epoch test acc  test acc at epoch \(bestMeanEpoch.epoch)"]
            for (k, fold) in folds.enumerated() {
                lines.append(String(format: "%4d  %19.2f%%  %.2f%%", fold + 1, 100 * lastEpoch.accuracies[k],
                                    100 * bestMeanEpoch.accuracies[k]))
            }
            lines.append(String(format: "last epoch (%d): %.2f%% ± %.2f%% (mean ± std over %d folds)", lastEpoch.epoch,
                                100 * lastEpoch.mean, 100 * lastEpoch.standardDeviation, folds.count))
            lines.append(String(format: "best mean epoch (%d, Xu et al. protocol): %.2f%% ± %.2f%%", bestMeanEpoch.epoch,
                                100 * bestMeanEpoch.mean, 100 * bestMeanEpoch.standardDeviation))
            return lines.joined(separator: "\n")
        }
    }

    /// The run spec of this cross-validation on `source`.
    public func spec(on source: GraphDatasetSource) -> RunSpec {
        var model = ModelSpec(kind: .gin)
        model.gin = self.model
        var spec = RunSpec(data: .graphs(source), model: model, configuration: training)
        spec.foldCount = foldCount
        spec.splitSeed = splitSeed
        return spec
    }

    /// The run directory of fold `fold` (0-based) under `directory`.
    public static func foldDirectory(_ directory: URL, fold: Int) -> URL {
        directory.appendingPathComponent(String(format: "fold-%02d", fold + 1))
    }

    /// Runs the folds on `source`; each fold gets a fresh GIN initialised from the seed and fold.
    /// With `directory`, fold f writes `directory/fold-NN/`; with `resume`, a fold continues from
    /// its `last.safetensors` (a finished fold is only reloaded). `log` receives per-epoch lines.
    public func run(on source: GraphDatasetSource, directory: URL? = nil, resume: Bool = false,
                    log: @escaping (String) -> Void = { print($0) }) throws -> Result {
        try spec(on: source).crossValidate(folds: foldsToRun, directory: directory, resume: resume, log: log)
    }
}

extension RunSpec {
    /// k-fold cross-validation of the graph data with `configuration` (default: the spec's):
    /// one ordinary run per fold in `folds` (0-based; all by default), fold f writing
    /// `directory/fold-NN/` and resuming from it when `resume` is set.
    public func crossValidate(configuration: TrainingConfiguration? = nil, folds: [Int]? = nil, directory: URL? = nil,
                              resume: Bool = false, log: @escaping (String) -> Void = { print($0) })
        throws -> GraphCrossValidation.Result {
        let config = configuration ?? self.configuration
        guard case .graphs = data else { throw ExperimentError("cross-validation applies to graph datasets") }
        let chosen = folds ?? Array(0..<foldCount)
        for f in chosen where f < 0 || f >= foldCount {
            throw TrainingError.invalidConfiguration("fold \(f + 1) does not exist among \(foldCount) folds")
        }
        var curves: [[Double]] = []
        for f in chosen {
            let run = try makeRun(configuration: config, fold: f)
            run.log = { log("fold \(f + 1)/\(self.foldCount)  \($0)") }
            if let directory {
                run.runDirectory = try RunDirectory(GraphCrossValidation.foldDirectory(directory, fold: f))
                if resume, try run.resumeIfPossible() {
                    log("fold \(f + 1)/\(foldCount): resumed at epoch \(run.history.count)")
                }
            }
            let history = try run.run()
            curves.append(history.map { $0.testAccuracy ?? 0 })
        }
        let epochs = config.epochs
        let last = FoldSummary(epoch: epochs, accuracies: curves.map { $0[epochs - 1] })
        var best = last
        for e in 0..<epochs {
            let candidate = FoldSummary(epoch: e + 1, accuracies: curves.map { $0[e] })
            if candidate.mean > best.mean { best = candidate }
        }
        return GraphCrossValidation.Result(folds: chosen, testAccuracy: curves, lastEpoch: last, bestMeanEpoch: best)
    }
}
