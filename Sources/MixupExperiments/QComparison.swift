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
                exactTimes.append((t1 - t0).secondsValue)
                approxTimes.append((t2 - t1).secondsValue)
            }
        }
        return (Correlation.median(exactTimes), Correlation.median(approxTimes))
    }
}

/// The `compare-q` workflow: trains one model (any method) with the standard trainer and, at
/// the start, every `every` epochs and at the end, compares q and q̄ on a fixed training sample.
public struct QComparisonStudy {
    /// Training configuration (method, α, optimizer, epochs, …).
    public var configuration: TrainingConfiguration
    /// MLP hidden widths.
    public var hiddenWidths: [Int] = [128, 128]
    /// MLP activation (ReLU is the setting where eq. (2) can be exact).
    public var activation: Activation = .relu
    /// Linear layers with biases (false: the bias-free condition of eq. (2)).
    public var bias = true
    /// Compare every this many epochs (and always before training and after the last epoch).
    public var every = 5
    /// How many training points to score.
    public var sampleCount = 500
    /// Seed of the sample choice.
    public var sampleSeed: UInt64 = 0
    /// Progress messages.
    public var log: (String) -> Void = { print($0) }

    /// A study with this training configuration.
    public init(configuration: TrainingConfiguration) { self.configuration = configuration }

    /// One comparison point.
    public struct Checkpoint: Sendable {
        /// Epochs trained so far (0 = at initialisation).
        public var epoch: Int
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
        /// One entry per comparison point, in epoch order.
        public var checkpoints: [Checkpoint]
        /// ‖E[x̄]‖₂ of the training data the model saw (eq. (2) needs 0).
        public var meanNorm: Double
        /// Input dimension d (for context in the report).
        public var inputDimension: Int
    }

    /// Runs the study on `data` (train split used for training and for the scored sample).
    public func run(on data: LoadedSplits) throws -> Result {
        guard every >= 1 else { throw ExperimentError("compare-q: --every must be ≥ 1, got \(every)") }
        guard sampleCount >= 2 else { throw ExperimentError("compare-q: --samples must be ≥ 2, got \(sampleCount)") }
        var rng = SeededGenerator(seed: configuration.seed)
        let widths = [data.train.sampleShape.reduce(1, *)] + hiddenWidths
            + [configuration.loss.outputCount(classes: data.train.classCount)]
        let model = MLP<Float>(widths: widths, activation: activation, bias: bias, using: &rng)
        let trainer = try Trainer(model: model, configuration: configuration, train: data.train,
                                  validation: data.validation, test: data.test)
        var sampleRNG = SeededGenerator(seed: sampleSeed ^ 0x51A_3B1E)
        let picked = Array(sampleRNG.permutation(data.train.count).prefix(max(0, sampleCount)))
        let sample = data.train.subset(picked)
        let targets: Tensor<Float> = configuration.loss.targets(sample.labels, classes: sample.classCount)
        let mean = data.train.mean
        let loss = configuration.loss

        var checkpoints: [Checkpoint] = []
        func measure(epoch: Int, accuracy: Double?) {
            let s = QComparison.scores(model: model, inputs: sample.features, targets: targets, dataMean: mean, loss: loss)
            let t = QComparison.timing(model: model, inputs: sample.features, targets: targets, dataMean: mean, loss: loss)
            let a = QComparison.agreement(exact: s.exact, approximate: s.approximate)
            checkpoints.append(Checkpoint(epoch: epoch, trainAccuracy: accuracy, exact: s.exact, approximate: s.approximate,
                                          agreement: a, exactSeconds: t.exact, approximateSeconds: t.approximate))
            log(String(format: "epoch %d: pearson %.6f  spearman %.6f  median rel. err %.3g  sign agreement %.1f%%",
                       epoch, a.pearson, a.spearman, a.medianRelativeError, 100 * a.signAgreement))
        }
        measure(epoch: 0, accuracy: nil)
        // The trainer calls `log` once per finished epoch (after evaluation), so the hook sees
        // the model exactly at epoch boundaries without duplicating the training loop.
        let epochs = configuration.epochs
        trainer.log = { [unowned trainer] line in
            let epoch = trainer.history.count
            self.log(line)
            if epoch % every == 0 || epoch == epochs {
                measure(epoch: epoch, accuracy: trainer.history.last?.trainAccuracy)
            }
        }
        try trainer.run()
        return Result(checkpoints: checkpoints, meanNorm: Self.norm(mean), inputDimension: widths[0])
    }

    static func norm(_ t: Tensor<Float>) -> Double {
        t.scalars.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
    }
}

/// Tables and the scatter plot of a `compare-q` run.
public enum QComparisonReport {
    /// One row per comparison point.
    public static func markdown(_ result: QComparisonStudy.Result) -> String {
        var table = MarkdownTable(header: ["epoch", "train acc", "Pearson r", "Spearman ρ", "median rel. err",
                                           "mean rel. err", "max abs diff", "max abs q", "sign agree",
                                           "exact ms/100", "approx ms/100", "cost ratio"])
        for c in result.checkpoints {
            let a = c.agreement
            table.append([String(c.epoch), c.trainAccuracy.map { String(format: "%.2f%%", 100 * $0) } ?? "–",
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
        var csv = CSVTable(header: ["epoch", "train_accuracy", "pearson", "spearman", "median_relative_error",
                                    "mean_relative_error", "max_abs_difference", "max_abs_exact", "sign_agreement",
                                    "exact_seconds_per_100", "approximate_seconds_per_100", "mean_norm"])
        for c in result.checkpoints {
            let a = c.agreement
            csv.append(["\(c.epoch)", c.trainAccuracy.map { "\($0)" } ?? ""] + [
                a.pearson, a.spearman, a.medianRelativeError, a.meanRelativeError, a.maxAbsoluteDifference,
                a.maxAbsoluteExact, a.signAgreement, c.exactSeconds, c.approximateSeconds, result.meanNorm].map { "\($0)" })
        }
        return csv.render()
    }

    /// Per-sample CSV: epoch, sample, q, q̄.
    public static func samplesCSV(_ result: QComparisonStudy.Result) -> String {
        var csv = CSVTable(header: ["epoch", "sample", "exact_q", "approximate_q"])
        for c in result.checkpoints {
            for (i, (q, a)) in zip(c.exact, c.approximate).enumerated() {
                csv.append(["\(c.epoch)", "\(i)", "\(q)", "\(a)"])
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
            plot.series.append(.init(name: "epoch \(c.epoch)", points: zip(c.exact, c.approximate).map { ($0, $1) },
                                     style: .markers))
        }
        return plot
    }
}

extension Duration {
    /// The duration in seconds as a Double.
    var secondsValue: Double { Double(components.seconds) + Double(components.attoseconds) * 1e-18 }
}
