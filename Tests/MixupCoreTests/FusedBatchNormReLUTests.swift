import MixupCore
import MixupTestSupport
import XCTest

/// Batch norm + ReLU fused (`batchNormalizedReLU`): values, gradients, the fixed-statistics tangent
/// and the gradient of that tangent, each against the unfused composition and against central
/// finite differences in Float64.
final class FusedBatchNormReLUTests: XCTestCase {
    static let batch = NormalizationStatistics<Double>.batch(tangent: .fixedStatistics)
    static let shapes: [[Int]] = [[4, 3, 2, 3], [5, 2]]

    /// x, γ, β and a tangent t for one shape; γ away from zero, β small so ReLU cuts both ways.
    func inputs(_ shape: [Int], seed: UInt64) -> (x: Tensor<Double>, gamma: Tensor<Double>, beta: Tensor<Double>, t: Tensor<Double>) {
        var data = TestData(seed: seed)
        let c = shape[1]
        return (data.tensor(shape), data.tensor([c], in: 0.5...1.5), data.tensor([c], in: -0.4...0.4),
                data.tensor(shape, in: -1...1))
    }

    func testFusedForwardAndGradientsEqualTheComposition() {
        for (k, shape) in Self.shapes.enumerated() {
            let (x, gamma, beta, _) = inputs(shape, seed: 40 + UInt64(k))
            var data = TestData(seed: 50 + UInt64(k))
            let weights = Variable(constant: data.tensor(shape))
            let leaves = [x, gamma, beta].map { Variable(parameter: $0) }
            let fused = leaves[0].batchNormalizedReLU(scale: leaves[1], shift: leaves[2], statistics: Self.batch, epsilon: 1e-5)
            let plain = leaves[0].batchNormalized(scale: leaves[1], shift: leaves[2], statistics: Self.batch, epsilon: 1e-5).relu()
            XCTAssertLessThanOrEqual(relativeError(fused.value, plain.value), 1e-12, "\(shape): forward")
            XCTAssertTrue(fused.value.scalars.contains(0) && fused.value.scalars.contains { $0 > 0 },
                          "\(shape): ReLU should cut some entries and pass others")
            let gFused = (fused * weights).sum().gradients(), gPlain = (plain * weights).sum().gradients()
            for (i, leaf) in leaves.enumerated() {
                XCTAssertLessThanOrEqual(relativeError(gFused[leaf], gPlain[leaf]), 1e-12, "\(shape): gradient of input \(i)")
            }
        }
    }

    func testFusedGradientMatchesFiniteDifferences() {
        for (k, shape) in Self.shapes.enumerated() {
            let (x, gamma, beta, _) = inputs(shape, seed: 60 + UInt64(k))
            var data = TestData(seed: 70 + UInt64(k))
            let weights = data.tensor(shape)
            func loss(_ xs: [Tensor<Double>]) -> Double {
                let v = xs.map { Variable(constant: $0) }
                return (v[0].batchNormalizedReLU(scale: v[1], shift: v[2], statistics: Self.batch, epsilon: 1e-5).value * weights).sum()
            }
            let values = [x, gamma, beta], leaves = values.map { Variable(parameter: $0) }
            let grads = (leaves[0].batchNormalizedReLU(scale: leaves[1], shift: leaves[2], statistics: Self.batch, epsilon: 1e-5)
                         * Variable(constant: weights)).sum().gradients()
            for i in 0..<3 {
                let numeric = FiniteDifferences.gradient(of: { xi in var xs = values; xs[i] = xi; return loss(xs) }, at: values[i])
                let err = relativeError(grads[leaves[i]], numeric)
                XCTAssertLessThanOrEqual(err, 1e-6, "\(shape): gradient of input \(i) off by \(err)")
            }
        }
    }

    /// The fused tangent is the JVP of x ↦ ReLU((x − μ₀)/√(σ₀² + ε)·γ + β) with the batch statistics
    /// frozen at the base point, and equals the composition's tangent.
    func testFusedTangentIsTheFrozenStatisticsJVPAndEqualsTheComposition() {
        for (k, shape) in Self.shapes.enumerated() {
            let (x, gamma, beta, t) = inputs(shape, seed: 80 + UInt64(k))
            let (g, b) = (Variable(constant: gamma), Variable(constant: beta))
            let seed = Dual(Variable(constant: x), direction: Variable(constant: t))
            let fused = seed.batchNormalizedReLU(scale: g, shift: b, statistics: Self.batch, epsilon: 1e-5)
            let plain = seed.batchNormalized(scale: g, shift: b, statistics: Self.batch, epsilon: 1e-5).relu()
            XCTAssertLessThanOrEqual(relativeError(fused.primal.value, plain.primal.value), 1e-12, "\(shape): primal")
            XCTAssertLessThanOrEqual(relativeError(fused.tangent.value, plain.tangent.value), 1e-12, "\(shape): tangent")

            let (mean, variance) = frozenStatistics(x)
            let frozen = NormalizationStatistics<Double>.running(mean: mean, variance: variance)
            let numeric = FiniteDifferences.directional(of: { xs in
                Variable(constant: xs[0]).batchNormalized(scale: g, shift: b, statistics: frozen, epsilon: 1e-5).relu().value
            }, at: [x], along: [t], step: 1e-5)
            let err = relativeError(fused.tangent.value, numeric)
            XCTAssertLessThanOrEqual(err, 1e-6, "\(shape): tangent off by \(err)")
        }
    }

    /// Reverse over forward: ∂/∂(x, γ, β, t) of Σ c ⊙ tangent, with the statistics recomputed at
    /// every perturbed x, against finite differences and against the composition's gradient.
    func testGradientOfFusedTangentMatchesFiniteDifferencesAndTheComposition() {
        for (k, shape) in Self.shapes.enumerated() {
            let (x, gamma, beta, t) = inputs(shape, seed: 90 + UInt64(k))
            var data = TestData(seed: 100 + UInt64(k))
            let c = Variable(constant: data.tensor(shape))
            func objective(_ v: [Variable<Double>], fused: Bool) -> Variable<Double> {
                let seed = Dual(v[0], direction: v[3])
                let out = fused ? seed.batchNormalizedReLU(scale: v[1], shift: v[2], statistics: Self.batch, epsilon: 1e-5)
                    : seed.batchNormalized(scale: v[1], shift: v[2], statistics: Self.batch, epsilon: 1e-5).relu()
                return (out.tangent * c).sum()
            }
            let values = [x, gamma, beta, t], leaves = values.map { Variable(parameter: $0) }
            let grads = objective(leaves, fused: true).gradients()
            let plainLeaves = values.map { Variable(parameter: $0) }
            let plainGrads = objective(plainLeaves, fused: false).gradients()
            for i in 0..<4 {
                let numeric = FiniteDifferences.gradient(of: { xi in
                    var xs = values; xs[i] = xi
                    return objective(xs.map { Variable(constant: $0) }, fused: true).scalar
                }, at: values[i])
                let err = relativeError(grads[leaves[i]], numeric)
                XCTAssertLessThanOrEqual(err, 1e-6, "\(shape): ∂/∂input \(i) off by \(err)")
                XCTAssertLessThanOrEqual(relativeError(grads[leaves[i]], plainGrads[plainLeaves[i]]), 1e-10,
                                         "\(shape): ∂/∂input \(i) differs from the composition's")
            }
            XCTAssertGreaterThan(grads[leaves[0]].scalars.map(Swift.abs).max() ?? 0, 1e-3,
                                 "\(shape): the tangent must depend on x through the batch variance")
        }
    }

    /// Running statistics (evaluation mode) take the composition, so the fused entry point agrees there too.
    func testRunningStatisticsFallBackToTheComposition() {
        let (x, gamma, beta, t) = inputs([3, 2, 2, 2], seed: 110)
        let stats = NormalizationStatistics<Double>.running(mean: Tensor(shape: [2], scalars: [0.2, -0.1]),
                                                            variance: Tensor(shape: [2], scalars: [0.7, 1.3]))
        let (g, b) = (Variable(constant: gamma), Variable(constant: beta))
        let seed = Dual(Variable(constant: x), direction: Variable(constant: t))
        let fused = seed.batchNormalizedReLU(scale: g, shift: b, statistics: stats, epsilon: 1e-5)
        let plain = seed.batchNormalized(scale: g, shift: b, statistics: stats, epsilon: 1e-5).relu()
        XCTAssertEqual(fused.primal.value, plain.primal.value)
        XCTAssertEqual(fused.tangent.value, plain.tangent.value)
    }

    /// Per-channel mean and biased variance of x, by direct loops.
    func frozenStatistics(_ x: Tensor<Double>) -> (Tensor<Double>, Tensor<Double>) {
        let n = x.shape[0], c = x.shape[1], rest = x.count / (n * c)
        var mean = [Double](repeating: 0, count: c), variance = [Double](repeating: 0, count: c)
        for ch in 0..<c {
            var values: [Double] = []
            for i in 0..<n { for k in 0..<rest { values.append(x.scalars[(i * c + ch) * rest + k]) } }
            mean[ch] = values.reduce(0, +) / Double(values.count)
            variance[ch] = values.map { ($0 - mean[ch]) * ($0 - mean[ch]) }.reduce(0, +) / Double(values.count)
        }
        return (Tensor(shape: [c], scalars: mean), Tensor(shape: [c], scalars: variance))
    }
}
