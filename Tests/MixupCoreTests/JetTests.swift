import Foundation
import MixupCore
import MixupTestSupport
import XCTest

/// Taylor mode checked in Float64 against references that share no code with the jet rules:
/// plain taped forward passes of φ(t) = f(x(t)) fitted by a high-degree interpolating
/// polynomial at two step sizes, the `Dual` JVP (c₁ exactly, c₂…c₄ from the Dual tangent
/// ψ = φ′), and finite differences of parameter gradients (reverse-over-Taylor).
final class JetTests: XCTestCase {
    // MARK: Independent reference: Taylor coefficients by polynomial interpolation

    /// c₀…c_`order` of φ at t = 0 from the degree-2M polynomial through t = m·h, m = −M…M
    /// (truncation error ≈ (h/R)^{2M+1−k} relative, R the radius of convergence).
    static func interpolatedTaylor(of phi: (Double) -> Tensor<Double>, order: Int,
                                   step h: Double, halfWidth m: Int = 5) -> [Tensor<Double>] {
        let nodes = (-m...m).map(Double.init), n = nodes.count
        // Inverse of the Vandermonde matrix V[i][k] = s_iᵏ in the scaled variable s = t/h.
        var a = nodes.map { s in (0..<n).map { Foundation.pow(s, Double($0)) } }
        var inv = (0..<n).map { i in (0..<n).map { $0 == i ? 1.0 : 0.0 } }
        for col in 0..<n {
            let pivot = (col..<n).max { abs(a[$0][col]) < abs(a[$1][col]) }!
            a.swapAt(col, pivot); inv.swapAt(col, pivot)
            let d = a[col][col]
            for k in 0..<n { a[col][k] /= d; inv[col][k] /= d }
            for r in 0..<n where r != col {
                let f = a[r][col]
                if f == 0 { continue }
                for k in 0..<n { a[r][k] -= f * a[col][k]; inv[r][k] -= f * inv[col][k] }
            }
        }
        let values = nodes.map { phi($0 * h) }
        return (0...order).map { k in
            var c = [Double](repeating: 0, count: values[0].count)
            for i in 0..<n {
                for e in c.indices { c[e] += inv[k][i] * values[i].scalars[e] }
            }
            let scale = Foundation.pow(h, Double(k))
            return Tensor(shape: values[0].shape, scalars: c.map { $0 / scale })
        }
    }

    /// Asserts every jet coefficient matches the interpolated reference at two step sizes.
    func assertMatchesInterpolation(_ jet: Jet<Double>, _ phi: (Double) -> Tensor<Double>,
                                    steps: [Double] = [0.01, 0.02], tolerance: Double = 1e-6,
                                    _ label: String, file: StaticString = #filePath, line: UInt = #line) {
        for h in steps {
            let reference = Self.interpolatedTaylor(of: phi, order: jet.order, step: h)
            for k in 0...jet.order {
                XCTAssertEqual(jet[k].shape, reference[k].shape, "\(label) c\(k) shape", file: file, line: line)
                let err = relativeError(jet[k].value, reference[k])
                XCTAssertLessThanOrEqual(err, tolerance, "\(label): c\(k) off by \(err) (h = \(h))", file: file, line: line)
            }
        }
    }

    /// x(t) = Σ_k x_k t^k as a plain tensor.
    static func evaluate(_ xs: [Tensor<Double>], at t: Double) -> Tensor<Double> {
        var acc = xs[xs.count - 1]
        for k in stride(from: xs.count - 2, through: 0, by: -1) { acc = acc * t + xs[k] }
        return acc
    }

    // MARK: Every elementwise / softmax rule with a fully populated input jet

    struct UnaryCase {
        let name: String
        var shape: [Int] = [3, 4]
        var range: ClosedRange<Double> = -2...2
        var margin: Double = 0
        let plain: (Variable<Double>) -> Variable<Double>
        let jet: (Jet<Double>) -> Jet<Double>
    }

    static let unaryCases: [UnaryCase] = [
        UnaryCase(name: "exp", plain: { $0.exp() }, jet: { $0.exp() }),
        UnaryCase(name: "log", range: 0.8...3, plain: { $0.log() }, jet: { $0.log() }),
        UnaryCase(name: "tanh", plain: { $0.tanh() }, jet: { $0.tanh() }),
        UnaryCase(name: "sigmoid", range: -5...5, plain: { $0.sigmoid() }, jet: { $0.sigmoid() }),
        UnaryCase(name: "softplus", range: -5...5, plain: { $0.softplus() }, jet: { $0.softplus() }),
        UnaryCase(name: "square", plain: { $0.square() }, jet: { $0.square() }),
        UnaryCase(name: "sqrt", range: 0.8...3, plain: { $0.sqrt() }, jet: { $0.sqrt() }),
        UnaryCase(name: "normalCDF", range: -3...3, plain: { $0.normalCDF() }, jet: { $0.normalCDF() }),
        UnaryCase(name: "gelu", range: -3...3, plain: { $0.gelu() }, jet: { $0.gelu() }),
        UnaryCase(name: "relu", margin: 0.5, plain: { $0.relu() }, jet: { $0.relu() }),
        UnaryCase(name: "abs", margin: 0.5, plain: { $0.abs() }, jet: { $0.abs() }),
        UnaryCase(name: "scalars-and-negate", plain: { (-$0) * 3 + 2 }, jet: { (-$0) * 3 + 2 }),
        UnaryCase(name: "logsumexp-axis1", shape: [3, 5], range: -3...3,
                  plain: { $0.logSumExp(alongAxis: 1) }, jet: { $0.logSumExp(alongAxis: 1) }),
        UnaryCase(name: "logsumexp-axis0", shape: [3, 5], range: -3...3,
                  plain: { $0.logSumExp(alongAxis: 0) }, jet: { $0.logSumExp(alongAxis: 0) }),
        UnaryCase(name: "softmax", shape: [3, 5], range: -3...3,
                  plain: { $0.softmax(alongAxis: 1) }, jet: { $0.softmax(alongAxis: 1) }),
        UnaryCase(name: "logSoftmax", shape: [3, 5], range: -3...3,
                  plain: { $0.logSoftmax(alongAxis: 1) }, jet: { $0.logSoftmax(alongAxis: 1) }),
        UnaryCase(name: "sum-mean-reshape", shape: [2, 3, 4],
                  plain: { $0.sum(alongAxis: 1).reshaped([8]).mean(alongAxis: 0) },
                  jet: { $0.sum(alongAxis: 1).reshaped([8]).mean(alongAxis: 0) }),
    ]

    /// An input jet x₀…x₄ with every coefficient non-zero, higher ones smaller (x(t) stays in
    /// the function's domain and away from kinks for |t| ≤ 0.1).
    static func populatedInput(_ c: UnaryCase, order: Int, seed: UInt64) -> [Tensor<Double>] {
        var data = TestData(seed: seed)
        return [data.tensor(c.shape, in: c.range, awayFromZero: c.margin)]
            + (1...order).map { data.tensor(c.shape, in: -1...1) * (0.5 / Double($0)) }
    }

    func testEveryElementwiseAndSoftmaxRuleMatchesInterpolatedTaylorCoefficientsUpToOrderFour() {
        for (index, c) in Self.unaryCases.enumerated() {
            let xs = Self.populatedInput(c, order: 4, seed: 100 + UInt64(index))
            let jet = c.jet(Jet(coefficients: xs.map { Variable(constant: $0) }))
            XCTAssertEqual(jet.order, 4, c.name)
            assertMatchesInterpolation(jet, { t in c.plain(Variable(constant: Self.evaluate(xs, at: t))).value }, c.name)
        }
    }

    func testJetRulesAgreeWithDualTangentAtOrderOne() {
        for (index, c) in Self.unaryCases.enumerated() {
            let xs = Self.populatedInput(c, order: 1, seed: 200 + UInt64(index))
            let jet = c.jet(Jet(coefficients: xs.map { Variable(constant: $0) }))
            let dualInput = Dual(Variable(constant: xs[0]), direction: Variable(constant: xs[1]))
            let plain = c.plain(Variable(constant: xs[0])).value
            XCTAssertLessThanOrEqual(relativeError(jet[0].value, plain), 1e-15, "\(c.name) c0")
            // The Dual rules for this op set exist only where Dual defines the same op.
            if let tangent = Self.dualTangent(c.name, dualInput) {
                XCTAssertLessThanOrEqual(relativeError(jet[1].value, tangent), 1e-13, "\(c.name) c1 vs JVP")
            }
        }
    }

    static func dualTangent(_ name: String, _ d: Dual<Double>) -> Tensor<Double>? {
        switch name {
        case "exp": return d.exp().tangent.value
        case "log": return d.log().tangent.value
        case "tanh": return d.tanh().tangent.value
        case "sigmoid": return d.sigmoid().tangent.value
        case "softplus": return d.softplus().tangent.value
        case "square": return d.square().tangent.value
        case "sqrt": return d.sqrt().tangent.value
        case "normalCDF": return d.normalCDF().tangent.value
        case "gelu": return d.gelu().tangent.value
        case "relu": return d.relu().tangent.value
        case "abs": return d.abs().tangent.value
        case "logsumexp-axis1": return d.logSumExp(alongAxis: 1).tangent.value
        case "logsumexp-axis0": return d.logSumExp(alongAxis: 0).tangent.value
        case "softmax": return d.softmax(alongAxis: 1).tangent.value
        case "logSoftmax": return d.logSoftmax(alongAxis: 1).tangent.value
        default: return nil
        }
    }

    func testBinaryRulesMatchInterpolatedTaylorCoefficients() {
        var data = TestData(seed: 9)
        func jetInputs(_ shape: [Int], _ range: ClosedRange<Double>) -> [Tensor<Double>] {
            [data.tensor(shape, in: range)] + (1...4).map { data.tensor(shape, in: -1...1) * (0.5 / Double($0)) }
        }
        let a = jetInputs([3, 4], -2...2), b = jetInputs([3, 4], 0.8...2), row = jetInputs([4], -2...2)
        let ja = Jet(coefficients: a.map { Variable(constant: $0) })
        let jb = Jet(coefficients: b.map { Variable(constant: $0) })
        let jr = Jet(coefficients: row.map { Variable(constant: $0) })
        let bias = Variable(constant: data.tensor([4]))
        let w = Variable(constant: data.tensor([5, 4])), outBias = Variable(constant: data.tensor([5]))
        func at(_ xs: [Tensor<Double>], _ t: Double) -> Variable<Double> { Variable(constant: Self.evaluate(xs, at: t)) }
        assertMatchesInterpolation(ja * jb, { t in (at(a, t) * at(b, t)).value }, "product")
        assertMatchesInterpolation(ja / jb, { t in (at(a, t) / at(b, t)).value }, "quotient")
        assertMatchesInterpolation(ja - jb + ja, { t in (at(a, t) - at(b, t) + at(a, t)).value }, "sum")
        assertMatchesInterpolation(ja * jr, { t in (at(a, t) * at(row, t)).value }, "broadcast product")
        assertMatchesInterpolation(ja.linear(weight: w, bias: outBias),
                                   { t in at(a, t).linear(weight: w, bias: outBias).value }, "linear")
        assertMatchesInterpolation(jr + ja * bias, { t in (at(row, t) + at(a, t) * bias).value }, "broadcast sum")
        assertMatchesInterpolation((ja + bias).transposed(), { t in (at(a, t) + bias).transposed().value }, "bias, transpose")
    }

    // MARK: Whole models

    /// A small MLP written against `ModelValue`, Float64.
    struct SmoothMLP {
        var weights: [Variable<Double>]
        var biases: [Variable<Double>]
        var activations: [Activation]

        init(widths: [Int], activations: [Activation], seed: UInt64) {
            var data = TestData(seed: seed)
            weights = zip(widths.dropFirst(), widths).map { Variable(parameter: data.tensor([$0, $1], in: -0.8...0.8)) }
            biases = widths.dropFirst().map { Variable(parameter: data.tensor([$0], in: -0.5...0.5)) }
            self.activations = activations
        }

        func callAsFunction<V: ModelValue>(_ x: V) -> V where V.Scalar == Double {
            var h = x
            for k in weights.indices {
                h = h.linear(weight: weights[k], bias: biases[k])
                if k < weights.count - 1 { h = h.activated(activations[k]) }
            }
            return h
        }

        var parameters: [Variable<Double>] { weights + biases }
    }

    /// The smooth MLPs the Taylor tests run on: each activation alone, and all three mixed.
    static let smoothActivations: [[Activation]] = [[.tanh, .tanh], [.gelu, .gelu], [.softplus, .softplus],
                                                    [.tanh, .gelu, .softplus]]

    func testSmoothMLPJetMatchesInterpolatedTaylorCoefficientsUpToOrderFour() {
        for (index, acts) in Self.smoothActivations.enumerated() {
            let widths = [5] + Array(repeating: 7, count: acts.count) + [3]
            let model = SmoothMLP(widths: widths, activations: acts, seed: 30 + UInt64(index))
            var data = TestData(seed: 40 + UInt64(index))
            let x = data.tensor([4, 5]), v = data.tensor([4, 5], in: -1...1)
            let jet = model(Jet(Variable(constant: x), direction: Variable(constant: v), order: 4))
            assertMatchesInterpolation(jet, { t in model(Variable(constant: x + v * t)).value }, "MLP \(acts)")
        }
    }

    func testSmoothMLPJetAgreesWithRepeatedJVPs() {
        for (index, acts) in Self.smoothActivations.enumerated() {
            let widths = [5] + Array(repeating: 7, count: acts.count) + [3]
            let model = SmoothMLP(widths: widths, activations: acts, seed: 50 + UInt64(index))
            var data = TestData(seed: 60 + UInt64(index))
            let x = data.tensor([4, 5]), v = data.tensor([4, 5], in: -1...1)
            let jet = model(Jet(Variable(constant: x), direction: Variable(constant: v), order: 4))
            // ψ(t) = J_f(x + t·v)·v = φ′(t): c_k = ψ's (k−1)-th coefficient / k.
            func psi(_ t: Double) -> Tensor<Double> {
                model(Dual(Variable(constant: x + v * t), direction: Variable(constant: v))).tangent.value
            }
            XCTAssertLessThanOrEqual(relativeError(jet[1].value, psi(0)), 1e-13, "\(acts): c1 is the JVP")
            for h in [0.005, 0.01] {
                let reference = Self.interpolatedTaylor(of: psi, order: 3, step: h)
                for k in 2...4 {
                    let err = relativeError(jet[k].value, reference[k - 1] * (1 / Double(k)))
                    XCTAssertLessThanOrEqual(err, 1e-7, "\(acts): c\(k) vs JVP derivatives off by \(err)")
                }
            }
            XCTAssertGreaterThan(jet[2].value.scalars.map(abs).max()!, 1e-3, "\(acts): smooth nets have live c2")
            XCTAssertGreaterThan(jet[4].value.scalars.map(abs).max()!, 1e-5, "\(acts): smooth nets have live c4")
        }
    }

    func testReLUMLPHasVanishingCoefficientsAboveOrderOneAwayFromKinks() {
        let model = SmoothMLP(widths: [5, 8, 8, 3], activations: [.relu, .relu], seed: 70)
        var data = TestData(seed: 71)
        let x = data.tensor([6, 5]), v = data.tensor([6, 5], in: -1...1)
        let jet = model(Jet(Variable(constant: x), direction: Variable(constant: v), order: 4))
        let jvp = model(Dual(Variable(constant: x), direction: Variable(constant: v)))
        XCTAssertEqual(jet[0].value, model(Variable(constant: x)).value)
        XCTAssertLessThanOrEqual(relativeError(jet[1].value, jvp.tangent.value), 1e-15)
        XCTAssertGreaterThan(jet[1].value.scalars.map(abs).max()!, 1e-3, "c1 must be live")
        for k in 2...4 {
            XCTAssertEqual(jet[k].value.scalars.map(abs).max()!, 0, "ReLU net: c\(k) must vanish exactly")
        }
        // Independently: φ is affine near t = 0 (the segment crosses no kink for |t| ≤ 5e-4
        // here), so the interpolated c2…c4 vanish up to rounding.
        let reference = Self.interpolatedTaylor(of: { t in model(Variable(constant: x + v * t)).value },
                                                order: 4, step: 1e-4)
        XCTAssertLessThanOrEqual(relativeError(jet[1].value, reference[1]), 1e-8)
        XCTAssertLessThanOrEqual(reference[2].scalars.map(abs).max()!, 1e-3, "φ'' ≈ 0 away from kinks")
    }

    func testGradientOfHigherCoefficientsMatchesFiniteDifferences() {
        let model = SmoothMLP(widths: [4, 6, 6, 3], activations: [.tanh, .gelu], seed: 80)
        var data = TestData(seed: 81)
        let x = data.tensor([3, 4]), v = data.tensor([3, 4], in: -1...1)
        let weights = data.tensor([3, 3]), lseWeights = data.tensor([3])
        // Σ w⊙c₂ + Σ w⊙c₃ of f, plus Σ u⊙c₂ of h∘f with h = logsumexp (Theorem 1's h).
        func objective() -> Variable<Double> {
            let jet = model(Jet(Variable(constant: x), direction: Variable(constant: v), order: 3))
            let lse = jet.logSumExp(alongAxis: 1)
            return ((jet[2] + jet[3]) * Variable(constant: weights)).sum()
                + (lse[2] * Variable(constant: lseWeights)).sum()
        }
        let grads = objective().gradients()
        for p in model.parameters {
            let original = p.value
            let numeric = FiniteDifferences.gradient(of: { w in
                p.assign(w); defer { p.assign(original) }
                return objective().scalar
            }, at: original)
            XCTAssertTrue(grads.contains(p), "c2/c3 depend on every parameter of a tanh/GELU net")
            let err = relativeError(grads[p], numeric)
            XCTAssertLessThanOrEqual(err, 1e-6, "∂(c2,c3)/∂θ for \(p.shape) off by \(err)")
        }
    }

    func testConvolutionPoolingAndBatchNormJetsMatchInterpolatedTaylorCoefficients() {
        var data = TestData(seed: 95)
        let x = data.tensor([2, 2, 6, 6]), v = data.tensor([2, 2, 6, 6], in: -1...1)
        let w = Variable(constant: data.tensor([3, 2, 3, 3], in: -0.5...0.5)), b = Variable(constant: data.tensor([3]))
        let gamma = Variable(constant: data.tensor([3], in: 0.5...1.5)), beta = Variable(constant: data.tensor([3]))
        let running = NormalizationStatistics<Double>.running(mean: data.tensor([3]), variance: data.tensor([3], in: 0.5...2))
        let mask = data.tensor([2, 3, 3, 3], in: 0...2)
        // conv → BN (batch-coupled or running) → tanh → max pool → dropout mask → avg pool → global pool.
        func net<V: ModelValue>(_ h: V, _ stats: NormalizationStatistics<Double>) -> V where V.Scalar == Double {
            h.conv2d(weight: w, bias: b, stride: 1, padding: 1)
                .batchNormalized(scale: gamma, shift: beta, statistics: stats, epsilon: 1e-5)
                .activated(.tanh).maxPool2d(kernel: 2, stride: 2, padding: 0)
                .dropout(mask: mask).avgPool2d(kernel: 3, stride: 1, padding: 1).globalAvgPool2d()
        }
        for stats in [NormalizationStatistics<Double>.batch(tangent: .batchCoupled), running] {
            let jet = net(Jet(Variable(constant: x), direction: Variable(constant: v), order: 3), stats)
            // Max pooling is piecewise: small steps keep the argmax fixed (checked via c₁ = JVP).
            assertMatchesInterpolation(jet, { t in net(Variable(constant: x + v * t), stats).value },
                                       steps: [1e-3, 2e-3], tolerance: 1e-5, "conv net \(stats)")
            let jvp = net(Dual(Variable(constant: x), direction: Variable(constant: v)), stats)
            XCTAssertLessThanOrEqual(relativeError(jet[1].value, jvp.tangent.value), 1e-12)
        }
        // Fixed batch statistics hold μ_B, σ²_B constant along the direction, which no plain forward
        // pass computes: compare with the Dual rule of the same semantics.
        let fixed = NormalizationStatistics<Double>.batch(tangent: .fixedStatistics)
        let jet = net(Jet(Variable(constant: x), direction: Variable(constant: v), order: 3), fixed)
        let jvp = net(Dual(Variable(constant: x), direction: Variable(constant: v)), fixed)
        XCTAssertLessThanOrEqual(relativeError(jet[1].value, jvp.tangent.value), 1e-12)
    }

    func testDerivativeIsFactorialTimesCoefficient() {
        var data = TestData(seed: 90)
        let xs = (0...4).map { _ in data.tensor([2, 3]) }
        let jet = Jet(coefficients: xs.map { Variable(constant: $0) })
        for (k, factorial) in [1.0, 1, 2, 6, 24].enumerated() {
            XCTAssertEqual(jet.derivative(order: k).value, xs[k] * factorial)
        }
    }

    func testSeedJetCarriesPointAndDirectionAndZeros() {
        var data = TestData(seed: 91)
        let x = data.tensor([2, 3]), v = data.tensor([2, 3])
        let jet = Jet(Variable(constant: x), direction: Variable(constant: v), order: 3)
        XCTAssertEqual(jet.order, 3)
        XCTAssertEqual(jet[0].value, x)
        XCTAssertEqual(jet[1].value, v)
        XCTAssertEqual(jet[2].value, Tensor(zeros: [2, 3]))
        XCTAssertEqual(jet[3].value, Tensor(zeros: [2, 3]))
    }
}
