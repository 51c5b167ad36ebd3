import MixupCore
import MixupTestSupport
import XCTest

/// The image ops (convolution, pooling, batch normalization, flatten): forward values against
/// direct loops, gradients and tangents against central finite differences in Float64, and the
/// gradient of a JVP through a small conv net (reverse-over-forward).
final class ConvolutionGradientTests: XCTestCase {
    struct Case {
        let name: String
        let shapes: [[Int]]
        let taped: ([Variable<Double>]) -> Variable<Double>
        let dual: ([Dual<Double>]) -> Dual<Double>
    }

    /// x ⋆ W + b with all three moving: conv is bilinear, so the tangent is
    /// conv(t_x, W) + conv(x, t_W) + t_b; the x-part comes from the Dual API under test.
    static func convDual(_ d: [Dual<Double>], stride: Int, padding: Int) -> Dual<Double> {
        let xPart = d[0].conv2d(weight: d[1].primal, bias: d[2].primal, stride: stride, padding: padding)
        let wPart = Variable.conv2d(d[0].primal, weight: d[1].tangent, bias: nil, stride: stride, padding: padding)
        let bPart = d[2].tangent.reshaped([1, d[2].shape[0], 1, 1]) + Variable(constant: Tensor(zeros: xPart.shape))
        return Dual(primal: xPart.primal, tangent: xPart.tangent + wPart + bPart)
    }

    static func conv(_ stride: Int, _ padding: Int, x: [Int], w: [Int]) -> Case {
        Case(name: "conv2d-s\(stride)-p\(padding)-\(x)-\(w)", shapes: [x, w, [w[0]]],
             taped: { .conv2d($0[0], weight: $0[1], bias: $0[2], stride: stride, padding: padding) },
             dual: { convDual($0, stride: stride, padding: padding) })
    }

    static let cases: [Case] = [
        conv(1, 0, x: [2, 3, 5, 5], w: [4, 3, 3, 3]),
        conv(1, 1, x: [2, 3, 5, 4], w: [4, 3, 3, 3]),
        conv(2, 0, x: [2, 2, 7, 6], w: [3, 2, 3, 2]),
        conv(2, 1, x: [3, 2, 6, 6], w: [3, 2, 3, 3]),
        conv(1, 0, x: [2, 4, 3, 3], w: [5, 4, 1, 1]),
        Case(name: "maxpool-k2-s2", shapes: [[2, 3, 6, 5]],
             taped: { $0[0].maxPool2d(kernel: 2, stride: 2) }, dual: { $0[0].maxPool2d(kernel: 2, stride: 2, padding: 0) }),
        Case(name: "maxpool-k3-s2-p1", shapes: [[2, 2, 7, 7]],
             taped: { $0[0].maxPool2d(kernel: 3, stride: 2, padding: 1) },
             dual: { $0[0].maxPool2d(kernel: 3, stride: 2, padding: 1) }),
        Case(name: "avgpool-k2-s2", shapes: [[2, 3, 6, 5]],
             taped: { $0[0].avgPool2d(kernel: 2, stride: 2) }, dual: { $0[0].avgPool2d(kernel: 2, stride: 2, padding: 0) }),
        Case(name: "avgpool-k3-s1-p1", shapes: [[2, 2, 5, 4]],
             taped: { $0[0].avgPool2d(kernel: 3, stride: 1, padding: 1) },
             dual: { $0[0].avgPool2d(kernel: 3, stride: 1, padding: 1) }),
        Case(name: "global-avgpool", shapes: [[3, 4, 3, 5]],
             taped: { $0[0].globalAvgPool2d() }, dual: { $0[0].globalAvgPool2d() }),
        Case(name: "flatten", shapes: [[3, 2, 3, 4]],
             taped: { $0[0].reshaped([3, 24]) }, dual: { $0[0].reshaped([3, 24]) }),
        Case(name: "batchnorm-train-coupled-nchw", shapes: [[4, 3, 2, 3], [3], [3]],
             taped: { $0[0].batchNormalized(scale: $0[1], shift: $0[2], statistics: .batch(tangent: .batchCoupled), epsilon: 1e-5) },
             dual: { bnDual($0, .batch(tangent: .batchCoupled)) }),
        Case(name: "batchnorm-train-coupled-nc", shapes: [[5, 3], [3], [3]],
             taped: { $0[0].batchNormalized(scale: $0[1], shift: $0[2], statistics: .batch(tangent: .batchCoupled), epsilon: 1e-5) },
             dual: { bnDual($0, .batch(tangent: .batchCoupled)) }),
        Case(name: "batchnorm-eval", shapes: [[4, 3, 2, 3], [3], [3]],
             taped: { $0[0].batchNormalized(scale: $0[1], shift: $0[2], statistics: runningStats, epsilon: 1e-5) },
             dual: { bnDual($0, runningStats) }),
    ]

    static let runningStats = NormalizationStatistics<Double>.running(
        mean: Tensor(shape: [3], scalars: [0.3, -0.2, 0.1]), variance: Tensor(shape: [3], scalars: [0.5, 1.5, 2.0]))

    /// BN with x, γ, β all moving. γ and β enter affinely: y = x̂·γ + β, so their tangents add
    /// x̂·t_γ + t_β with x̂ the normalized value (the output with γ = 1, β = 0).
    static func bnDual(_ d: [Dual<Double>], _ stats: NormalizationStatistics<Double>) -> Dual<Double> {
        let xPart = d[0].batchNormalized(scale: d[1].primal, shift: d[2].primal, statistics: stats, epsilon: 1e-5)
        let c = d[1].shape[0], b = [c] + [Int](repeating: 1, count: d[0].shape.count - 2)
        let normalized = d[0].primal.batchNormalized(scale: Variable(constant: Tensor(repeating: 1, shape: [c])),
                                                     shift: Variable(constant: Tensor(zeros: [c])),
                                                     statistics: stats, epsilon: 1e-5)
        return Dual(primal: xPart.primal,
                    tangent: xPart.tangent + normalized * d[1].tangent.reshaped(b) + d[2].tangent.reshaped(b))
    }

    func testEveryImageOpGradientMatchesFiniteDifferences() {
        forEachConvolutionAlgorithm { algorithm in
        var data = TestData(seed: 21)
        for c in Self.cases {
            let inputs = c.shapes.map { data.tensor($0) }
            let outShape = c.taped(inputs.map { Variable(constant: $0) }).shape
            let weights = data.tensor(outShape)
            func loss(_ xs: [Tensor<Double>]) -> Double {
                (c.taped(xs.map { Variable(constant: $0) }).value * weights).sum()
            }
            let leaves = inputs.map { Variable(parameter: $0) }
            let grads = (c.taped(leaves) * Variable(constant: weights)).sum().gradients()
            for (k, x) in inputs.enumerated() {
                let numeric = FiniteDifferences.gradient(of: { xk in var xs = inputs; xs[k] = xk; return loss(xs) }, at: x)
                let err = relativeError(grads[leaves[k]], numeric)
                XCTAssertLessThanOrEqual(err, 1e-6, "\(c.name) (\(algorithm)): gradient of input \(k) off by \(err)")
            }
        }
        }
    }

    func testEveryImageOpTangentMatchesFiniteDifferences() {
        forEachConvolutionAlgorithm { algorithm in
        var data = TestData(seed: 22)
        for c in Self.cases {
            let inputs = c.shapes.map { data.tensor($0) }
            let directions = c.shapes.map { data.tensor($0, in: -1...1) }
            let duals = zip(inputs, directions).map { Dual(Variable(constant: $0), direction: Variable(constant: $1)) }
            let jvp = c.dual(duals)
            let numeric = FiniteDifferences.directional(of: { xs in c.taped(xs.map { Variable(constant: $0) }).value },
                                                        at: inputs, along: directions, step: 1e-5)
            let primalErr = relativeError(jvp.primal.value, c.taped(inputs.map { Variable(constant: $0) }).value)
            XCTAssertLessThanOrEqual(primalErr, 1e-12, "\(c.name): primal")
            let err = relativeError(jvp.tangent.value, numeric)
            XCTAssertLessThanOrEqual(err, 1e-6, "\(c.name) (\(algorithm)): tangent off by \(err)")
        }
        }
    }

    // MARK: Forward values against direct loops

    func testConvolutionForwardMatchesDirectLoopsForStridesAndPadding() {
        var data = TestData(seed: 23)
        for (s, p) in [(1, 0), (1, 1), (2, 0), (2, 1), (3, 2)] {
            let x = data.tensor([3, 2, 9, 7]), w = data.tensor([4, 2, 3, 2]), b = data.tensor([4])
            let y = Variable.conv2d(Variable(constant: x), weight: Variable(constant: w), bias: Variable(constant: b),
                                    stride: s, padding: p)
            let expected = referenceConvolution(x, w, b, stride: s, padding: p)
            XCTAssertEqual(y.shape, expected.shape, "stride \(s) padding \(p)")
            XCTAssertLessThanOrEqual(relativeError(y.value, expected), 1e-12, "stride \(s) padding \(p)")
        }
    }

    func testLargeBatchConvolutionSplitsIntoChunksWithoutChangingResults() {
        // The im2col budget holds fewer patch rows than one sample here, so 70 samples run as many chunks.
        var data = TestData(seed: 24)
        let x = data.tensor([70, 1, 36, 36]), w = data.tensor([2, 1, 9, 9]), b = data.tensor([2])
        let y = Variable.conv2d(Variable(constant: x), weight: Variable(constant: w), bias: Variable(constant: b))
        XCTAssertLessThanOrEqual(relativeError(y.value, referenceConvolution(x, w, b, stride: 1, padding: 0)), 1e-12)
    }

    func testPoolingForwardMatchesDirectLoops() {
        var data = TestData(seed: 25)
        let x = data.tensor([2, 3, 7, 6])
        let (k, s, p) = (3, 2, 1)
        let oh = (7 + 2 * p - k) / s + 1, ow = (6 + 2 * p - k) / s + 1
        var maxExpected = [Double](), avgExpected = [Double]()
        for plane in 0..<6 { for y in 0..<oh { for z in 0..<ow {
            var m = -Double.infinity, sum = 0.0
            for ky in 0..<k { for kx in 0..<k {
                let iy = y * s - p + ky, ix = z * s - p + kx
                if iy >= 0 && iy < 7 && ix >= 0 && ix < 6 { let v = x.scalars[(plane * 7 + iy) * 6 + ix]; m = max(m, v); sum += v }
            }}
            maxExpected.append(m); avgExpected.append(sum / Double(k * k))
        }}}
        let xv = Variable(constant: x)
        XCTAssertEqual(xv.maxPool2d(kernel: k, stride: s, padding: p).value.scalars, maxExpected)
        XCTAssertLessThanOrEqual(relativeError(xv.avgPool2d(kernel: k, stride: s, padding: p).value,
                                               Tensor(shape: [2, 3, oh, ow], scalars: avgExpected)), 1e-14)
    }

    func testBatchNormTrainModeNormalizesEachChannelToZeroMeanUnitVariance() {
        var data = TestData(seed: 26)
        let x = data.tensor([6, 2, 3, 3], in: 1...5)
        let y = Variable(constant: x).batchNormalized(scale: Variable(constant: Tensor(repeating: 1, shape: [2])),
                                                      shift: Variable(constant: Tensor(zeros: [2])),
                                                      statistics: .batch(tangent: .fixedStatistics), epsilon: 0)
        for ch in 0..<2 {
            var values = [Double]()
            for i in 0..<6 { for k in 0..<9 { values.append(y.value.scalars[(i * 2 + ch) * 9 + k]) } }
            let mean = values.reduce(0, +) / 54
            let variance = values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 54
            XCTAssertEqual(mean, 0, accuracy: 1e-12)
            XCTAssertEqual(variance, 1, accuracy: 1e-12)
        }
    }

    // MARK: BatchNorm tangent semantics

    /// The fixed-statistics tangent is the JVP of the per-sample map x ↦ (x − μ₀)/√(σ₀² + ε)·γ + β
    /// with μ₀, σ₀² the batch statistics at the base point — written here with direct loops.
    func testBatchNormFixedStatisticsTangentIsThePerSampleJVPWithFrozenStatistics() {
        var data = TestData(seed: 27)
        let (n, c, s) = (4, 3, 5)
        let x = data.tensor([n, c, 1, s]), v = data.tensor([n, c, 1, s], in: -1...1)
        let gamma = data.tensor([c]), beta = data.tensor([c]), eps = 1e-5
        var mu = [Double](repeating: 0, count: c), variance = [Double](repeating: 0, count: c)
        for ch in 0..<c {
            var vals = [Double]()
            for i in 0..<n { for k in 0..<s { vals.append(x.scalars[(i * c + ch) * s + k]) } }
            mu[ch] = vals.reduce(0, +) / Double(vals.count)
            variance[ch] = vals.map { ($0 - mu[ch]) * ($0 - mu[ch]) }.reduce(0, +) / Double(vals.count)
        }
        func frozen(_ xs: [Tensor<Double>]) -> Tensor<Double> {
            var out = xs[0].scalars
            for i in 0..<n { for ch in 0..<c { for k in 0..<s {
                let j = (i * c + ch) * s + k
                out[j] = (out[j] - mu[ch]) / (variance[ch] + eps).squareRoot() * gamma.scalars[ch] + beta.scalars[ch]
            }}}
            return Tensor(shape: xs[0].shape, scalars: out)
        }
        let jvp = Dual(Variable(constant: x), direction: Variable(constant: v))
            .batchNormalized(scale: Variable(constant: gamma), shift: Variable(constant: beta),
                             statistics: .batch(tangent: .fixedStatistics), epsilon: eps)
        let numeric = FiniteDifferences.directional(of: frozen, at: [x], along: [v], step: 1e-5)
        XCTAssertLessThanOrEqual(relativeError(jvp.tangent.value, numeric), 1e-6)
        XCTAssertLessThanOrEqual(relativeError(jvp.primal.value, frozen([x])), 1e-12)

        // And it is *not* the batch-coupled JVP (which sees μ and σ² move with x).
        let coupled = Dual(Variable(constant: x), direction: Variable(constant: v))
            .batchNormalized(scale: Variable(constant: gamma), shift: Variable(constant: beta),
                             statistics: .batch(tangent: .batchCoupled), epsilon: eps)
        XCTAssertGreaterThan(relativeError(coupled.tangent.value, jvp.tangent.value), 1e-3)
    }

    /// In the fixed-statistics tangent the statistics are frozen only along the direction; as
    /// functions of θ they are recomputed, so ∂(JVP)/∂θ must match finite differences of
    /// θ ↦ JVP(θ) with the statistics recomputed at every θ.
    func testGradientOfFixedStatisticsBatchNormJVPMatchesFiniteDifferences() {
        checkGradientOfJVP(tangentRule: .fixedStatistics)
    }

    func testGradientOfBatchCoupledBatchNormJVPMatchesFiniteDifferences() {
        checkGradientOfJVP(tangentRule: .batchCoupled)
    }

    // MARK: Reverse-over-forward through a small conv net

    /// conv(s1,p1) → tanh → maxpool → conv(s2,p1) → BN → softplus → avgpool(k2,s1) → global avg → linear.
    struct TinyConvNet {
        let w1, b1, w2, gamma, beta, w3, b3: Variable<Double>
        let tangentRule: BatchNormTangent

        init(seed: UInt64, tangentRule: BatchNormTangent) {
            var data = TestData(seed: seed)
            w1 = Variable(parameter: data.tensor([3, 2, 3, 3], in: -0.6...0.6))
            b1 = Variable(parameter: data.tensor([3], in: -0.3...0.3))
            w2 = Variable(parameter: data.tensor([4, 3, 3, 3], in: -0.5...0.5))
            gamma = Variable(parameter: data.tensor([4], in: 0.5...1.5))
            beta = Variable(parameter: data.tensor([4], in: -0.3...0.3))
            w3 = Variable(parameter: data.tensor([3, 4], in: -0.8...0.8))
            b3 = Variable(parameter: data.tensor([3], in: -0.3...0.3))
            self.tangentRule = tangentRule
        }

        var parameters: [Variable<Double>] { [w1, b1, w2, gamma, beta, w3, b3] }

        func callAsFunction<V: ModelValue>(_ x: V) -> V where V.Scalar == Double {
            var h = x.conv2d(weight: w1, bias: b1, stride: 1, padding: 1).activated(.tanh)
            h = h.maxPool2d(kernel: 2, stride: 2, padding: 0)
            h = h.conv2d(weight: w2, bias: nil, stride: 2, padding: 1)
            h = h.batchNormalized(scale: gamma, shift: beta, statistics: .batch(tangent: tangentRule), epsilon: 1e-5)
            h = h.activated(.softplus).avgPool2d(kernel: 2, stride: 1, padding: 0).globalAvgPool2d()
            return h.linear(weight: w3, bias: b3)
        }
    }

    func checkGradientOfJVP(tangentRule: BatchNormTangent) {
        var data = TestData(seed: 28)
        let net = TinyConvNet(seed: 29, tangentRule: tangentRule)
        let x = data.tensor([3, 2, 8, 8]), v = data.tensor([3, 2, 8, 8], in: -1...1), c = data.tensor([3, 3])
        func objective() -> Variable<Double> {
            let jvp = net(Dual(Variable(constant: x), direction: Variable(constant: v)))
            return (jvp.tangent * Variable(constant: c)).sum()
        }
        let grads = objective().gradients()
        for (k, p) in net.parameters.enumerated() {
            let original = p.value
            let numeric = FiniteDifferences.gradient(of: { w in
                p.assign(w); defer { p.assign(original) }
                return objective().scalar
            }, at: original)
            let err = relativeError(grads[p], numeric)
            XCTAssertLessThanOrEqual(err, 1e-6, "\(tangentRule): ∂s/∂θ for parameter \(k) \(p.shape) off by \(err)")
        }
        // The JVP itself, for the coupled rule, is the directional derivative of the batch function.
        if tangentRule == .batchCoupled {
            let jvp = net(Dual(Variable(constant: x), direction: Variable(constant: v)))
            let numeric = FiniteDifferences.directional(of: { xs in net(Variable(constant: xs[0])).value },
                                                        at: [x], along: [v], step: 1e-5)
            XCTAssertLessThanOrEqual(relativeError(jvp.tangent.value, numeric), 1e-6)
        }
    }

    func testGradientOfJVPThroughConvNetWithoutBatchStatisticsMatchesFiniteDifferences() {
        // Per-sample check of the net's JVP (fixed statistics) against FD of one sample with the batch
        // statistics held at their base value is covered above; here the whole net runs in eval mode.
        var data = TestData(seed: 30)
        let w1 = Variable(parameter: data.tensor([2, 1, 3, 3], in: -0.7...0.7))
        let w2 = Variable(parameter: data.tensor([3, 2, 2, 2], in: -0.7...0.7))
        let b2 = Variable(parameter: data.tensor([3], in: -0.3...0.3))
        func net<V: ModelValue>(_ x: V) -> V where V.Scalar == Double {
            x.conv2d(weight: w1, bias: nil, stride: 2, padding: 0).activated(.gelu)
                .conv2d(weight: w2, bias: b2, stride: 1, padding: 1).activated(.relu)
                .maxPool2d(kernel: 2, stride: 2, padding: 0).reshaped([2, 12])
        }
        let x = data.tensor([2, 1, 9, 9]), v = data.tensor([2, 1, 9, 9], in: -1...1), c = data.tensor([2, 12])
        func objective() -> Variable<Double> {
            (net(Dual(Variable(constant: x), direction: Variable(constant: v))).tangent * Variable(constant: c)).sum()
        }
        let grads = objective().gradients()
        for p in [w1, w2, b2] {
            let original = p.value
            let numeric = FiniteDifferences.gradient(of: { w in
                p.assign(w); defer { p.assign(original) }
                return objective().scalar
            }, at: original)
            XCTAssertLessThanOrEqual(relativeError(grads[p], numeric), 1e-6, "parameter \(p.shape)")
        }
    }
}
