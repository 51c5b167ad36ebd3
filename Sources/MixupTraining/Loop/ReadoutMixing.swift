import MixupCore
import MixupNN
import MixupRegularizers

/// The objective of Mixup on the graph readout (MixupE paper §3.4): h = encoder(graphs);
/// h̃ = λh_i + (1−λ)h_j goes through the head; the encoder trains through h̃. Partners are
/// graphs of the same batch, so one encoder pass serves both sides.
///
/// MixupE's q is computed for the head f_head at x_i = h_i, with h_i on the tape:
/// exact q = (g(f(h_i)) − y_i)ᵀ J_head(h_i)(E[h̄] − h_i) via the head's JVP; approximate q̄ from the
/// head's clean logits. E[h̄] is the mean readout of the current batch, detached (the readouts move
/// every step, so a training-set mean would be stale; detaching keeps E[h̄] a constant as E[x̄] is).
public struct ReadoutMixing<Scalar: TensorScalar>: TrainingObjective {
    /// The GIN being trained.
    public let model: GIN<Scalar>
    /// The penalty of the "+R" arms, nil for ERM and Mixup.
    public let regularizer: (any Regularizer)?
    /// The graphs.
    public let source: any GraphClassificationSource
    /// Graphs trained on (training example k is graph `trainIndices[k]`).
    public let trainIndices: [Int]
    /// Held-out graphs (empty: none).
    public let validationIndices: [Int]
    public let testIndices: [Int]
    /// Overrides E[h̄] (default: the detached batch mean of the readouts) — tests pin it to check
    /// the gradient against finite differences, which would otherwise see E[h̄] move.
    public var readoutMean: Tensor<Scalar>?

    /// The configuration it was built with (method, α, loss, clean pass, regularizer).
    public let configuration: TrainingConfiguration
    private let mixing: MixingDistribution

    /// The objective of `model` on the graphs `trainIndices` of `source`. Throws on an empty
    /// training set, out-of-range indices, or a model whose shape does not fit the data.
    public init(model: GIN<Scalar>, configuration: TrainingConfiguration, source: any GraphClassificationSource,
                trainIndices: [Int], validationIndices: [Int] = [], testIndices: [Int] = [],
                regularizer: (any Regularizer)? = nil) throws {
        guard !trainIndices.isEmpty else { throw TrainingError.invalidConfiguration("the training set is empty") }
        for index in trainIndices + validationIndices + testIndices where index < 0 || index >= source.graphCount {
            throw TrainingError.invalidConfiguration("graph index \(index) is outside 0..<\(source.graphCount)")
        }
        let outputs = configuration.loss.outputCount(classes: source.classCount)
        guard model.head.widths.last == outputs else {
            throw TrainingError.invalidConfiguration("the GIN head has \(model.head.widths.last ?? 0) outputs, "
                                                     + "the loss needs \(outputs) for \(source.classCount) classes")
        }
        guard model.encoder.inputWidth == source.featureCount else {
            throw TrainingError.invalidConfiguration("the GIN expects \(model.encoder.inputWidth) node features, "
                                                     + "the data has \(source.featureCount)")
        }
        guard configuration.partner == .permutation else {
            throw TrainingError.invalidConfiguration("readout mixing pairs graphs within a batch; use --partner permutation")
        }
        self.model = model
        self.configuration = configuration
        self.source = source
        self.trainIndices = trainIndices
        self.validationIndices = validationIndices
        self.testIndices = testIndices
        self.regularizer = try configuration.makeRegularizer(given: regularizer)
        mixing = MixingDistribution(alpha: configuration.alpha)
    }

    public var trainingCount: Int { trainIndices.count }
    public var allowsPartnersOutsideBatch: Bool { false }

    /// Graph readouts h `[graphs, readoutWidth]` of the graphs `indices` (into the source), on the tape.
    public func readouts(graphs indices: [Int]) throws -> Variable<Scalar> {
        model.encode(try source.input(graphs: indices, as: Scalar.self))
    }

    public func cost(batch: [Int], partner: [Int], rng: inout SeededGenerator) throws -> BatchCost<Scalar> {
        var position: [Int: Int] = [:]
        for (k, example) in batch.enumerated() { position[example] = k }
        let partnerPositions = try partner.map { example -> Int in
            guard let k = position[example] else {
                throw TrainingError.invalidConfiguration("readout mixing pairs graphs within a batch; partner \(example) is not in it")
            }
            return k
        }
        guard partner.count == batch.count else {
            throw TrainingError.invalidConfiguration("\(partner.count) partners for a batch of \(batch.count)")
        }
        let graphs = batch.map { trainIndices[$0] }
        let targets: Tensor<Scalar> = configuration.loss.targets(graphs.map { source.labels[$0] }, classes: source.classCount)
        let h = try readouts(graphs: graphs)
        var lambda = 1.0
        let trainingLogits: Variable<Scalar>
        let trainingTargets: Tensor<Scalar>
        if configuration.method.mixes {
            lambda = mixing.sample(using: &rng)
            let l = Scalar(lambda), m = Scalar(1 - lambda)
            trainingLogits = model(h * l + h.gathering(rows: partnerPositions) * m)
            trainingTargets = targets * l + targets.gathering(rows: partnerPositions) * m
        } else {
            trainingLogits = model(h)
            trainingTargets = targets
        }
        let loss = configuration.loss(trainingLogits, trainingTargets)
        guard let regularizer else { return BatchCost(loss: loss, penalty: nil, lambda: lambda) }
        var cleanLogits: Variable<Scalar>? = nil
        if regularizer.usesCleanLogits {
            cleanLogits = configuration.method.mixes ? model(h) : trainingLogits
        }
        let mean = readoutMean ?? (h.value.sum(alongAxis: 0) * (1 / Scalar(batch.count))).reshaped([h.shape[1]])
        guard mean.shape == [h.shape[1]] else {
            throw TrainingError.invalidConfiguration("readout mean has shape \(mean.shape), expected [\(h.shape[1])]")
        }
        // Theorem 1's E_x̄ by Monte Carlo over the batch's readouts (detached, as E[h̄] is).
        let partners = (0..<regularizer.partnerSampleCount).map { _ in
            h.value.gathering(rows: batch.map { _ in rng.bounded(batch.count) })
        }
        let context = RegularizerContext(model: model, inputs: h, targets: targets, dataMean: mean,
                                         mixing: mixing, loss: configuration.loss, cleanLogits: cleanLogits,
                                         partners: partners)
        return BatchCost(loss: loss, penalty: regularizer.penalty(context), lambda: lambda)
    }

    public func evaluate(_ split: DataSplit) throws -> Evaluation? {
        let indices: [Int]
        switch split {
        case .train: indices = trainIndices
        case .validation: indices = validationIndices
        case .test: indices = testIndices
        }
        guard !indices.isEmpty else { return nil }
        return try model.evaluating {
            try Evaluation.scoring(count: indices.count, chunkSize: 256, loss: configuration.loss,
                                   classes: source.classCount) { range in
                let chunk = Array(indices[range])
                return (model.logits(for: try source.input(graphs: chunk, as: Scalar.self)), chunk.map { source.labels[$0] })
            }
        }
    }
}

/// The loop of readout Mixup: GIN on graphs.
public typealias GraphTrainer<Scalar: TensorScalar> = TrainingLoop<ReadoutMixing<Scalar>>

extension TrainingLoop {
    /// A loop training `model` on the graphs `trainIndices` of `source` with readout mixing.
    public convenience init<S: TensorScalar>(model: GIN<S>, configuration: TrainingConfiguration,
                                             source: any GraphClassificationSource, trainIndices: [Int],
                                             validationIndices: [Int] = [], testIndices: [Int] = [],
                                             regularizer: (any Regularizer)? = nil) throws
    where Objective == ReadoutMixing<S> {
        try configuration.validate()
        try self.init(objective: ReadoutMixing(model: model, configuration: configuration, source: source,
                                               trainIndices: trainIndices, validationIndices: validationIndices,
                                               testIndices: testIndices, regularizer: regularizer),
                      configuration: configuration)
    }
}
