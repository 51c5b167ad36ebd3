import MixupCore
import MixupNN
import MixupRegularizers
import XCTest

/// `DirectionalTaylor` with `expectation=partners`: Theorem 1's E_x̄[(x̄ − x_i)^{⊗j}] by Monte Carlo
/// over partner samples from the context. Pins that it collapses to the mean option when every
/// partner is E[x̄], that it really uses the spread of the partners from j = 2 on, that its
/// penalty trains (finite differences), and the option/API surface the trainer codes against.
final class DirectionalTaylorPartnerTests: XCTestCase {
    /// A non-centered classifier batch with one-hot labels, Float64, and partner draws from its rows.
    struct Fixture {
        var x: Tensor<Double>, y: Tensor<Double>, mean: Tensor<Double>
        var n: Int, d: Int

        init(n: Int, d: Int, classes: Int, seed: UInt64) {
            var rng = SeededGenerator(seed: seed)
            x = Tensor<Double>.normal(shape: [n, d], mean: 0.3, using: &rng)
            y = oneHot((0..<n).map { _ in rng.bounded(classes) }, classes: classes)
            mean = (x.sum(alongAxis: 0) * (1 / Double(n))).reshaped([d])
            self.n = n; self.d = d
        }

        /// E[x̄] in every row, shaped like the batch.
        var meanRows: Tensor<Double> { Tensor(zeros: x.shape) + mean.reshaped([1, d]) }

        /// `count` partner tensors whose rows are random rows of the batch (x̄ ~ D_X).
        func drawnPartners(_ count: Int, seed: UInt64) -> [Tensor<Double>] {
            var rng = SeededGenerator(seed: seed)
            return (0..<count).map { _ in x.gathering(rows: (0..<n).map { _ in rng.bounded(n) }) }
        }

        func context<M: Layer>(_ model: M, partners: [Tensor<Double>] = [], alpha: Double = 0.5) -> RegularizerContext<Double>
        where M.Scalar == Double {
            RegularizerContext(model: model, inputs: x, targets: y, dataMean: mean,
                               mixing: MixingDistribution(alpha: alpha), loss: .crossEntropy, partners: partners)
        }
    }

    func model(_ activation: Activation, seed: UInt64, widths: [Int] = [5, 9, 9, 3]) -> MLP<Double> {
        var rng = SeededGenerator(seed: seed)
        return MLP<Double>(widths: widths, activation: activation, bias: true, using: &rng)
    }

    func testPartnersEqualToTheDataMeanReproduceTheMeanOptionBitForBitAtEveryOrder() {
        let batch = Fixture(n: 8, d: 5, classes: 3, seed: 1)
        for (i, act) in [Activation.tanh, .gelu, .softplus].enumerated() {
            let m = model(act, seed: 60 + UInt64(i))
            let mean = DirectionalTaylor(order: 4)
            let meanQs = mean.perOrder(batch.context(m)).map(\.value)
            XCTAssertGreaterThan(meanQs[3].scalars.map(abs).max()!, 1e-6, "\(act): q_4 is live, so equality means something")
            // Powers of two: the pairwise average of K equal terms is exact.
            for k in [1, 2, 4] {
                let partners = Array(repeating: batch.meanRows, count: k)
                let ctx = batch.context(m, partners: partners)
                let taylor = DirectionalTaylor(order: 4, expectation: .partners(samples: k))
                let qs = taylor.perOrder(ctx).map(\.value)
                for j in 0..<4 { XCTAssertEqual(qs[j], meanQs[j], "\(act) K=\(k): q_\(j + 1)") }
                XCTAssertEqual(taylor.perSample(ctx).value, mean.perSample(batch.context(m)).value, "\(act) K=\(k): score")
                XCTAssertEqual(taylor.penalty(ctx).scalar, mean.penalty(batch.context(m)).scalar, "\(act) K=\(k): R")
            }
        }
    }

    func testPartnersBeyondTheRequestedCountAreIgnored() {
        let batch = Fixture(n: 6, d: 5, classes: 3, seed: 2)
        let m = model(.gelu, seed: 70)
        let partners = batch.drawnPartners(2, seed: 3)
        let taylor = DirectionalTaylor(order: 3, expectation: .partners(samples: 2))
        let exact = taylor.perOrder(batch.context(m, partners: partners)).map(\.value)
        let extra = taylor.perOrder(batch.context(m, partners: partners + batch.drawnPartners(3, seed: 4))).map(\.value)
        XCTAssertEqual(exact, extra)
    }

    /// Partners x̄ = E[x̄] ± δ_i average to E[x̄], so the first-order term must agree with the mean
    /// option, while by multilinearity the second-order term gains exactly ∂²f(x_i)[δ_i, δ_i]
    /// (the spread the mean option drops) — itself a partners score with the single partner x_i + δ_i.
    func testPartnersAddTheirSpreadFromSecondOrderOnAndKeepTheFirstOrderMeanTerm() {
        let batch = Fixture(n: 8, d: 5, classes: 3, seed: 5)
        var rng = SeededGenerator(seed: 6)
        let delta = Tensor<Double>.normal(shape: batch.x.shape, standardDeviation: 0.8, using: &rng)
        for (i, act) in [Activation.tanh, .gelu].enumerated() {
            let m = model(act, seed: 80 + UInt64(i))
            let mean = DirectionalTaylor(order: 3).perOrder(batch.context(m)).map(\.value.scalars)
            let spread = DirectionalTaylor(order: 3, expectation: .partners(samples: 2))
                .perOrder(batch.context(m, partners: [batch.meanRows + delta, batch.meanRows - delta])).map(\.value.scalars)
            let alongDelta = DirectionalTaylor(order: 2, expectation: .partners(samples: 1))
                .perOrder(batch.context(m, partners: [batch.x + delta])).map(\.value.scalars)
            let scale = mean[0].map(abs).max()!
            for (a, b) in zip(spread[0], mean[0]) { XCTAssertEqual(a, b, accuracy: 1e-12 * scale, "\(act): q_1") }
            let gap = zip(spread[1], mean[1]).map { $0 - $1 }
            XCTAssertGreaterThan(gap.map(abs).max()!, 1e-3, "\(act): the spread must change q_2")
            let scale2 = alongDelta[1].map(abs).max()!
            for (g, e) in zip(gap, alongDelta[1]) { XCTAssertEqual(g, e, accuracy: 1e-12 * scale2, "\(act): q_2 spread term") }
            XCTAssertGreaterThan(zip(spread[2], mean[2]).map { abs($0 - $1) }.max()!, 1e-3, "\(act): q_3 differs too")
        }
    }

    func testDrawnPartnersGiveDifferentHigherOrderPenaltyThanTheMean() {
        let batch = Fixture(n: 10, d: 5, classes: 3, seed: 7)
        let m = model(.tanh, seed: 90)
        let partners = batch.drawnPartners(4, seed: 8)
        let meanQs = DirectionalTaylor(order: 3).perOrder(batch.context(m)).map(\.value.scalars)
        let partnerQs = DirectionalTaylor(order: 3, expectation: .partners(samples: 4))
            .perOrder(batch.context(m, partners: partners)).map(\.value.scalars)
        for j in 1..<3 {
            let scale = meanQs[j].map(abs).max()!
            XCTAssertGreaterThan(zip(partnerQs[j], meanQs[j]).map { abs($0 - $1) }.max()!, 0.1 * scale, "q_\(j + 1)")
        }
    }

    /// Central differences of R(θ) with fixed partners, for every parameter tensor.
    func testPartnerPenaltyGradientMatchesFiniteDifferences() {
        let batch = Fixture(n: 5, d: 4, classes: 3, seed: 9)
        let m = model(.gelu, seed: 100, widths: [4, 6, 3])
        let partners = batch.drawnPartners(3, seed: 10)
        for reg in [DirectionalTaylor(order: 3, expectation: .partners(samples: 3)),
                    DirectionalTaylor(order: 2, expectation: .partners(samples: 3),
                                      options: { var o = QPenaltyOptions(); o.absolute = false; return o }())] {
            let grads = reg.penalty(batch.context(m, partners: partners)).gradients()
            for p in m.parameters {
                let original = p.value
                var numeric = [Double](repeating: 0, count: original.count)
                for i in 0..<original.count {
                    var plus = original.scalars, minus = original.scalars
                    plus[i] += 1e-6; minus[i] -= 1e-6
                    p.assign(Tensor(shape: original.shape, scalars: plus))
                    let fp = reg.penalty(batch.context(m, partners: partners)).scalar
                    p.assign(Tensor(shape: original.shape, scalars: minus))
                    let fm = reg.penalty(batch.context(m, partners: partners)).scalar
                    numeric[i] = (fp - fm) / 2e-6
                }
                p.assign(original)
                XCTAssertTrue(grads.contains(p), "R depends on \(p.shape)")
                let err = zip(grads[p].scalars, numeric).map { abs($0 - $1) }.max()! / max(1, numeric.map(abs).max()!)
                XCTAssertLessThanOrEqual(err, 1e-6, "order \(reg.order) ∂R/∂θ for \(p.shape): \(err)")
            }
        }
    }

    /// With taped inputs (e.g. graph readouts) the gradient reaches x_i through every x̄_k − x_i.
    func testPartnerPenaltyGradientReachesTapedInputs() {
        let batch = Fixture(n: 4, d: 3, classes: 3, seed: 11)
        let m = model(.tanh, seed: 110, widths: [3, 5, 3])
        let partners = batch.drawnPartners(2, seed: 12)
        let reg = DirectionalTaylor(order: 2, expectation: .partners(samples: 2))
        func penalty(_ x: Variable<Double>) -> Variable<Double> {
            reg.penalty(RegularizerContext(model: m, inputs: x, targets: batch.y, dataMean: batch.mean,
                                           mixing: MixingDistribution(alpha: 0.5), loss: .crossEntropy, partners: partners))
        }
        let x = Variable(parameter: batch.x)
        let analytic = penalty(x).gradients()[x].scalars
        var numeric = [Double](repeating: 0, count: batch.x.count)
        for i in 0..<batch.x.count {
            var plus = batch.x.scalars, minus = batch.x.scalars
            plus[i] += 1e-6; minus[i] -= 1e-6
            numeric[i] = (penalty(Variable(constant: Tensor(shape: batch.x.shape, scalars: plus))).scalar
                          - penalty(Variable(constant: Tensor(shape: batch.x.shape, scalars: minus))).scalar) / 2e-6
        }
        XCTAssertGreaterThan(numeric.map(abs).max()!, 1e-3)
        let err = zip(analytic, numeric).map { abs($0 - $1) }.max()! / max(1, numeric.map(abs).max()!)
        XCTAssertLessThanOrEqual(err, 1e-6, "∂R/∂x: \(err)")
    }

    func testPartnerSampleCountIsAskedOnlyByThePartnersOption() throws {
        XCTAssertEqual(ExactQ().partnerSampleCount, 0, "protocol default")
        XCTAssertEqual(ApproximateQ().partnerSampleCount, 0, "protocol default")
        XCTAssertEqual(DirectionalTaylor(order: 2).partnerSampleCount, 0)
        func make(_ text: String) throws -> DirectionalTaylor {
            try XCTUnwrap(RegularizerRegistry.make("taylor", options: RegularizerOptions(parsing: text)) as? DirectionalTaylor)
        }
        XCTAssertEqual(try make("").expectation, .mean)
        XCTAssertEqual(try make("").partnerSampleCount, 0)
        XCTAssertEqual(try make("expectation=mean").expectation, .mean)
        XCTAssertEqual(try make("expectation=partners").expectation, .partners(samples: DirectionalTaylor.defaultPartnerSamples))
        XCTAssertEqual(try make("expectation=partners").partnerSampleCount, 4)
        let built = try make("order=3,expectation=partners,samples=7,absolute=false")
        XCTAssertEqual(built.expectation, .partners(samples: 7))
        XCTAssertEqual(built.partnerSampleCount, 7)
        XCTAssertEqual(built.order, 3)
        XCTAssertEqual(built.options.absolute, false)
        let asProtocol: any Regularizer = built
        XCTAssertEqual(asProtocol.partnerSampleCount, 7, "seen through the protocol, as the trainer sees it")
    }

    func testContextCarriesPartnersAndDefaultsToNone() {
        let batch = Fixture(n: 4, d: 5, classes: 3, seed: 13)
        let m = model(.gelu, seed: 120)
        XCTAssertTrue(batch.context(m).partners.isEmpty)
        let partners = batch.drawnPartners(2, seed: 14)
        XCTAssertEqual(batch.context(m, partners: partners).partners, partners)
        let taped = RegularizerContext(model: m, inputs: Variable(constant: batch.x), targets: batch.y, dataMean: batch.mean,
                                       mixing: MixingDistribution(alpha: 1), loss: .crossEntropy, partners: partners)
        XCTAssertEqual(taped.partners, partners)
    }

    func testBadPartnerOptionsGiveClearErrors() {
        for (text, needle) in [("expectation=median", "expectation=median: expected one of mean, partners"),
                               ("expectation=Partners", "expected one of mean, partners"),
                               ("expectation=partners,samples=0", "samples must be between 1 and 64, got 0"),
                               ("expectation=partners,samples=65", "got 65"),
                               ("expectation=partners,samples=four", "samples=four: expected an integer"),
                               ("samples=3", "samples only applies with expectation=partners"),
                               ("expectation=mean,samples=3", "samples only applies with expectation=partners"),
                               ("expectation=partners,sample=3", "sample")] {
            XCTAssertThrowsError(try RegularizerRegistry.make("taylor", options: RegularizerOptions(parsing: text)), text) {
                XCTAssertTrue("\($0)".contains(needle), "\(text): \($0)")
            }
        }
    }
}
