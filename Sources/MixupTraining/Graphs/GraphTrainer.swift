import Foundation
import MixupCore
import MixupNN
import MixupRegularizers

/// Metrics of one epoch of graph training.
public struct GraphEpochMetrics: Codable, Equatable, Sendable {
    /// 1-based epoch.
    public var epoch: Int
    /// Mean mixing loss L over the epoch's batches.
    public var trainLoss: Double
    /// Mean penalty R (0 without a regularizer).
    public var penalty: Double
    /// Accuracy on the training graphs (evaluation mode).
    public var trainAccuracy: Double
    /// Accuracy on the held-out graphs (evaluation mode), nil without a test set.
    public var testAccuracy: Double?
    /// Learning rate at the end of the epoch.
    public var learningRate: Double
    /// Wall-clock seconds of the epoch's optimisation steps.
    public var trainSeconds: Double
}

/// What one graph training step computed.
public struct GraphStepResult: Equatable, Sendable {
    /// The mixing loss L.
    public var loss: Double
    /// The penalty R (0 without a regularizer).
    public var penalty: Double
    /// κ = |L|/|L + ηR| (1 without a regularizer).
    public var kappa: Double
    /// λ used for this batch (1 without mixing).
    public var lambda: Double
}

/// Trains a GIN with ERM, Mixup, ERM+R or MixupE where mixing happens on the graph readout
/// (MixupE paper §3.4): h = encoder(graphs); h̃ = λh_i + (1−λ)h_j goes through the head; the encoder
/// trains through h̃. Partners are a seeded permutation of the same batch, so one encoder pass serves
/// both sides.
///
/// MixupE's q is computed for the head f_head at x_i = h_i, with h_i on the tape:
/// exact q = (g(f(h_i)) − y_i)ᵀ J_head(h_i)(E[h̄] − h_i) via the head's JVP; approximate q̄ from the
/// head's clean logits. E[h̄] is the mean readout of the current batch, detached (the readouts move
/// every step, so a training-set mean would be stale; detaching keeps E[h̄] a constant as E[x̄] is).
public final class GraphTrainer<Scalar: TensorScalar> {
    /// The model (parameters updated in place).
    public let model: GIN<Scalar>
    /// Method, α, η, optimizer, schedule, seed, epochs, batch size, loss.
    public let configuration: TrainingConfiguration
    /// The penalty of the "+R" arms, nil for ERM and Mixup.
    public let regularizer: (any Regularizer)?
    /// Where per-epoch lines go (silence with `{ _ in }`).
    public var log: (String) -> Void = { print($0) }
    /// Metrics of completed epochs.
    public private(set) var history: [GraphEpochMetrics] = []

    private var optimizer: any Optimizer<Scalar>
    private let mixing: MixingDistribution
    private let source: any GraphClassificationSource
    private let trainIndices: [Int]
    private let testIndices: [Int]
    private let parameters: [Variable<Scalar>]
    private let parameterNames: [String]

    /// A trainer of `model` on the graphs `trainIndices` of `source`, evaluating on `testIndices`.
    /// Throws on an invalid configuration, an empty training set or out-of-range indices.
    public init(model: GIN<Scalar>, configuration: TrainingConfiguration, source: any GraphClassificationSource,
                trainIndices: [Int], testIndices: [Int] = [], regularizer: (any Regularizer)? = nil) throws {
        AllocatorTuning.retainFreedMemory()   // steps would page-fault their activations otherwise
        try configuration.validate()
        guard !trainIndices.isEmpty else { throw TrainingError.invalidConfiguration("the training set is empty") }
        for index in trainIndices + testIndices where index < 0 || index >= source.graphCount {
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
        self.model = model
        self.configuration = configuration
        self.source = source
        self.trainIndices = trainIndices
        self.testIndices = testIndices
        mixing = MixingDistribution(alpha: configuration.alpha)
        if configuration.method.regularized {
            self.regularizer = try regularizer ?? RegularizerRegistry.make(
                configuration.regularizer, options: RegularizerOptions(parsing: configuration.regularizerOptions))
        } else {
            self.regularizer = nil
        }
        optimizer = configuration.optimizer.make()
        let named = model.namedParameters
        parameters = named.map(\.variable)
        parameterNames = named.map(\.name)
    }

    /// The scalar one step differentiates, κ(L + ηR), for the graphs `batch` with partner positions
    /// `partner` (a permutation of `0..<batch.count`); λ is drawn from `rng` when the method mixes.
    /// `readoutMean` overrides E[h̄] (default: the detached batch mean of the readouts) — tests pin it
    /// to check the gradient against finite differences, which would otherwise see E[h̄] move.
    public func objective(batch: [Int], partner: [Int], rng: inout SeededGenerator,
                          readoutMean: Tensor<Scalar>? = nil) throws
        -> (total: Variable<Scalar>, result: GraphStepResult) {
        guard partner.count == batch.count, partner.allSatisfy({ $0 >= 0 && $0 < batch.count }) else {
            throw TrainingError.invalidConfiguration("partner positions must index the \(batch.count) graphs of the batch")
        }
        let input = try source.input(graphs: batch, as: Scalar.self)
        let targets: Tensor<Scalar> = configuration.loss.targets(batch.map { source.labels[$0] }, classes: source.classCount)
        let h = model.encode(input)
        var lambda = 1.0
        let trainingLogits: Variable<Scalar>
        let trainingTargets: Tensor<Scalar>
        if configuration.method.mixes {
            lambda = mixing.sample(using: &rng)
            let l = Scalar(lambda), m = Scalar(1 - lambda)
            trainingLogits = model(h * l + h.gathering(rows: partner) * m)
            trainingTargets = targets * l + targets.gathering(rows: partner) * m
        } else {
            trainingLogits = model(h)
            trainingTargets = targets
        }
        let loss = configuration.loss(trainingLogits, trainingTargets)
        guard let regularizer else {
            return (loss, GraphStepResult(loss: Double(loss.scalar), penalty: 0, kappa: 1, lambda: lambda))
        }
        var cleanLogits: Variable<Scalar>? = nil
        if regularizer.usesCleanLogits {
            cleanLogits = configuration.method.mixes ? model(h) : trainingLogits
        }
        let readoutMean = readoutMean ?? (h.value.sum(alongAxis: 0) * (1 / Scalar(batch.count))).reshaped([h.shape[1]])
        guard readoutMean.shape == [h.shape[1]] else {
            throw TrainingError.invalidConfiguration("readout mean has shape \(readoutMean.shape), expected [\(h.shape[1])]")
        }
        let context = RegularizerContext(model: model, inputs: h, targets: targets, dataMean: readoutMean,
                                         mixing: mixing, loss: configuration.loss, cleanLogits: cleanLogits)
        let penalty = regularizer.penalty(context)
        let sum = loss + penalty * Scalar(configuration.eta)
        let kappa: Scalar = sum.scalar == 0 ? 1 : Swift.abs(loss.scalar) / Swift.abs(sum.scalar)
        return (sum * kappa, GraphStepResult(loss: Double(loss.scalar), penalty: Double(penalty.scalar),
                                             kappa: Double(kappa), lambda: lambda))
    }

    /// One optimisation step; throws `TrainingError.diverged` (without updating) on a non-finite
    /// loss or gradient.
    @discardableResult
    public func step(batch: [Int], partner: [Int], rng: inout SeededGenerator,
                     epoch: Int = 0, batchIndex: Int = 0) throws -> GraphStepResult {
        let (total, result) = try objective(batch: batch, partner: partner, rng: &rng)
        guard total.scalar.isFinite else {
            throw TrainingError.diverged(epoch: epoch, batch: batchIndex, detail: "loss L = \(result.loss), R = \(result.penalty)",
                                         lastGoodCheckpoint: nil)
        }
        let grads = total.gradients()
        for (name, p) in zip(parameterNames, parameters) where !grads[p].isFinite {
            throw TrainingError.diverged(epoch: epoch, batch: batchIndex, detail: "non-finite gradient for '\(name)'",
                                         lastGoodCheckpoint: nil)
        }
        optimizer.update(parameters, with: grads)
        return result
    }

    /// Trains for `configuration.epochs` epochs (seeded shuffles and λ draws), evaluating train and
    /// test accuracy after each; returns the history.
    @discardableResult
    public func run() throws -> [GraphEpochMetrics] {
        ComputeThreads.kernelCount = configuration.threads
        BLAS.threadCount = configuration.blasThreads ?? configuration.threads
        model.setTraining(true)
        for epoch in history.count..<configuration.epochs {
            var rng = SeededGenerator(seed: configuration.seed &+ 0x6EA9_4C1F &+ UInt64(epoch) &* 0x2545_F491_4F6C_DD1D)
            let order = rng.permutation(trainIndices.count).map { trainIndices[$0] }
            let batches = stride(from: 0, to: order.count, by: configuration.batchSize).map {
                Array(order[$0..<min($0 + configuration.batchSize, order.count)])
            }
            var lossSum = 0.0, penaltySum = 0.0
            let started = ContinuousClock.now
            for (k, batch) in batches.enumerated() {
                let progress = Double(epoch) + Double(k + 1) / Double(batches.count)
                optimizer.learningRate = configuration.schedule.rate(base: configuration.optimizer.learningRate, epoch: progress)
                let partner = rng.permutation(batch.count)
                let r = try step(batch: batch, partner: partner, rng: &rng, epoch: epoch, batchIndex: k)
                lossSum += r.loss
                penaltySum += r.penalty
            }
            let elapsed = ContinuousClock.now - started
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
            let trainAccuracy = try evaluate(trainIndices).accuracy
            let testAccuracy = testIndices.isEmpty ? nil : try evaluate(testIndices).accuracy
            let metrics = GraphEpochMetrics(epoch: epoch + 1, trainLoss: lossSum / Double(batches.count),
                                            penalty: penaltySum / Double(batches.count), trainAccuracy: trainAccuracy,
                                            testAccuracy: testAccuracy, learningRate: optimizer.learningRate,
                                            trainSeconds: seconds)
            history.append(metrics)
            var line = String(format: "epoch %d/%d  loss %.4f", metrics.epoch, configuration.epochs, metrics.trainLoss)
            if regularizer != nil { line += String(format: "  R %.4f", metrics.penalty) }
            line += String(format: "  train acc %.2f%%", 100 * trainAccuracy)
            if let testAccuracy { line += String(format: "  test acc %.2f%%", 100 * testAccuracy) }
            log(line)
        }
        return history
    }

    /// Accuracy and mean clean loss on the graphs `indices`, in evaluation mode (running batch-norm
    /// statistics), in chunks of 256 graphs.
    public func evaluate(_ indices: [Int]) throws -> (accuracy: Double, loss: Double) {
        guard !indices.isEmpty else { return (0, 0) }
        return try model.evaluating {
            var correct = 0, lossSum = 0.0
            for start in stride(from: 0, to: indices.count, by: 256) {
                let chunk = Array(indices[start..<min(start + 256, indices.count)])
                let labels = chunk.map { source.labels[$0] }
                let logits = model.logits(for: try source.input(graphs: chunk, as: Scalar.self))
                let targets: Tensor<Scalar> = configuration.loss.targets(labels, classes: source.classCount)
                lossSum += Double(configuration.loss(logits, targets).scalar) * Double(chunk.count)
                for (p, y) in zip(configuration.loss.predictions(logits.value), labels) where p == y { correct += 1 }
            }
            return (Double(correct) / Double(indices.count), lossSum / Double(indices.count))
        }
    }
}
