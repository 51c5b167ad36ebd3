import Foundation
import MixupCore
import MixupNN
import MixupRegularizers
import MixupTraining

/// Exact q (eq. 1, JVP) against the cheap q̄ (eq. 2) on the same samples: how well they agree,
/// and what each costs. q = q̄ when E[x̄] = 0 and J_f(x)·x = f(x) (bias-free ReLU nets);
/// biases or smooth activations break the second condition.
public enum QComparison {
    /// Per-sample exact q and approximate q̄ for `model` on the batch `inputs`/`targets`.
    public static func scores<M: Layer>(model: M, inputs: Tensor<M.Scalar>, targets: Tensor<M.Scalar>,
                                        dataMean: Tensor<M.Scalar>, loss: ClassificationLoss)
        -> (exact: [Double], approximate: [Double]) {
        let context = RegularizerContext(model: model, inputs: inputs, targets: targets, dataMean: dataMean,
                                         mixing: MixingDistribution(alpha: 1), loss: loss)
        let exact = ExactQ().perSample(context).value.scalars.map { Double($0) }
        let approximate = ApproximateQ().perSample(context).value.scalars.map { Double($0) }
        return (exact, approximate)
    }

    /// How closely q̄ follows q on one set of samples.
    public struct Agreement: Codable, Equatable, Sendable {
        /// Pearson's r between q and q̄.
        public var pearson: Double
        /// Spearman's ρ between q and q̄.
        public var spearman: Double
        /// Median and mean of |q − q̄| / (|q| + ε).
        public var medianRelativeError: Double
        public var meanRelativeError: Double
        /// max |q − q̄| and max |q| (the scale it is relative to).
        public var maxAbsoluteDifference: Double
        public var maxAbsoluteExact: Double
        /// Fraction of samples where sign(q) = sign(q̄).
        public var signAgreement: Double
    }

    /// Agreement statistics; `epsilon` keeps the relative error finite where q ≈ 0.
    public static func agreement(exact: [Double], approximate: [Double], epsilon: Double = 1e-6) -> Agreement {
        precondition(exact.count == approximate.count, "q and q̄ must have one value per sample each")
        var relative = [Double](), maxDiff = 0.0, maxExact = 0.0, sameSign = 0
        relative.reserveCapacity(exact.count)
        for (q, a) in zip(exact, approximate) {
            relative.append(abs(q - a) / (abs(q) + epsilon))
            maxDiff = max(maxDiff, abs(q - a)); maxExact = max(maxExact, abs(q))
            if (q > 0) == (a > 0) && (q < 0) == (a < 0) { sameSign += 1 }
        }
        let n = Double(max(exact.count, 1))
        return Agreement(pearson: Correlation.pearson(exact, approximate),
                         spearman: Correlation.spearman(exact, approximate),
                         medianRelativeError: Correlation.median(relative),
                         meanRelativeError: relative.reduce(0, +) / n,
                         maxAbsoluteDifference: maxDiff, maxAbsoluteExact: maxExact,
                         signAgreement: Double(sameSign) / n)
    }

    /// Median wall time (seconds) of computing q and q̄ for batches of `batchSize`, alternating
    /// the two on the same batches in the same run so machine load affects both alike.
    public static func timing<M: Layer>(model: M, inputs: Tensor<M.Scalar>, targets: Tensor<M.Scalar>,
                                        dataMean: Tensor<M.Scalar>, loss: ClassificationLoss,
                                        batchSize: Int = 100, repeats: Int = 3) -> (exact: Double, approximate: Double) {
        let n = inputs.shape[0]
        var exactTimes: [Double] = [], approxTimes: [Double] = []
        for _ in 0..<max(repeats, 1) {
            for start in stride(from: 0, to: n, by: batchSize) {
                let rows = start..<min(start + batchSize, n)
                let context = RegularizerContext(model: model, inputs: inputs.slicing(rows: rows),
                                                 targets: targets.slicing(rows: rows), dataMean: dataMean,
                                                 mixing: MixingDistribution(alpha: 1), loss: loss)
                let t0 = ContinuousClock.now
                _ = ExactQ().perSample(context).value
                let t1 = ContinuousClock.now
                _ = ApproximateQ().perSample(context).value
                let t2 = ContinuousClock.now
                exactTimes.append((t1 - t0).seconds)
                approxTimes.append((t2 - t1).seconds)
            }
        }
        return (Correlation.median(exactTimes), Correlation.median(approxTimes))
    }
}

/// The `compare-q` workflow as an observer of an ordinary run (any domain, any model): before
/// training, every `every` epochs and at the end, q and q̄ are compared on a fixed sample of
/// training examples at the mixing point (inputs, or graph readouts).
///
/// Models with batch norm are measured under both semantics side by side, with batch statistics
/// of the scored sample as in a training step: `per-sample` (each sample's tangent through its own
/// normalisation, the q(x_i) of eq. 1 and the trainer's default) and `batch-coupled` (the JVP of
/// the whole batch function; when BN follows a linear layer it normalises the direction away).
public struct QComparisonStudy {
    /// Compare every this many epochs (and always before training and after the last epoch).
    public var every = 5
    /// How many training points to score.
    public var sampleCount = 500
    /// Seed of the sample choice.
    public var sampleSeed: UInt64 = 0
    /// Progress messages.
    public var log: (String) -> Void = { print($0) }

    /// A study with the defaults above.
    public init() {}

    /// One comparison point.
    public struct Checkpoint: Sendable {
        /// Epochs trained so far (0 = at initialisation).
        public var epoch: Int
        /// How batch norm's statistics enter q: "per-sample", "batch-coupled", or "–" without batch norm.
        public var semantics: String
        /// Clean training accuracy (nil at initialisation).
        public var trainAccuracy: Double?
        /// Per-sample q and q̄.
        public var exact: [Double]
        public var approximate: [Double]
        /// Their agreement.
        public var agreement: QComparison.Agreement
        /// Median seconds per batch of 100 for q and for q̄.
        public var exactSeconds: Double
        public var approximateSeconds: Double
    }

    /// Everything the study measured.
    public struct Result: Sendable {
        /// One entry per comparison point (and BN semantics), in epoch order.
        public var checkpoints: [Checkpoint]
        /// ‖E[x̄]‖₂ at the mixing point at the last comparison (eq. (2) needs 0).
        public var meanNorm: Double
        /// Dimension of one sample at the mixing point.
        public var inputDimension: Int
        /// Number of scored samples.
        public var sampleCount: Int
    }

    /// Trains `run` to its configured epochs, comparing q and q̄ along the way.
    public func run(_ run: any TrainingRun<Float>) throws -> Result {
        guard every >= 1 else { throw ExperimentError("compare-q: --every must be ≥ 1, got \(every)") }
        guard sampleCount >= 2 else { throw ExperimentError("compare-q: --samples must be ≥ 2, got \(sampleCount)") }
        var sampleRNG = SeededGenerator(seed: sampleSeed ^ 0x51A_3B1E)
        let picked = Array(sampleRNG.permutation(run.trainingCount).prefix(sampleCount))
        let loss = run.configuration.loss
        var checkpoints: [Checkpoint] = []
        var meanNorm = 0.0, dimension = 0

        func measure(epoch: Int, accuracy: Double?) throws {
            let probe = try run.probe(examples: picked)
            meanNorm = QComparisonStudy.norm(probe.dataMean)
            dimension = probe.dataMean.count
            let model = probe.model
            let hasBatchNorm = !model.namedBuffers.isEmpty
            let settings: [(String, BatchNormTangent?)] = hasBatchNorm
                ? [("per-sample", .fixedStatistics), ("batch-coupled", .batchCoupled)] : [("–", nil)]
            for (name, tangent) in settings {
                let (s, t) = try QComparisonStudy.measure(model, probe: probe, loss: loss, tangent: tangent)
                let a = QComparison.agreement(exact: s.exact, approximate: s.approximate)
                checkpoints.append(Checkpoint(epoch: epoch, semantics: name, trainAccuracy: accuracy, exact: s.exact,
                                              approximate: s.approximate, agreement: a, exactSeconds: t.exact,
                                              approximateSeconds: t.approximate))
                log(String(format: "epoch %d%@: pearson %.6f  spearman %.6f  median rel. err %.3g  sign agreement %.1f%%",
                           epoch, tangent == nil ? "" : " (\(name))", a.pearson, a.spearman, a.medianRelativeError,
                           100 * a.signAgreement))
            }
        }
        let start = run.history.count, epochs = run.configuration.epochs
        try measure(epoch: start, accuracy: run.history.last?.trainAccuracy)
        run.onEpoch.append { metrics in
            if metrics.epoch % every == 0 || metrics.epoch == epochs {
                try measure(epoch: metrics.epoch, accuracy: metrics.trainAccuracy)
            }
        }
        try run.run()
        return Result(checkpoints: checkpoints, meanNorm: meanNorm, inputDimension: dimension, sampleCount: picked.count)
    }

    /// Scores and timings of `model` on the probe: without batch norm in evaluation mode; with it
    /// in training mode (batch statistics of the probe, running statistics untouched) under `tangent`.
    static func measure<M: Layer>(_ model: M, probe: Probe<Float>, loss: ClassificationLoss, tangent: BatchNormTangent?)
        throws -> (scores: (exact: [Double], approximate: [Double]), timing: (exact: Double, approximate: Double))
        where M.Scalar == Float {
        func compute() -> ((exact: [Double], approximate: [Double]), (exact: Double, approximate: Double)) {
            (QComparison.scores(model: model, inputs: probe.inputs, targets: probe.targets, dataMean: probe.dataMean, loss: loss),
             QComparison.timing(model: model, inputs: probe.inputs, targets: probe.targets, dataMean: probe.dataMean, loss: loss))
        }
        guard let tangent else { return model.evaluating { compute() } }
        let modes = model.modelModes
        let saved = modes.map { ($0.isTraining, $0.batchNormTangent) }
        defer { for (mode, s) in zip(modes, saved) { mode.isTraining = s.0; mode.batchNormTangent = s.1 } }
        for mode in modes { mode.isTraining = true; mode.batchNormTangent = tangent }
        return model.withoutUpdatingRunningStatistics { compute() }
    }

    static func norm(_ t: Tensor<Float>) -> Double {
        t.scalars.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
    }
}

/// Tables and the scatter plot of a `compare-q` run.
public enum QComparisonReport {
    /// One row per comparison point.
    public static func markdown(_ result: QComparisonStudy.Result) -> String {
        var table = MarkdownTable(header: ["epoch", "BN q", "train acc", "Pearson r", "Spearman ρ", "median rel. err",
                                           "mean rel. err", "max abs diff", "max abs q", "sign agree",
                                           "exact ms/100", "approx ms/100", "cost ratio"])
        for c in result.checkpoints {
            let a = c.agreement
            table.append([String(c.epoch), c.semantics, c.trainAccuracy.map { String(format: "%.2f%%", 100 * $0) } ?? "–",
                          String(format: "%.6f", a.pearson), String(format: "%.6f", a.spearman),
                          String(format: "%.3g", a.medianRelativeError), String(format: "%.3g", a.meanRelativeError),
                          String(format: "%.3g", a.maxAbsoluteDifference), String(format: "%.3g", a.maxAbsoluteExact),
                          String(format: "%.1f%%", 100 * a.signAgreement),
                          String(format: "%.3f", 1000 * c.exactSeconds), String(format: "%.3f", 1000 * c.approximateSeconds),
                          String(format: "%.2f×", c.exactSeconds / max(c.approximateSeconds, 1e-12))])
        }
        return table.render()
    }

    /// Summary CSV: one line per comparison point.
    public static func summaryCSV(_ result: QComparisonStudy.Result) -> String {
        var csv = CSVTable(header: ["epoch", "bn_semantics", "train_accuracy", "pearson", "spearman", "median_relative_error",
                                    "mean_relative_error", "max_abs_difference", "max_abs_exact", "sign_agreement",
                                    "exact_seconds_per_100", "approximate_seconds_per_100", "mean_norm"])
        for c in result.checkpoints {
            let a = c.agreement
            csv.append(["\(c.epoch)", c.semantics, c.trainAccuracy.map { "\($0)" } ?? ""] + [
                a.pearson, a.spearman, a.medianRelativeError, a.meanRelativeError, a.maxAbsoluteDifference,
                a.maxAbsoluteExact, a.signAgreement, c.exactSeconds, c.approximateSeconds, result.meanNorm].map { "\($0)" })
        }
        return csv.render()
    }

    /// Per-sample CSV: epoch, sample, q, q̄.
    public static func samplesCSV(_ result: QComparisonStudy.Result) -> String {
        var csv = CSVTable(header: ["epoch", "bn_semantics", "sample", "exact_q", "approximate_q"])
        for c in result.checkpoints {
            for (i, (q, a)) in zip(c.exact, c.approximate).enumerated() {
                csv.append(["\(c.epoch)", c.semantics, "\(i)", "\(q)", "\(a)"])
            }
        }
        return csv.render()
    }

    /// Scatter of q̄ against q with the line y = x; one series per comparison point.
    public static func scatter(_ result: QComparisonStudy.Result, title: String) -> SVGPlot {
        var plot = SVGPlot(title: title, xLabel: "exact q = (g(f(x))−y)ᵀ J_f(x)(E[x̄]−x)  (logit units)",
                           yLabel: "approximate q̄ = (y−g(f(x)))ᵀ f(x)")
        plot.showsDiagonal = true
        for c in result.checkpoints {
            plot.series.append(.init(name: c.semantics == "–" ? "epoch \(c.epoch)" : "epoch \(c.epoch), \(c.semantics)", points: zip(c.exact, c.approximate).map { ($0, $1) },
                                     style: .markers))
        }
        return plot
    }
}

