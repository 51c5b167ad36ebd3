import MixupCore
import MixupNN
import MixupRegularizers
import XCTest

/// Shared Float64 fixtures: a small classifier batch.
struct Batch {
    var x: Tensor<Double>
    var y: Tensor<Double>
    var mean: Tensor<Double>

    /// `n` samples of dimension `d`, `classes` one-hot labels; centered (training mean exactly 0) if asked.
    init(n: Int, d: Int, classes: Int, centered: Bool, seed: UInt64) {
        var rng = SeededGenerator(seed: seed)
        var x = Tensor<Double>.normal(shape: [n, d], mean: centered ? 0 : 0.7, using: &rng)
        if centered { x = x - x.sum(alongAxis: 0) * (1 / Double(n)) }
        self.x = x
        y = oneHot((0..<n).map { _ in rng.bounded(classes) }, classes: classes)
        mean = (x.sum(alongAxis: 0) * (1 / Double(n))).reshaped([d])
    }

    func context<M: Layer>(_ model: M, alpha: Double = 0.5) -> RegularizerContext<Double> where M.Scalar == Double {
        RegularizerContext(model: model, inputs: x, targets: y, dataMean: mean,
                           mixing: MixingDistribution(alpha: alpha), loss: .crossEntropy)
    }
}

final class QTests: XCTestCase {
    func testExactQEqualsApproximationForBiasFreeReLUOnCenteredData() {
        var rng = SeededGenerator(seed: 1)
        let model = MLP<Double>(widths: [6, 32, 32, 4], activation: .relu, bias: false, using: &rng)
        let batch = Batch(n: 20, d: 6, classes: 4, centered: true, seed: 2)
        XCTAssertLessThan(batch.mean.scalars.map(abs).max()!, 1e-14)
        let exact = ExactQ().perSample(batch.context(model)).value
        let approx = ApproximateQ().perSample(batch.context(model)).value
        XCTAssertEqual(exact.shape, [20])
        for (e, a) in zip(exact.scalars, approx.scalars) { XCTAssertEqual(e, a, accuracy: 1e-6) }
        XCTAssertGreaterThan(exact.scalars.map(abs).max()!, 1e-3, "q must not be trivially zero")
    }

    func testExactAndApproximateQDifferWhenTheConditionsOfEq2Fail() {
        var rng = SeededGenerator(seed: 1)
        let biased = MLP<Double>(widths: [6, 32, 4], activation: .relu, bias: true, using: &rng)
        let smooth = MLP<Double>(widths: [6, 32, 4], activation: .tanh, bias: false, using: &rng)
        let biasFree = MLP<Double>(widths: [6, 32, 4], activation: .relu, bias: false, using: &rng)
        let centered = Batch(n: 20, d: 6, classes: 4, centered: true, seed: 2)
        let shifted = Batch(n: 20, d: 6, classes: 4, centered: false, seed: 2)
        func gap<M: Layer>(_ m: M, _ b: Batch) -> Double where M.Scalar == Double {
            let e = ExactQ().perSample(b.context(m)).value, a = ApproximateQ().perSample(b.context(m)).value
            return zip(e.scalars, a.scalars).map { abs($0 - $1) }.max()!
        }
        XCTAssertGreaterThan(gap(biased, centered), 1e-3, "biases break J·x = f")
        XCTAssertGreaterThan(gap(smooth, centered), 1e-3, "tanh is not positively homogeneous")
        XCTAssertGreaterThan(gap(biasFree, shifted), 1e-3, "E[x̄] ≠ 0 breaks eq. (2)")
    }

    func testPenaltyGradientsMatchFiniteDifferencesForBothRegularizers() {
        var rng = SeededGenerator(seed: 4)
        let model = MLP<Double>(widths: [5, 8, 3], activation: .gelu, bias: true, using: &rng)
        let batch = Batch(n: 7, d: 5, classes: 3, centered: false, seed: 5)
        let regs: [any Regularizer] = [ApproximateQ(), ExactQ(),
                                       ExactQ(options: { var o = QPenaltyOptions(); o.absolute = false; return o }())]
        for reg in regs {
            let grads = reg.penalty(batch.context(model)).gradients()
            for p in model.parameters {
                let original = p.value
                var numeric = [Double](repeating: 0, count: original.count)
                for i in 0..<original.count {
                    var plus = original.scalars, minus = original.scalars
                    plus[i] += 1e-6; minus[i] -= 1e-6
                    p.assign(Tensor(shape: original.shape, scalars: plus))
                    let fp = reg.penalty(batch.context(model)).scalar
                    p.assign(Tensor(shape: original.shape, scalars: minus))
                    let fm = reg.penalty(batch.context(model)).scalar
                    numeric[i] = (fp - fm) / 2e-6
                }
                p.assign(original)
                let err = zip(grads[p].scalars, numeric).map { abs($0 - $1) }.max()! / max(1, numeric.map(abs).max()!)
                XCTAssertLessThanOrEqual(err, 1e-6, "\(type(of: reg)) ∂R/∂θ for \(p.shape): \(err)")
            }
        }
    }

    func testPenaltyIsMomentTimesMeanAbsoluteQ() {
        var rng = SeededGenerator(seed: 4)
        let model = MLP<Double>(widths: [5, 8, 3], activation: .relu, using: &rng)
        let batch = Batch(n: 9, d: 5, classes: 3, centered: false, seed: 6)
        let ctx = batch.context(model, alpha: 0.4)
        let q = ApproximateQ().perSample(ctx).value.scalars
        let expected = 0.4 / (2 * 0.4 + 1) * q.map(abs).reduce(0, +) / 9
        XCTAssertEqual(ApproximateQ().penalty(ctx).scalar, expected, accuracy: 1e-12)
    }

    func testThresholdSignAndDetachOptions() throws {
        var rng = SeededGenerator(seed: 4)
        let model = MLP<Double>(widths: [5, 8, 3], activation: .relu, using: &rng)
        let ctx = Batch(n: 9, d: 5, classes: 3, centered: false, seed: 6).context(model, alpha: 1)
        let q = ExactQ().perSample(ctx).value.scalars
        let w = 1.0 / 3.0
        let signed = try ExactQ(options: RegularizerOptions(parsing: "absolute=false")).penalty(ctx).scalar
        XCTAssertEqual(signed, w * q.reduce(0, +) / 9, accuracy: 1e-12)
        let tau = q.map(abs).sorted()[4]
        let thresholded = try ExactQ(options: RegularizerOptions(parsing: "threshold=\(tau)")).penalty(ctx).scalar
        XCTAssertEqual(thresholded, w * q.map { max(abs($0) - tau, 0) }.reduce(0, +) / 9, accuracy: 1e-12)
        // Detaching the residual keeps the value and changes the gradient.
        let detached = try ExactQ(options: RegularizerOptions(parsing: "detach=true"))
        XCTAssertEqual(detached.penalty(ctx).scalar, ExactQ().penalty(ctx).scalar, accuracy: 1e-12)
        let w0 = model.parameters[0]
        XCTAssertNotEqual(detached.penalty(ctx).gradients()[w0], ExactQ().penalty(ctx).gradients()[w0])
    }
}

final class MixingDistributionTests: XCTestCase {
    func testFirstMomentIsAlphaOverTwoAlphaPlusOneForSymmetricBeta() {
        for a in [0.01, 0.2, 1, 5] {
            XCTAssertEqual(MixingDistribution(alpha: a).momentOfA(order: 1), a / (2 * a + 1), accuracy: 1e-15)
        }
    }

    func testClosedFormMomentsMatchMonteCarloOverTheBetaMixture() {
        var rng = SeededGenerator(seed: 17)
        for (a, b) in [(0.2, 0.2), (1.0, 2.0), (2.0, 0.5)] {
            let d = MixingDistribution(alpha: a, beta: b)
            var sums = [Double](repeating: 0, count: 5)
            let n = 200_000
            for _ in 0..<n {
                let s = d.sampleA(using: &rng)
                var p = 1.0
                for j in 1...4 { p *= s; sums[j] += p }
            }
            for j in 1...4 {
                let mc = sums[j] / Double(n), exact = d.momentOfA(order: j)
                XCTAssertEqual(mc, exact, accuracy: 0.01 * exact + 1e-4, "Beta(\(a),\(b)) E[a^\(j)]")
            }
        }
    }

    func testPenaltyWeightVanishesAsAlphaGoesToZero() {
        let weights = [1.0, 0.1, 0.01, 0.0001].map { MixingDistribution(alpha: $0, beta: $0).momentOfA(order: 1) }
        XCTAssertEqual(weights, weights.sorted(by: >))
        XCTAssertLessThan(weights.last!, 1e-3)
        XCTAssertLessThan(MixingDistribution(alpha: 1e-4, beta: 3e-4).momentOfA(order: 1), 1e-3)
    }
}

/// A user-defined regularizer, to prove registration works like a built-in.
struct LogitNormPenalty: Regularizer {
    static let name = "logit-norm-test"
    static let summary = "mean squared logit (test)"
    var scale: Double
    init(options: RegularizerOptions) throws {
        try options.requireOnly(["scale"], for: Self.name)
        scale = try options.double("scale") ?? 1
    }
    func penalty<S: TensorScalar>(_ context: RegularizerContext<S>) -> Variable<S> {
        context.logits().square().mean() * S(scale)
    }
}

final class RegistryTests: XCTestCase {
    func testUserRegularizerRegistersOnceAndIsBuiltByName() throws {
        try RegularizerRegistry.register(LogitNormPenalty.self)
        XCTAssertTrue(RegularizerRegistry.names.contains("logit-norm-test"))
        let reg = try RegularizerRegistry.make("logit-norm-test", options: RegularizerOptions(parsing: "scale=2"))
        XCTAssertEqual((reg as? LogitNormPenalty)?.scale, 2)
        XCTAssertTrue(RegularizerRegistry.names.contains("approx") && RegularizerRegistry.names.contains("exact"))
    }

    func testUnknownNamesAndOptionsGiveClearErrors() {
        XCTAssertThrowsError(try RegularizerRegistry.make("nope")) {
            XCTAssertTrue("\($0)".contains("unknown regularizer 'nope'") && "\($0)".contains("approx"), "\($0)")
        }
        XCTAssertThrowsError(try RegularizerRegistry.make("exact", options: RegularizerOptions(parsing: "absolut=false"))) {
            XCTAssertTrue("\($0)".contains("absolut"), "\($0)")
        }
        XCTAssertThrowsError(try RegularizerOptions(parsing: "threshold")) { XCTAssertTrue("\($0)".contains("key=value")) }
    }
}
