import MixupCore
import MixupNN
import MixupRegularizers
import XCTest

/// `DirectionalTaylor`: J = 1 is `ExactQ`, each q_j is the j-th directional derivative of f along
/// E[x̄] − x_i contracted with the residual, ReLU nets keep only j = 1, and R(θ) trains.
final class DirectionalTaylorTests: XCTestCase {
    /// A non-centered classifier batch with one-hot labels, Float64.
    struct Fixture {
        var x: Tensor<Double>, y: Tensor<Double>, mean: Tensor<Double>

        init(n: Int, d: Int, classes: Int, seed: UInt64) {
            var rng = SeededGenerator(seed: seed)
            x = Tensor<Double>.normal(shape: [n, d], mean: 0.3, using: &rng)
            y = oneHot((0..<n).map { _ in rng.bounded(classes) }, classes: classes)
            mean = (x.sum(alongAxis: 0) * (1 / Double(n))).reshaped([d])
        }

        func context<M: Layer>(_ model: M, alpha: Double = 0.5) -> RegularizerContext<Double> where M.Scalar == Double {
            RegularizerContext(model: model, inputs: x, targets: y, dataMean: mean,
                               mixing: MixingDistribution(alpha: alpha), loss: .crossEntropy)
        }
    }

    func model(_ activation: Activation, seed: UInt64, widths: [Int] = [5, 9, 9, 3]) -> MLP<Double> {
        var rng = SeededGenerator(seed: seed)
        return MLP<Double>(widths: widths, activation: activation, bias: true, using: &rng)
    }

    func testOrderOneEqualsExactQBitForBit() {
        let batch = Fixture(n: 8, d: 5, classes: 3, seed: 1)
        for (i, act) in [Activation.tanh, .gelu, .softplus, .sigmoid, .relu].enumerated() {
            let ctx = batch.context(model(act, seed: 10 + UInt64(i)))
            let taylor = DirectionalTaylor(order: 1)
            XCTAssertEqual(taylor.perSample(ctx).value, ExactQ().perSample(ctx).value, "\(act) q")
            XCTAssertEqual(taylor.perOrder(ctx)[0].value, ExactQ().perSample(ctx).value, "\(act) q_1")
            XCTAssertEqual(taylor.penalty(ctx).scalar, ExactQ().penalty(ctx).scalar, "\(act) R")
            var signed = QPenaltyOptions(); signed.absolute = false
            XCTAssertEqual(DirectionalTaylor(order: 1, options: signed).penalty(ctx).scalar,
                           ExactQ(options: signed).penalty(ctx).scalar, "\(act) signed R")
        }
    }

    func testPerOrderScoresAreResidualTimesDirectionalDerivativesByFiniteDifferences() {
        let batch = Fixture(n: 6, d: 5, classes: 3, seed: 2)
        for (i, act) in [Activation.tanh, .gelu, .softplus].enumerated() {
            let m = model(act, seed: 20 + UInt64(i))
            let qs = DirectionalTaylor(order: 3).perOrder(batch.context(m))
            XCTAssertEqual(qs.count, 3)
            // Independent reference: plain forward passes of φ(t) = f(x + t·(x̄ − x)).
            let direction = Tensor<Double>(zeros: batch.x.shape) + batch.mean.reshaped([1, 5]) - batch.x
            func phi(_ t: Double) -> Tensor<Double> { m(Variable(constant: batch.x + direction * t)).value }
            let r = m(Variable(constant: batch.x)).softmax(alongAxis: 1).value - batch.y
            func contract(_ d: Tensor<Double>) -> [Double] { (r * d).sum(alongAxis: 1).scalars }
            let h1 = 1e-5, h2 = 1e-3, h3 = 1e-2
            let first = (phi(h1) - phi(-h1)) * (1 / (2 * h1))
            let second = (phi(h2) + phi(-h2) - phi(0) * 2) * (1 / (h2 * h2))
            let third = (phi(2 * h3) - phi(h3) * 2 + phi(-h3) * 2 - phi(-2 * h3)) * (1 / (2 * h3 * h3 * h3))
            // Tolerances relative to the largest |q_j|: O(h²) truncation of each stencil.
            for (j, (reference, tolerance)) in [(contract(first), 1e-7), (contract(second), 1e-4),
                                                 (contract(third), 1e-3)].enumerated() {
                let scale = reference.map(abs).max()!
                for (a, b) in zip(qs[j].value.scalars, reference) {
                    XCTAssertEqual(a, b, accuracy: tolerance * scale, "\(act): q_\(j + 1)")
                }
            }
            XCTAssertGreaterThan(qs[1].value.scalars.map(abs).max()!, 1e-3, "\(act): smooth nets have a live q_2")
        }
    }

    func testPenaltyIsMomentWeightedSumOfMeanAbsoluteScores() {
        let batch = Fixture(n: 7, d: 5, classes: 3, seed: 3)
        let ctx = batch.context(model(.gelu, seed: 30), alpha: 0.5)
        let qs = DirectionalTaylor(order: 3).perOrder(ctx).map(\.value.scalars)
        // α = β = 0.5: D_λ = Beta(1.5, 0.5) on λ, so a = 1 − λ ~ Beta(0.5, 1.5) and
        // E[aʲ] = Π_{m<j} (0.5 + m)/(2 + m): 1/4, 1/4·1.5/3 = 1/8, 1/8·2.5/4 = 5/64.
        let weights = [0.25 / 1, 0.125 / 2, (5.0 / 64) / 6]
        XCTAssertEqual(DirectionalTaylor(order: 3).weights(for: ctx.mixing), weights)
        let expected = zip(weights, qs).map { w, q in w * q.map(abs).reduce(0, +) / 7 }.reduce(0, +)
        XCTAssertEqual(DirectionalTaylor(order: 3).penalty(ctx).scalar, expected, accuracy: 1e-13)
        let score = zip(qs[0], zip(qs[1], qs[2])).map { $0 + (weights[1] * $1.0 + weights[2] * $1.1) / weights[0] }
        for (a, b) in zip(DirectionalTaylor(order: 3).perSample(ctx).value.scalars, score) {
            XCTAssertEqual(a, b, accuracy: 1e-13)
        }
    }

    func testReLUNetworkKeepsOnlyTheFirstOrderTerm() {
        let batch = Fixture(n: 8, d: 5, classes: 3, seed: 4)
        let ctx = batch.context(model(.relu, seed: 40))
        let qs = DirectionalTaylor(order: 4).perOrder(ctx)
        XCTAssertGreaterThan(qs[0].value.scalars.map(abs).max()!, 1e-3, "q_1 is live")
        for j in 1..<4 { XCTAssertEqual(qs[j].value.scalars.map(abs).max()!, 0, "ReLU: q_\(j + 1) vanishes") }
        XCTAssertEqual(DirectionalTaylor(order: 4).penalty(ctx).scalar, ExactQ().penalty(ctx).scalar)
        // A smooth net's higher terms change the penalty.
        let smooth = batch.context(model(.tanh, seed: 40))
        XCTAssertGreaterThan(DirectionalTaylor(order: 4).penalty(smooth).scalar - ExactQ().penalty(smooth).scalar, 1e-6)
    }

    func testPenaltyGradientMatchesFiniteDifferences() {
        let batch = Fixture(n: 5, d: 4, classes: 3, seed: 5)
        let m = model(.gelu, seed: 50, widths: [4, 6, 3])
        let reg = DirectionalTaylor(order: 3)
        let grads = reg.penalty(batch.context(m)).gradients()
        for p in m.parameters {
            let original = p.value
            var numeric = [Double](repeating: 0, count: original.count)
            for i in 0..<original.count {
                var plus = original.scalars, minus = original.scalars
                plus[i] += 1e-6; minus[i] -= 1e-6
                p.assign(Tensor(shape: original.shape, scalars: plus))
                let fp = reg.penalty(batch.context(m)).scalar
                p.assign(Tensor(shape: original.shape, scalars: minus))
                let fm = reg.penalty(batch.context(m)).scalar
                numeric[i] = (fp - fm) / 2e-6
            }
            p.assign(original)
            XCTAssertTrue(grads.contains(p), "R depends on \(p.shape)")
            let err = zip(grads[p].scalars, numeric).map { abs($0 - $1) }.max()! / max(1, numeric.map(abs).max()!)
            XCTAssertLessThanOrEqual(err, 1e-6, "∂R/∂θ for \(p.shape): \(err)")
        }
    }

    func testRegistryBuildsTaylorWithOrderAndPenaltyOptions() throws {
        XCTAssertTrue(RegularizerRegistry.names.contains("taylor"))
        let reg = try RegularizerRegistry.make("taylor", options: RegularizerOptions(parsing: "order=3,absolute=false,threshold=0.2,detach=true"))
        let taylor = try XCTUnwrap(reg as? DirectionalTaylor)
        XCTAssertEqual(taylor.order, 3)
        XCTAssertEqual(taylor.options.absolute, false)
        XCTAssertEqual(taylor.options.threshold, 0.2)
        XCTAssertEqual(taylor.options.detachResidual, true)
        XCTAssertEqual(try XCTUnwrap(RegularizerRegistry.make("taylor") as? DirectionalTaylor).order, 2)
        XCTAssertFalse(reg.usesCleanLogits)
    }

    func testBadTaylorOptionsGiveClearErrors() {
        for (text, needle) in [("order=0", "order must be between 1 and 8, got 0"),
                               ("order=9", "got 9"), ("order=two", "order=two"),
                               ("ordr=2", "ordr"), ("threshold=-1", "threshold must be ≥ 0")] {
            XCTAssertThrowsError(try RegularizerRegistry.make("taylor", options: RegularizerOptions(parsing: text))) {
                XCTAssertTrue("\($0)".contains(needle), "\(text): \($0)")
            }
        }
    }
}
