import Foundation
import MixupCore
import MixupNN
import MixupRegularizers

/// The generic training loop of eq. (5): L = mixing loss, R = regularizer penalty,
/// total = κ(L + ηR) with κ = |L|/|L + ηR| detached. ERM, Mixup, ERM+R and MixupE are the
/// same loop with two switches (`Method.mixes`, `Method.regularized`).
public final class Trainer<Model: Layer> {
    /// The precision of model and data (Float for training, Double for gradient checks).
    public typealias Scalar = Model.Scalar

    /// The model being trained (its parameters are updated in place).
    public let model: Model
    public let configuration: TrainingConfiguration
    /// The penalty of the "+R" arms, nil for ERM and Mixup.
    public let regularizer: (any Regularizer)?
    /// The optimizer (its state is checkpointed).
    public private(set) var optimizer: any Optimizer<Scalar>
    /// Where progress lines go (stdout by default; tests silence it).
    public var log: (String) -> Void = { print($0) }
    /// Optional run folder for config, metrics and checkpoints.
    public var runDirectory: RunDirectory?
    /// Applied to every clean and partner batch's inputs before mixing (e.g. random crop and
    /// flip for images), with the step's seeded generator so runs stay reproducible.
    public var augmentation: ((inout Tensor<Scalar>, inout SeededGenerator) -> Void)?
    /// Metrics of completed epochs.
    public private(set) var history: [EpochMetrics] = []

    private let policy: any MixingPolicy
    private let mixing: MixingDistribution
    private let train: ClassificationData<Scalar>
    private let validation: ClassificationData<Scalar>?
    private let test: ClassificationData<Scalar>?
    private let dataMean: Tensor<Scalar>
    private let parameters: [Variable<Scalar>]
    private let parameterNames: [String]
    private let modes: [ModelMode]
    private let targetsByIndex: Tensor<Scalar>
    private var bestValidationAccuracy = -Double.infinity

    /// A trainer for `model` on `train` (with optional validation and test sets). The
    /// regularizer defaults to the one named in the configuration.
    public init(model: Model, configuration: TrainingConfiguration, train: ClassificationData<Scalar>,
                validation: ClassificationData<Scalar>? = nil, test: ClassificationData<Scalar>? = nil,
                regularizer: (any Regularizer)? = nil) throws {
        AllocatorTuning.retainFreedMemory()   // steps would page-fault their activations otherwise
        try configuration.validate()
        guard train.count > 0 else { throw TrainingError.invalidConfiguration("the training set is empty") }
        self.model = model
        self.configuration = configuration
        self.train = train
        self.validation = validation
        self.test = test
        mixing = MixingDistribution(alpha: configuration.alpha)
        policy = configuration.method.mixes ? InputMixup(mixing) : NoMixing()
        if configuration.method.regularized {
            self.regularizer = try regularizer ?? RegularizerRegistry.make(
                configuration.regularizer, options: RegularizerOptions(parsing: configuration.regularizerOptions))
        } else {
            self.regularizer = nil
        }
        optimizer = configuration.optimizer.make()
        dataMean = train.mean
        let named = model.namedParameters
        parameters = named.map(\.variable)
        parameterNames = named.map(\.name)
        modes = model.modelModes
        targetsByIndex = configuration.loss.targets(train.labels, classes: train.classCount)
    }

    // MARK: One step

    /// What one optimisation step computed.
    public struct StepResult {
        /// The mixing loss L.
        public var loss: Double
        /// The penalty R (0 without a regularizer).
        public var penalty: Double
        /// κ = |L|/|L + ηR| (1 without a regularizer).
        public var kappa: Double
        /// λ used for this batch (1 without mixing).
        public var lambda: Double
    }

    /// The scalar the step differentiates, κ(L + ηR), with its parts — no parameter update.
    /// Public so tests can check its gradient against finite differences.
    public func objective(clean indices: [Int], partner: [Int], rng: inout SeededGenerator)
        -> (total: Variable<Scalar>, result: StepResult) {
        var clean = batch(indices), partnerBatch = batch(partner)
        if let augmentation {
            augmentation(&clean.inputs, &rng)
            augmentation(&partnerBatch.inputs, &rng)
        }
        let (mixed, lambda) = policy.mix(clean, partner: partnerBatch, using: &rng)
        let needClean = regularizer?.usesCleanLogits ?? false
        let logits: Variable<Scalar>
        var cleanLogits: Variable<Scalar>? = nil
        if needClean && !configuration.method.mixes {
            logits = model(Variable(constant: clean.inputs))   // ERM+R: the training batch is the clean batch
            cleanLogits = logits
        } else if needClean && batchesCleanPass {
            let both = model(Variable(constant: Tensor.concatenating(rows: [mixed.inputs, clean.inputs])))
            logits = both.slicing(rows: 0..<indices.count)
            cleanLogits = both.slicing(rows: indices.count..<(2 * indices.count))
        } else {
            logits = model(Variable(constant: mixed.inputs))
            // A separate clean pass must not move batch-norm running statistics.
            if needClean { cleanLogits = withoutRunningStatisticUpdates { model(Variable(constant: clean.inputs)) } }
        }
        let loss = configuration.loss(logits, mixed.targets)
        guard let regularizer else {
            return (loss, StepResult(loss: Double(loss.scalar), penalty: 0, kappa: 1, lambda: lambda))
        }
        let context = RegularizerContext(model: model, inputs: clean.inputs, targets: clean.targets,
                                         dataMean: dataMean, mixing: mixing, loss: configuration.loss,
                                         cleanLogits: cleanLogits)
        let penalty = regularizer.penalty(context)
        let sum = loss + penalty * Scalar(configuration.eta)
        let kappa: Scalar = sum.scalar == 0 ? 1 : Swift.abs(loss.scalar) / Swift.abs(sum.scalar)
        return (sum * kappa, StepResult(loss: Double(loss.scalar), penalty: Double(penalty.scalar),
                                        kappa: Double(kappa), lambda: lambda))
    }

    /// One optimisation step on the clean batch `indices` with Mixup partner `partner`.
    /// Throws `TrainingError.diverged` (without updating) if the loss or a gradient is not finite.
    @discardableResult
    public func step(clean indices: [Int], partner: [Int], rng: inout SeededGenerator,
                     epoch: Int = 0, batchIndex: Int = 0) throws -> StepResult {
        let (total, result) = objective(clean: indices, partner: partner, rng: &rng)
        guard total.scalar.isFinite else {
            throw diverged(epoch, batchIndex, "loss L = \(result.loss), R = \(result.penalty)")
        }
        let grads = total.gradients()
        for (name, p) in zip(parameterNames, parameters) where !grads[p].isFinite {
            throw diverged(epoch, batchIndex, "non-finite gradient for '\(name)'")
        }
        optimizer.update(parameters, with: grads)
        return result
    }

    /// Whether the clean pass is batched with the mixed pass for this model and configuration.
    public var batchesCleanPass: Bool {
        switch configuration.cleanPass {
        case .automatic: return !model.usesBatchStatistics
        case .batched: return true
        case .separate: return false
        }
    }

    private func withoutRunningStatisticUpdates<R>(_ body: () -> R) -> R {
        let saved = modes.map(\.updatesRunningStatistics)
        for mode in modes { mode.updatesRunningStatistics = false }
        defer { for (mode, value) in zip(modes, saved) { mode.updatesRunningStatistics = value } }
        return body()
    }

    private func batch(_ indices: [Int]) -> TrainingBatch<Scalar> {
        TrainingBatch(inputs: train.features.gathering(rows: indices), targets: targetsByIndex.gathering(rows: indices))
    }

    private func diverged(_ epoch: Int, _ batch: Int, _ detail: String) -> TrainingError {
        let checkpoint = runDirectory.map(\.lastCheckpointURL).flatMap {
            FileManager.default.fileExists(atPath: $0.path) ? $0.path : nil
        }
        return .diverged(epoch: epoch, batch: batch, detail: detail, lastGoodCheckpoint: checkpoint)
    }

    // MARK: Epochs

    /// Trains from the current epoch to `configuration.epochs`, evaluating and checkpointing
    /// after every epoch; returns the full history.
    @discardableResult
    public func run() throws -> [EpochMetrics] {
        ComputeThreads.kernelCount = configuration.threads
        BLAS.threadCount = configuration.blasThreads ?? configuration.threads
        if let runDirectory { try runDirectory.writeJSON(configuration, to: runDirectory.configURL) }
        let loader = BatchLoader(data: train, batchSize: configuration.batchSize, seed: configuration.seed)
        let partnerLoader = BatchLoader(data: train, batchSize: configuration.batchSize, seed: configuration.seed ^ 0x5EC0_4D10_ADE2)
        let progress = ProgressLine()
        for epoch in history.count..<configuration.epochs {
            for mode in modes { mode.isTraining = true }
            let batches = loader.batches(epoch: epoch)
            let partners = configuration.partner == .secondLoader ? partnerLoader.batches(epoch: epoch) : []
            var rng = SeededGenerator(seed: configuration.seed &+ 0xC0FFEE &+ UInt64(epoch) &* 0x2545_F491_4F6C_DD1D)
            var sums = (loss: 0.0, penalty: 0.0, kappa: 0.0)
            let started = ContinuousClock.now
            for (k, indices) in batches.enumerated() {
                let progressEpoch = Double(epoch) + Double(k + 1) / Double(batches.count)
                optimizer.learningRate = configuration.schedule.rate(base: configuration.optimizer.learningRate, epoch: progressEpoch)
                let partner: [Int]
                if configuration.partner == .secondLoader {
                    partner = partners[k]
                } else {
                    partner = rng.permutation(indices.count).map { indices[$0] }
                }
                let r = try step(clean: indices, partner: partner, rng: &rng, epoch: epoch, batchIndex: k)
                sums.loss += r.loss; sums.penalty += r.penalty; sums.kappa += r.kappa
                progress.update("epoch \(epoch + 1)/\(configuration.epochs)  batch \(k + 1)/\(batches.count)  loss \(format(sums.loss / Double(k + 1)))")
            }
            let seconds = (ContinuousClock.now - started).seconds
            progress.clear()
            let n = Double(batches.count)
            let trainEval = evaluate(train)
            let valEval = validation.map(evaluate), testEval = test.map(evaluate)
            let metrics = EpochMetrics(
                epoch: epoch + 1, trainLoss: sums.loss / n, penalty: sums.penalty / n, kappa: sums.kappa / n,
                trainAccuracy: trainEval.accuracy, trainCleanLoss: trainEval.loss,
                validationAccuracy: valEval?.accuracy, validationLoss: valEval?.loss,
                testAccuracy: testEval?.accuracy, testLoss: testEval?.loss,
                learningRate: optimizer.learningRate, trainSeconds: seconds,
                samplesPerSecond: Double(train.count) / max(seconds, 1e-9))
            history.append(metrics)
            log(summaryLine(metrics))
            try saveEpoch(metrics)
        }
        return history
    }

    /// Accuracy and mean clean loss on `data`, in chunks, without recording a tape.
    /// Runs in evaluation mode (running batch-norm statistics, no dropout), then restores the mode.
    public func evaluate(_ data: ClassificationData<Scalar>) -> (accuracy: Double, loss: Double) {
        guard data.count > 0 else { return (0, 0) }
        let saved = modes.map(\.isTraining)
        for mode in modes { mode.isTraining = false }
        defer { for (mode, value) in zip(modes, saved) { mode.isTraining = value } }
        var correct = 0, lossSum = 0.0
        let chunk = 500
        for start in stride(from: 0, to: data.count, by: chunk) {
            let idx = Array(start..<min(start + chunk, data.count))
            let sub = data.subset(idx)
            let logits = model(Variable(constant: sub.features))
            let targets: Tensor<Scalar> = configuration.loss.targets(sub.labels, classes: data.classCount)
            lossSum += Double(configuration.loss(logits, targets).scalar) * Double(idx.count)
            correct += zip(configuration.loss.predictions(logits.value), sub.labels).filter { $0 == $1 }.count
        }
        return (Double(correct) / Double(data.count), lossSum / Double(data.count))
    }

    // MARK: Checkpoints

    private func saveEpoch(_ metrics: EpochMetrics) throws {
        guard let runDirectory else { return }
        try runDirectory.writeMetrics(history)
        let configJSON = String(decoding: try JSONEncoder().encode(configuration), as: UTF8.self)
        let meta = ["epoch": String(metrics.epoch), "configuration": configJSON, "format": "mixuplab-checkpoint-1"]
        try Checkpoint(model: model, optimizer: optimizer, metadata: meta).write(to: runDirectory.lastCheckpointURL)
        if let acc = metrics.validationAccuracy, acc > bestValidationAccuracy {
            bestValidationAccuracy = acc
            try Checkpoint(model: model, optimizer: optimizer, metadata: meta).write(to: runDirectory.bestCheckpointURL)
        }
    }

    /// Continues from a checkpoint written by this trainer: restores parameters, optimizer
    /// state and the epoch counter; the metrics history is reloaded from the run directory.
    public func resume(from url: URL) throws {
        let checkpoint = try Checkpoint<Scalar>.read(from: url)
        guard let epochText = checkpoint.metadata["epoch"], let epoch = Int(epochText) else {
            throw TrainingError.incompatibleCheckpoint("\(url.path) has no 'epoch' metadata (not a MixupLab training checkpoint)")
        }
        if let json = checkpoint.metadata["configuration"],
           let saved = try? JSONDecoder().decode(TrainingConfiguration.self, from: Data(json.utf8)) {
            var a = saved, b = configuration
            a.epochs = 0; b.epochs = 0
            guard a == b else {
                throw TrainingError.incompatibleCheckpoint("\(url.path) was written with a different configuration (only --epochs may change when resuming)")
            }
        }
        try checkpoint.restore(into: model)
        try optimizer.loadState(checkpoint.optimizerState, parameters: parameters)
        let saved = try runDirectory?.readMetrics() ?? []
        history = Array(saved.prefix(epoch))
        if history.count != epoch { history = [] }
        bestValidationAccuracy = history.compactMap(\.validationAccuracy).max() ?? -.infinity
        if history.isEmpty && epoch > 0 {
            throw TrainingError.incompatibleCheckpoint("checkpoint is at epoch \(epoch) but the run directory has no metrics for it")
        }
    }

    private func summaryLine(_ m: EpochMetrics) -> String {
        var parts = ["epoch \(m.epoch)/\(configuration.epochs)", "loss \(format(m.trainLoss))"]
        if regularizer != nil { parts += ["R \(format(m.penalty))", "κ \(format(m.kappa))"] }
        parts.append("train acc \(percent(m.trainAccuracy))")
        if let v = m.validationAccuracy { parts.append("val acc \(percent(v))") }
        if let t = m.testAccuracy { parts.append("test acc \(percent(t))") }
        parts.append(String(format: "%.1fs (%.0f samples/s)", m.trainSeconds, m.samplesPerSecond))
        return parts.joined(separator: "  ")
    }
}

func format(_ x: Double) -> String { String(format: "%.4f", x) }
func percent(_ x: Double) -> String { String(format: "%.2f%%", 100 * x) }

extension Duration {
    /// The duration in seconds.
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) * 1e-18 }
}
