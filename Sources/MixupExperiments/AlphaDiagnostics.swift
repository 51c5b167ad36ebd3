import Foundation
import MixupCore
import MixupNN
import MixupTraining

/// The paper's eq. (3) decomposition q(x_i) = Σ_k α_{k,i}‖∂f_k(x_i)‖‖E[x̄] − x_i‖ with
/// α_{k,i} = (g(f(x_i)) − y_i)_k · cos(∂f_k(x_i), E[x̄] − x_i). A negative α_{k,i} means Mixup's
/// first-order term pushes ‖∂f_k(x_i)‖ up (Fig. 2).
public enum AlphaDiagnostics {
    /// Logits `[N, D]` and, for every output k, the input gradients ∂f_k(x_i) as `[N, d]`: one
    /// forward pass and D backward passes of Σ_i f_k(x_i) (per-sample gradients separate because
    /// the model has no batch statistics).
    public static func inputGradients<M: Layer>(model: M, inputs: Tensor<M.Scalar>) throws
        -> (logits: Tensor<M.Scalar>, gradients: [Tensor<M.Scalar>]) {
        guard !model.usesBatchStatistics else {
            throw ExperimentError("α diagnostics need per-sample input gradients; this model couples samples through batch statistics")
        }
        let n = inputs.shape[0]
        let x = Variable(differentiable: inputs.reshaped([n, inputs.count / max(n, 1)]))
        let logits = model(x.reshaped(inputs.shape))
        let d = logits.shape[1]
        var gradients: [Tensor<M.Scalar>] = []
        for k in 0..<d {
            let selected = (logits * Variable(constant: columnMask(rows: n, columns: d, column: k))).sum()
            gradients.append(selected.gradients()[x])
        }
        return (logits.value, gradients)
    }

    /// α_{k,i} as `[N, D]` for the clean batch `inputs` with one-hot (or 0/1) `targets`.
    public static func alphas<M: Layer>(model: M, inputs: Tensor<M.Scalar>, targets: Tensor<M.Scalar>,
                                        dataMean: Tensor<M.Scalar>, loss: ClassificationLoss) throws -> Tensor<M.Scalar> {
        let (logits, gradients) = try inputGradients(model: model, inputs: inputs)
        let residual = loss.link(Variable(constant: logits)).value - targets
        let n = inputs.shape[0]
        let direction = (Tensor(zeros: inputs.shape) + dataMean.reshaped([1] + dataMean.shape) - inputs)
            .reshaped([n, inputs.count / max(n, 1)])
        var cosines: [Tensor<M.Scalar>] = []
        for g in gradients { cosines.append(rowCosines(g, direction)) }
        return alphaMatrix(residual: residual, cosines: cosines)
    }

    /// Summary of one α matrix: the minimum over k and i, the fraction of negative entries, the mean.
    public static func summary<S: TensorScalar>(_ alphas: Tensor<S>) -> (minimum: Double, fractionNegative: Double, mean: Double) {
        summarize(alphas)
    }
}

/// A `[rows, columns]` matrix of zeros with ones in `column` (selects f_k for the backward pass).
@_specialize(where T == Float) @_specialize(where T == Double)
func columnMask<T: TensorScalar>(rows: Int, columns: Int, column: Int) -> Tensor<T> {
    var mask = [T](repeating: 0, count: rows * columns)
    for i in 0..<rows { mask[i * columns + column] = 1 }
    return Tensor(shape: [rows, columns], scalars: mask)
}

/// cos(a_i, b_i) for every row i of two `[N, d]` matrices (0 where either row is zero).
@_specialize(where T == Float) @_specialize(where T == Double)
func rowCosines<T: TensorScalar>(_ a: Tensor<T>, _ b: Tensor<T>) -> Tensor<T> {
    let n = a.shape[0], d = a.count / max(n, 1)
    var out = [T](repeating: 0, count: n)
    a.withUnsafeBufferPointer { pa in
        b.withUnsafeBufferPointer { pb in
            for i in 0..<n {
                var dot = 0.0, na = 0.0, nb = 0.0
                for j in 0..<d {
                    let x = Double(pa[i * d + j]), y = Double(pb[i * d + j])
                    dot += x * y; na += x * x; nb += y * y
                }
                out[i] = na > 0 && nb > 0 ? T(dot / (na.squareRoot() * nb.squareRoot())) : 0
            }
        }
    }
    return Tensor(shape: [n], scalars: out)
}

/// α_{k,i} = residual_{i,k} · cos_k[i], as `[N, D]`.
@_specialize(where T == Float) @_specialize(where T == Double)
func alphaMatrix<T: TensorScalar>(residual: Tensor<T>, cosines: [Tensor<T>]) -> Tensor<T> {
    let n = residual.shape[0], d = residual.shape[1]
    var out = [T](repeating: 0, count: n * d)
    residual.withUnsafeBufferPointer { r in
        for k in 0..<d {
            cosines[k].withUnsafeBufferPointer { c in
                for i in 0..<n { out[i * d + k] = r[i * d + k] * c[i] }
            }
        }
    }
    return Tensor(shape: [n, d], scalars: out)
}

/// Minimum, fraction negative and mean of all entries.
@_specialize(where T == Float) @_specialize(where T == Double)
func summarize<T: TensorScalar>(_ t: Tensor<T>) -> (minimum: Double, fractionNegative: Double, mean: Double) {
    t.withUnsafeBufferPointer { p in
        guard !p.isEmpty else { return (.nan, .nan, .nan) }
        var lo = Double.infinity, negative = 0, sum = 0.0
        for v in p {
            let x = Double(v)
            lo = Swift.min(lo, x); sum += x
            if x < 0 { negative += 1 }
        }
        return (lo, Double(negative) / Double(p.count), sum / Double(p.count))
    }
}

/// The `diagnose-alpha` workflow (paper Fig. 2) as an observer of an ordinary run (any domain):
/// before training and every `every` iterations, α is computed over a fixed sample of training
/// examples at the mixing point, with the model in evaluation mode (per-sample input gradients).
public struct AlphaDiagnosticsStudy {
    /// Measure every this many iterations (and before the first).
    public var every = 10
    /// Size of the fixed diagnostic batch.
    public var sampleCount = 100
    /// Seed of the sample choice.
    public var sampleSeed: UInt64 = 0
    /// Progress messages.
    public var log: (String) -> Void = { print($0) }

    /// A study with the defaults above.
    public init() {}

    /// One measurement.
    public struct Point: Codable, Equatable, Sendable {
        /// Optimisation steps taken so far.
        public var iteration: Int
        /// Epoch of that step (fractional).
        public var epoch: Double
        /// min over k, i of α_{k,i}.
        public var minimum: Double
        /// Fraction of (k, i) with α_{k,i} < 0.
        public var fractionNegative: Double
        /// Mean α.
        public var mean: Double
    }

    /// Trains `run` to its configured epochs and returns the α trace.
    public func run(_ run: any TrainingRun<Float>) throws -> [Point] {
        guard every >= 1 else { throw ExperimentError("diagnose-alpha: --every must be ≥ 1, got \(every)") }
        guard sampleCount >= 1 else { throw ExperimentError("diagnose-alpha: --samples must be ≥ 1, got \(sampleCount)") }
        var pickRNG = SeededGenerator(seed: sampleSeed ^ 0xA1FA)
        let picked = Array(pickRNG.permutation(run.trainingCount).prefix(sampleCount))
        let loss = run.configuration.loss
        var points: [Point] = []
        func measure(_ iteration: Int, _ epoch: Double) throws {
            let probe = try run.probe(examples: picked)
            let a = try AlphaDiagnosticsStudy.alphas(probe.model, probe: probe, loss: loss)
            let s = AlphaDiagnostics.summary(a)
            points.append(Point(iteration: iteration, epoch: epoch, minimum: s.minimum,
                                fractionNegative: s.fractionNegative, mean: s.mean))
        }
        // A resumed run starts after `start` full epochs of equally many batches.
        let start = run.history.count
        let batchesPerEpoch = (run.trainingCount + run.configuration.batchSize - 1) / run.configuration.batchSize
        run.onStep.append { event in
            if event.iteration % every == 0 { try measure(event.iteration, event.progress) }
        }
        run.onEpoch.append { metrics in
            if let p = points.last {
                log(String(format: "epoch %d: iteration %d, min α %.4g, %.1f%% of α negative",
                           metrics.epoch, p.iteration, p.minimum, 100 * p.fractionNegative))
            }
        }
        try measure(start * batchesPerEpoch, Double(start))
        try run.run()
        return points
    }

    /// α for the probe, with the model in evaluation mode.
    static func alphas<M: Layer>(_ model: M, probe: Probe<Float>, loss: ClassificationLoss) throws -> Tensor<Float>
        where M.Scalar == Float {
        try model.evaluating {
            try AlphaDiagnostics.alphas(model: model, inputs: probe.inputs, targets: probe.targets,
                                        dataMean: probe.dataMean, loss: loss)
        }
    }
}

/// CSV and plot of an α trace.
public enum AlphaDiagnosticsReport {
    /// iteration, epoch, min α, fraction negative, mean α.
    public static func csv(_ points: [AlphaDiagnosticsStudy.Point]) -> String {
        var csv = CSVTable(header: ["iteration", "epoch", "min_alpha", "fraction_negative", "mean_alpha"])
        for p in points { csv.append(numbers: [Double(p.iteration), p.epoch, p.minimum, p.fractionNegative, p.mean]) }
        return csv.render()
    }

    /// Line plot of min α (and mean α) against the iteration, with the zero line.
    public static func plot(_ points: [AlphaDiagnosticsStudy.Point], title: String) -> SVGPlot {
        var plot = SVGPlot(title: title, xLabel: "iteration (optimisation steps)", yLabel: "α (dimensionless)")
        plot.showsZeroLine = true
        plot.series = [
            .init(name: "min over k, i", points: points.map { (Double($0.iteration), $0.minimum) }),
            .init(name: "mean over k, i", points: points.map { (Double($0.iteration), $0.mean) }),
        ]
        return plot
    }
}
