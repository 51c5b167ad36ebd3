import Foundation
import GraphData
import ImageData
import MixupCore
import MixupNN
import MixupTraining

/// Data, model and training settings from which every command builds its runs, in any domain:
/// one `TrainingLoop` with input mixing for splits, one per fold with readout mixing for graphs.
/// `train`, `ablate`, `compare-q`, `diagnose-alpha` and `theorem1` all go through `makeRun`.
public struct RunSpec {
    /// What is trained on.
    public var data: ExperimentData
    /// The architecture (GIN for graphs).
    public var model: ModelSpec
    /// Method, α, η, optimizer, schedule, seed, epochs, … (per-run method and seed may be overridden).
    public var configuration: TrainingConfiguration
    /// Random crop (pad 4) and horizontal flip of image batches.
    public var augments = false
    /// Graphs: number of stratified folds k.
    public var foldCount = 10
    /// Graphs: seed of the fold split (fixed across arms and seeds, so they see the same folds).
    public var splitSeed: UInt64 = 0
    /// Whether runs given a run directory also write TensorBoard event files there (`makeRun`
    /// sets it on every run it builds, so `train`, `ablate` and graph folds all honour it).
    public var writesTensorBoard = true

    /// A spec from its parts.
    public init(data: ExperimentData, model: ModelSpec, configuration: TrainingConfiguration) {
        self.data = data
        self.model = model
        self.configuration = configuration
    }

    /// The folds a graph run is made of, or `[nil]` for split data (one run).
    public var folds: [Int?] {
        if case .graphs = data { return (0..<foldCount).map { $0 } }
        return [nil]
    }

    /// The stratified folds of the graph data (train/test graph indices each).
    public func graphFolds(_ source: GraphDatasetSource) throws -> [CrossValidationFold] {
        guard foldCount >= 2 else { throw ExperimentError("--folds must be ≥ 2, got \(foldCount)") }
        var rng = SeededGenerator(seed: splitSeed ^ 0xF01D_5EED)
        return try StratifiedKFold.folds(labels: source.labels, foldCount: foldCount, using: &rng)
    }

    /// A fresh run with `configuration` (default: the spec's), for `fold` (0-based, graphs only).
    public func makeRun(configuration: TrainingConfiguration? = nil, fold: Int? = nil) throws -> any TrainingRun<Float> {
        let config = configuration ?? self.configuration
        let run = try makeLoop(configuration: config, fold: fold)
        run.writesTensorBoard = writesTensorBoard
        run.extraCheckpointMetadata[ModelManifest.metadataKey] = try manifest(loss: config.loss).json()
        return run
    }

    /// The loop of `makeRun`, before the spec's run settings are applied.
    private func makeLoop(configuration config: TrainingConfiguration, fold: Int?) throws -> any TrainingRun<Float> {
        try config.validate()
        switch data {
        case let .splits(splits):
            guard fold == nil else { throw ExperimentError("--fold applies to graph datasets only") }
            guard model.kind != .gin else {
                throw ExperimentError("--model gin reads graphs; \(splits.name) has samples of shape \(splits.train.sampleShape)")
            }
            let network = try model.make(inputShape: splits.train.sampleShape,
                                         outputs: config.loss.outputCount(classes: splits.train.classCount), seed: config.seed)
            return try inputRun(network, config: config, splits: splits)
        case let .graphs(source):
            guard model.kind == .gin else {
                throw ExperimentError("graphs are trained with --model gin (mixing on the readout), not \(model.kind.rawValue)")
            }
            let folds = try graphFolds(source)
            let f = fold ?? 0
            guard folds.indices.contains(f) else {
                throw ExperimentError("fold \(f + 1) does not exist among \(foldCount) folds")
            }
            let gin = model.makeGIN(nodeFeatures: source.featureCount,
                                    outputs: config.loss.outputCount(classes: source.classCount),
                                    seed: config.seed &+ UInt64(f) &* 0x9E37_79B9_7F4A_7C15)
            return try GraphTrainer(model: gin, configuration: config, source: source,
                                    trainIndices: folds[f].trainIndices, testIndices: folds[f].testIndices)
        }
    }

    /// The trainer of the concrete model type (opened from `any Layer<Float>`).
    private func inputRun<M: Layer>(_ network: M, config: TrainingConfiguration, splits: LoadedSplits) throws
        -> any TrainingRun<Float> where M.Scalar == Float {
        let trainer = try Trainer(model: network, configuration: config, train: splits.train,
                                  validation: splits.validation, test: splits.test)
        if augments {
            let shape = splits.train.sampleShape
            guard shape.count == 3, shape.allSatisfy({ $0 > 0 }) else {
                throw ExperimentError("--augment needs image samples [C, H, W], got \(shape)")
            }
            let transform = try RandomCropAndFlip(padding: 4)
            let imageShape = ImageShape(channels: shape[0], height: shape[1], width: shape[2])
            trainer.objective.augmentation = { batch, rng in
                var pixels = batch.scalars
                // Batches are rows of training samples of `imageShape`, checked above; a failure here
                // is a bug, never a reason to train silently without augmentation.
                do { try transform.apply(to: &pixels, shape: imageShape, using: &rng) } catch { preconditionFailure("\(error)") }
                batch = Tensor(shape: batch.shape, scalars: pixels)
            }
        }
        return trainer
    }

    /// The run's model rebuilt in Float64 with the same parameters and buffers (for studies that
    /// need the precision, e.g. Theorem 1's truncation errors).
    public func float64Copy(of run: any TrainingRun<Float>, fold: Int? = nil) throws -> any Layer<Double> {
        let source = run.trainedModel
        let copy: any Layer<Double>
        switch data {
        case let .splits(splits):
            copy = try model.make(inputShape: splits.train.sampleShape,
                                  outputs: run.configuration.loss.outputCount(classes: splits.train.classCount),
                                  seed: 0, as: Double.self)
        case let .graphs(graphs):
            copy = model.makeGIN(nodeFeatures: graphs.featureCount,
                                 outputs: run.configuration.loss.outputCount(classes: graphs.classCount), seed: 0, as: Double.self)
        }
        var tensors: [String: Tensor<Double>] = [:]
        for (name, v) in source.namedParameters { tensors[name] = Tensor<Double>(v.value) }
        for (name, t) in source.namedBuffers { tensors[name] = Tensor<Double>(t) }
        try Checkpoint<Double>(parameters: tensors).restore(into: copy)
        return copy
    }
}
