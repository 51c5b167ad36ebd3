import Foundation
import MixupCore
import MixupNN
import MixupRegularizers

/// The one training loop of eq. (5), for every objective: seeded batches and partners, the
/// learning-rate schedule, total = κ(L + ηR) with κ = |L|/|L + ηR| detached, divergence checks,
/// per-epoch evaluation, run directory, checkpoints, exact resume, and observer hooks.
/// ERM, Mixup, ERM+R and MixupE are the same loop with two switches (`Method.mixes`,
/// `Method.regularized`); what a batch costs is the objective's (`InputMixing`, `ReadoutMixing`).
public final class TrainingLoop<Objective: TrainingObjective> {
    /// The precision of model and data (Float for training, Double for gradient checks).
    public typealias Scalar = Objective.Model.Scalar

    /// What a batch costs and how the model is evaluated.
    public var objective: Objective
    /// Method, α, η, optimizer, schedule, seed, epochs, batch size, loss, threads.
    public let configuration: TrainingConfiguration
    /// The optimizer (its state is checkpointed).
    public private(set) var optimizer: any Optimizer<Scalar>
    /// Where per-epoch lines go (stdout by default; `{ _ in }` silences them).
    public var log: (String) -> Void = { print($0) }
    /// Optional run folder for config, metrics and checkpoints.
    public var runDirectory: RunDirectory?
    /// Whether a run with a run directory also writes a TensorBoard event file there (step and
    /// epoch scalars, appended at each epoch's end). Not part of `configuration`: it changes no
    /// number, so a run may resume with it switched.
    public var writesTensorBoard = true
    /// Extra string metadata written into every checkpoint (e.g. the model record `RunSpec` adds
    /// so `evaluate`/`predict` can rebuild the model); the loop's own keys take precedence.
    public var extraCheckpointMetadata: [String: String] = [:]
    /// Metrics of completed epochs.
    public private(set) var history: [EpochMetrics] = []
    /// Called after every optimisation step (e.g. to measure the model every K iterations).
    public var onStep: [(StepEvent) throws -> Void] = []
    /// Called after every epoch's evaluation and checkpoint (e.g. to compare q and q̄).
    public var onEpoch: [(EpochMetrics) throws -> Void] = []

    /// The moving average of the weights when the configuration asks for one (`ema`).
    public let weightAverage: WeightAverage<Scalar>?
    private let parameters: [Variable<Scalar>]
    private let parameterNames: [String]
    private var bestValidationAccuracy = -Double.infinity
    /// The loss of the run's first step (kept in checkpoints): the scale the explosion rule compares with.
    private var firstStepLoss: Double?

    /// A step whose loss exceeds this factor times max(1, the run's first-step loss) stops the run as
    /// diverged: a loss that grew a thousandfold from a freshly initialised model's (e.g. Adam at
    /// lr 1e6 reaching 1e20) is an explosion, not training, even while it is still finite.
    public static var explosionFactor: Double { 1000 }

    /// A loop for `objective` under `configuration` (validated here).
    public init(objective: Objective, configuration: TrainingConfiguration) throws {
        AllocatorTuning.retainFreedMemory()   // steps would page-fault their activations otherwise
        try configuration.validate()
        if configuration.partner == .secondLoader && !objective.allowsPartnersOutsideBatch {
            throw TrainingError.invalidConfiguration("this objective pairs examples within a batch; use --partner permutation")
        }
        self.objective = objective
        self.configuration = configuration
        optimizer = configuration.optimizer.make()
        let named = objective.model.namedParameters
        parameters = named.map(\.variable)
        parameterNames = named.map(\.name)
        weightAverage = configuration.ema.map { WeightAverage(model: objective.model, decay: $0) }
    }

    /// The model being trained.
    public var model: Objective.Model { objective.model }
    /// The penalty of the "+R" arms, nil for ERM and Mixup.
    public var regularizer: (any Regularizer)? { objective.regularizer }

    // MARK: One step

    /// The scalar the step differentiates, κ(L + ηR), with its parts — no parameter update.
    /// Public so tests can check its gradient against finite differences.
    public func objective(clean indices: [Int], partner: [Int], rng: inout SeededGenerator) throws
        -> (total: Variable<Scalar>, result: StepResult) {
        let cost = try objective.cost(batch: indices, partner: partner, rng: &rng)
        let loss = cost.loss
        guard let penalty = cost.penalty else {
            return (loss, StepResult(loss: Double(loss.scalar), penalty: 0, kappa: 1, lambda: cost.lambda))
        }
        let sum = loss + penalty * Scalar(configuration.eta)
        let kappa: Scalar = sum.scalar == 0 ? 1 : Swift.abs(loss.scalar) / Swift.abs(sum.scalar)
        return (sum * kappa, StepResult(loss: Double(loss.scalar), penalty: Double(penalty.scalar),
                                        kappa: Double(kappa), lambda: cost.lambda))
    }

    /// One optimisation step on the clean examples `indices` with Mixup partners `partner`.
    /// Throws `TrainingError.diverged` (without updating) if the loss or a gradient is not finite.
    @discardableResult
    public func step(clean indices: [Int], partner: [Int], rng: inout SeededGenerator,
                     epoch: Int = 0, batchIndex: Int = 0) throws -> StepResult {
        let (total, result) = try objective(clean: indices, partner: partner, rng: &rng)
        guard total.scalar.isFinite else {
            throw diverged(epoch, batchIndex, "the loss is not finite (L = \(result.loss), R = \(result.penalty))")
        }
        let reference = firstStepLoss ?? result.loss
        let limit = Self.explosionFactor * max(1, Swift.abs(reference))
        guard Swift.abs(result.loss) <= limit else {
            throw diverged(epoch, batchIndex, "the loss exploded: L = \(result.loss) exceeds \(Int(Self.explosionFactor)) × "
                           + "max(1, the first step's loss \(reference))")
        }
        let grads = total.gradientsReleasingGraph()   // frees activations during the sweep
        for (name, p) in zip(parameterNames, parameters) where !grads[p].isFinite {
            throw diverged(epoch, batchIndex, "non-finite gradient for '\(name)'")
        }
        optimizer.update(parameters, with: grads)
        for (name, p) in zip(parameterNames, parameters) where !p.value.isFinite {
            throw diverged(epoch, batchIndex, "the update made parameter '\(name)' non-finite (learning rate \(optimizer.learningRate))")
        }
        if firstStepLoss == nil { firstStepLoss = result.loss }
        weightAverage?.update(from: model)
        return result
    }

    private func diverged(_ epoch: Int, _ batch: Int, _ detail: String) -> TrainingError {
        let checkpoint = runDirectory.map(\.lastCheckpointURL).flatMap {
            FileManager.default.fileExists(atPath: $0.path) ? $0.path : nil
        }
        return .diverged(epoch: epoch, batch: batch, detail: detail, lastGoodCheckpoint: checkpoint)
    }

    // MARK: Epochs

    /// The clean batches of epoch `epoch`, in order (indices into the training examples). They
    /// depend only on (seed, epoch), so a run resumed at an epoch boundary sees the same batches.
    public func batches(epoch: Int) -> [[Int]] {
        BatchLoader(count: objective.trainingCount, batchSize: configuration.batchSize, seed: configuration.seed)
            .batches(epoch: epoch)
    }

    /// Trains from the current epoch to `configuration.epochs`, evaluating and checkpointing
    /// after every epoch and calling the observers; returns the full history.
    @discardableResult
    public func run() throws -> [EpochMetrics] {
        ComputeThreads.kernelCount = configuration.threads
        BLAS.threadCount = configuration.blasThreads ?? configuration.threads
        if let runDirectory { try writeRecord(in: runDirectory) }
        let partnerLoader = BatchLoader(count: objective.trainingCount, batchSize: configuration.batchSize,
                                        seed: configuration.seed ^ 0x5EC0_4D10_ADE2)
        let events = writesTensorBoard ? runDirectory.map { TensorBoardEventFile(directory: $0.url) } : nil
        let (regularized, mixes) = (regularizer != nil, configuration.method.mixes)
        // The steps before a divergence or an observer's stop are kept too (epochs flush below).
        defer { try? events?.flush() }
        for epoch in history.count..<configuration.epochs {
            model.setTraining(true)
            let batches = batches(epoch: epoch)
            let partners = configuration.partner == .secondLoader ? partnerLoader.batches(epoch: epoch) : []
            var rng = SeededGenerator(seed: configuration.seed &+ 0xC0FFEE &+ UInt64(epoch) &* 0x2545_F491_4F6C_DD1D)
            var sums = (loss: 0.0, penalty: 0.0, kappa: 0.0), seen = 0
            let progress = ProgressLine(label: "epoch \(epoch + 1)/\(configuration.epochs)", total: batches.count)
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
                seen += indices.count
                progress.update(done: k + 1, items: seen, detail: "loss \(format(sums.loss / Double(k + 1)))"
                                + (self.regularizer == nil ? "" : "  R \(format(sums.penalty / Double(k + 1)))"))
                let event = StepEvent(epoch: epoch, batchIndex: k, batchesPerEpoch: batches.count,
                                      iteration: epoch * batches.count + k + 1, result: r,
                                      learningRate: optimizer.learningRate)
                events?.add(event.tensorBoardScalars(regularized: regularized, mixes: mixes), step: event.iteration)
                for observer in onStep { try observer(event) }
            }
            let seconds = (ContinuousClock.now - started).seconds
            let n = Double(batches.count)
            progress.update(done: batches.count, items: seen, detail: "evaluating", redraw: true)
            guard let trainEval = try objective.evaluate(.train) else {
                throw TrainingError.invalidConfiguration("the training set is empty")
            }
            let valEval = try objective.evaluate(.validation), testEval = try objective.evaluate(.test)
            progress.clear()
            for (name, value) in [("training loss", trainEval.loss), ("validation loss", valEval?.loss),
                                  ("test loss", testEval?.loss), ("training accuracy", trainEval.accuracy),
                                  ("validation accuracy", valEval?.accuracy), ("test accuracy", testEval?.accuracy)] {
                if let value, !value.isFinite {
                    throw diverged(epoch, batches.count - 1, "the \(name) after the epoch is \(value)")
                }
            }
            var metrics = EpochMetrics(
                epoch: epoch + 1, trainLoss: sums.loss / n, penalty: sums.penalty / n, kappa: sums.kappa / n,
                trainAccuracy: trainEval.accuracy, trainCleanLoss: trainEval.loss,
                validationAccuracy: valEval?.accuracy, validationLoss: valEval?.loss,
                testAccuracy: testEval?.accuracy, testLoss: testEval?.loss,
                learningRate: optimizer.learningRate, trainSeconds: seconds,
                samplesPerSecond: Double(objective.trainingCount) / max(seconds, 1e-9))
            if let weightAverage {
                let (val, test) = try weightAverage.withAveragedWeights(in: model) {
                    (try objective.evaluate(.validation), try objective.evaluate(.test))
                }
                metrics.emaValidationAccuracy = val?.accuracy; metrics.emaValidationLoss = val?.loss
                metrics.emaTestAccuracy = test?.accuracy; metrics.emaTestLoss = test?.loss
                for (name, value) in [("EMA validation loss", val?.loss), ("EMA test loss", test?.loss)] {
                    if let value, !value.isFinite {
                        throw diverged(epoch, batches.count - 1, "the \(name) after the epoch is \(value)")
                    }
                }
            }
            history.append(metrics)
            log(summaryLine(metrics))
            try saveEpoch(metrics)
            // After the checkpoint, so a resumed run (which restarts after the last checkpoint)
            // never writes an epoch's events twice; a kill in between loses them instead.
            events?.add(metrics.tensorBoardScalars(regularized: regularized), step: metrics.epoch)
            try events?.flush()
            for observer in onEpoch { try observer(metrics) }
        }
        return history
    }

    /// Accuracy and mean clean loss on `split` in evaluation mode (nil when the split is absent).
    public func evaluate(_ split: DataSplit) throws -> Evaluation? { try objective.evaluate(split) }

    // MARK: Checkpoints

    private var checkpointMetadata: [String: String] {
        get throws {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            let configJSON = String(decoding: try encoder.encode(configuration), as: UTF8.self)
            var metadata = ["epoch": String(history.count), "configuration": configJSON, "format": "mixuplab-checkpoint-1"]
            if let firstStepLoss { metadata["first_step_loss"] = "\(firstStepLoss)" }
            return metadata
        }
    }

    private func saveEpoch(_ metrics: EpochMetrics) throws {
        guard let runDirectory else { return }
        let meta = try checkpointMetadata
        // `best` before `last`: after a kill between the two, the resumed run redoes this epoch
        // (from the older `last`) and rewrites `best`, so `best` is never stale.
        if let acc = metrics.validationAccuracy, acc > bestValidationAccuracy {
            bestValidationAccuracy = acc
            try checkpoint(meta).write(to: runDirectory.bestCheckpointURL)
        }
        try runDirectory.writeMetrics(history)
        try checkpoint(meta).write(to: runDirectory.lastCheckpointURL)
    }

    private func checkpoint(_ metadata: [String: String]) -> Checkpoint<Scalar> {
        var checkpoint = Checkpoint(model: model, optimizer: optimizer,
                                    metadata: metadata.merging(extraCheckpointMetadata) { own, _ in own })
        checkpoint.averagedWeights = weightAverage?.tensors ?? [:]
        return checkpoint
    }

    /// Writes the run record: the one already in the folder (the command line's) with this
    /// run's configuration, or a record of the configuration alone.
    private func writeRecord(in runDirectory: RunDirectory) throws {
        var record = RunRecord(training: configuration)
        if FileManager.default.fileExists(atPath: runDirectory.configURL.path),
           var existing = try? RunRecord.read(from: runDirectory.configURL), existing.format == RunRecord.currentFormat {
            existing.training = configuration
            record = existing
        }
        try runDirectory.writeJSON(record, to: runDirectory.configURL)
    }

    /// Continues from a checkpoint written by this loop: restores parameters, buffers, optimizer
    /// state and the epoch counter; the metrics history is reloaded from the run directory.
    /// Every tensor is checked for shape and finiteness first, so a damaged file is reported as
    /// corrupt (naming file and tensor) and the model is left untouched.
    public func resume(from url: URL) throws {
        let checkpoint: Checkpoint<Scalar>
        do { checkpoint = try Checkpoint<Scalar>.read(from: url) } catch {
            throw TrainingError.corruptCheckpoint("\(url.path): \(error)")
        }
        guard let epochText = checkpoint.metadata["epoch"], let epoch = Int(epochText), epoch >= 0 else {
            throw TrainingError.incompatibleCheckpoint("\(url.path) has no valid 'epoch' metadata (not a MixupLab training checkpoint)")
        }
        guard epoch <= configuration.epochs else {
            throw TrainingError.incompatibleCheckpoint("\(url.path) is at epoch \(epoch), beyond --epochs \(configuration.epochs); "
                                                       + "give --epochs \(epoch) or more to continue it")
        }
        guard let json = checkpoint.metadata["configuration"] else {
            throw TrainingError.incompatibleCheckpoint("\(url.path) records no configuration")
        }
        let saved: TrainingConfiguration
        do {
            saved = try JSONDecoder().decode(TrainingConfiguration.self, from: Data(json.utf8))
        } catch {
            throw TrainingError.incompatibleCheckpoint("\(url.path): its configuration metadata cannot be read (\(error))")
        }
        var a = saved, b = configuration
        a.epochs = 0; b.epochs = 0
        guard a == b else {
            let keys = RunRecord(training: saved).differences(from: RunRecord(training: configuration))
            throw TrainingError.incompatibleCheckpoint("\(url.path) was written with a different configuration "
                                                       + "(only --epochs may change when resuming): \(keys.joined(separator: "; "))")
        }
        var firstLoss: Double?
        if let text = checkpoint.metadata["first_step_loss"] {
            guard let value = Double(text), value.isFinite else {
                throw TrainingError.corruptCheckpoint("\(url.path): metadata 'first_step_loss' is '\(text)', not a finite number")
            }
            firstLoss = value
        }
        do { try checkpoint.checkFinite() } catch { throw TrainingError.corruptCheckpoint("\(url.path): \(error)") }
        do {
            // Check every shape (model, buffers, optimizer, average) before anything is assigned.
            var probe = configuration.optimizer.make() as any Optimizer<Scalar>
            try probe.loadState(checkpoint.optimizerState, parameters: parameters)
            try weightAverage?.checkShapes(checkpoint.averagedWeights)
            try checkpoint.restore(into: model)
            try optimizer.loadState(checkpoint.optimizerState, parameters: parameters)
            try weightAverage?.load(checkpoint.averagedWeights)
        } catch {
            throw TrainingError.incompatibleCheckpoint("\(url.path) does not fit this run: \(error)")
        }
        let saved_ = try runDirectory?.readMetrics() ?? []
        history = Array(saved_.prefix(epoch))
        if history.count != epoch { history = [] }
        bestValidationAccuracy = history.compactMap(\.validationAccuracy).max() ?? -.infinity
        firstStepLoss = firstLoss
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
        if let t = m.emaTestAccuracy ?? m.emaValidationAccuracy { parts.append("EMA \(m.emaTestAccuracy == nil ? "val" : "test") acc \(percent(t))") }
        parts.append(String(format: "%.1fs (%.0f samples/s)", m.trainSeconds, m.samplesPerSecond))
        return parts.joined(separator: "  ")
    }
}

/// What an `onStep` observer sees after one optimisation step.
public struct StepEvent: Sendable {
    /// 0-based epoch of the step.
    public var epoch: Int
    /// 0-based batch within the epoch.
    public var batchIndex: Int
    /// Batches per epoch.
    public var batchesPerEpoch: Int
    /// Optimisation steps taken so far in the run, this one included (1-based).
    public var iteration: Int
    /// L, R, κ and λ of the step.
    public var result: StepResult
    /// The learning rate the step used.
    public var learningRate: Double

    /// Fractional epochs completed after this step.
    public var progress: Double { Double(epoch) + Double(batchIndex + 1) / Double(batchesPerEpoch) }
}

/// What one optimisation step computed (the same for every objective).
public struct StepResult: Equatable, Sendable {
    /// The mixing loss L.
    public var loss: Double
    /// The penalty R (0 without a regularizer).
    public var penalty: Double
    /// κ = |L|/|L + ηR| (1 without a regularizer).
    public var kappa: Double
    /// λ used for this batch (1 without mixing).
    public var lambda: Double
}
