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

    // MARK: BN → ReLU → convolutions, fused

    /// Two convolutions of one activation, as in a PreAct block with a projection shortcut:
    /// 3×3 padding 1 with a bias, and 1×1 stride 2 without.
    struct Convolutions {
        let w1, b1, w2: Variable<Double>
        init(channels: Int, seed: UInt64) {
            var data = TestData(seed: seed)
            w1 = Variable(parameter: data.tensor([2, channels, 3, 3], in: -0.6...0.6))
            b1 = Variable(parameter: data.tensor([2], in: -0.3...0.3))
            w2 = Variable(parameter: data.tensor([3, channels, 1, 1], in: -0.6...0.6))
        }
        var specs: [ConvolutionSpec<Double>] {
            [ConvolutionSpec(weight: w1, bias: b1, stride: 1, padding: 1), ConvolutionSpec(weight: w2, bias: nil, stride: 2, padding: 0)]
        }
        var parameters: [Variable<Double>] { [w1, b1, w2] }
    }

    /// Σ c_k ⊙ conv_k(ReLU(BN(x))) over both convolutions, fused or composed, taped or as a JVP's tangent.
    func convObjective(_ x: Variable<Double>, _ gamma: Variable<Double>, _ beta: Variable<Double>, _ t: Variable<Double>?,
                       _ convs: Convolutions, _ weights: [Variable<Double>], fused: Bool) -> Variable<Double> {
        let outputs: [Variable<Double>]
        if let t {
            let seed = Dual(x, direction: t)
            outputs = (fused ? seed.batchNormalizedReLUConvolutions(scale: gamma, shift: beta, statistics: Self.batch,
                                                                     epsilon: 1e-5, convolutions: convs.specs)
                       : seed.batchNormalized(scale: gamma, shift: beta, statistics: Self.batch, epsilon: 1e-5).relu()
                           .conv2dAll(convs.specs)).map(\.tangent)
        } else {
            outputs = fused ? x.batchNormalizedReLUConvolutions(scale: gamma, shift: beta, statistics: Self.batch,
                                                                 epsilon: 1e-5, convolutions: convs.specs)
                : x.batchNormalized(scale: gamma, shift: beta, statistics: Self.batch, epsilon: 1e-5).relu().conv2dAll(convs.specs)
        }
        return zip(outputs, weights).map { ($0 * $1).sum() }.reduce(Variable(constant: Tensor(0)), +)
    }

    func testFusedConvolutionsMatchTheCompositionAndFiniteDifferences() {
        for asTangent in [false, true] {
            let shape = [3, 2, 5, 4]
            let (x, gamma, beta, t) = inputs(shape, seed: asTangent ? 121 : 120)
            let convs = Convolutions(channels: 2, seed: 122)
            var data = TestData(seed: 123)
            let weights = [data.tensor([3, 2, 5, 4]), data.tensor([3, 3, 3, 2])].map { Variable(constant: $0) }
            let values = [x, gamma, beta, t]
            let leaves = values.map { Variable(parameter: $0) }
            func objective(_ v: [Variable<Double>], fused: Bool) -> Variable<Double> {
                convObjective(v[0], v[1], v[2], asTangent ? v[3] : nil, convs, weights, fused: fused)
            }
            let fusedValue = objective(leaves, fused: true), plainValue = objective(leaves, fused: false)
            XCTAssertEqual(fusedValue.scalar, plainValue.scalar, accuracy: 1e-10 * max(1, Swift.abs(plainValue.scalar)))
            let grads = fusedValue.gradients(), plainGrads = plainValue.gradients()
            let moving = leaves + convs.parameters
            let count = asTangent ? 4 : 3   // the taped case has no tangent input
            for (i, leaf) in moving.enumerated() where i < count || i >= 4 {
                XCTAssertLessThanOrEqual(relativeError(grads[leaf], plainGrads[leaf]), 1e-10,
                                         "tangent \(asTangent): ∂/∂input \(i) differs from the composition's")
                let original = leaf.value
                let numeric = FiniteDifferences.gradient(of: { v in
                    if i < 4 {
                        var xs = values; xs[i] = v
                        return objective(xs.map { Variable(constant: $0) }, fused: true).scalar
                    }
                    leaf.assign(v); defer { leaf.assign(original) }
                    return objective(values.map { Variable(constant: $0) }, fused: true).scalar
                }, at: original)
                let err = relativeError(grads[leaf], numeric)
                XCTAssertLessThanOrEqual(err, 1e-6, "tangent \(asTangent): ∂/∂input \(i) off by \(err)")
            }
        }
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

extension ModelValue {
    /// Each convolution applied to `self` (the unfused composition the fused op must match).
    func conv2dAll(_ specs: [ConvolutionSpec<Scalar>]) -> [Self] {
        specs.map { conv2d(weight: $0.weight, bias: $0.bias, stride: $0.stride, padding: $0.padding) }
    }
}
