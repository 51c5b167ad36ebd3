import MixupCore
import MixupExperiments
import MixupNN
import XCTest

final class QComparisonTests: XCTestCase {
    private func scores(activation: Activation, bias: Bool, shift: Double = 0)
        -> (exact: [Double], approximate: [Double]) {
        var rng = SeededGenerator(seed: 3)
        let model = MLP<Double>(widths: [5, 16, 16, 3], activation: activation, bias: bias, using: &rng)
        let x = centeredInputs(n: 40, d: 5, seed: 11) + shift
        let mean = x.sum(alongAxis: 0) * (1.0 / 40)
        return QComparison.scores(model: model, inputs: x, targets: cyclicOneHot(n: 40, classes: 3),
                                  dataMean: mean.reshaped([5]), loss: .crossEntropy)
    }

    func testExactAndApproximateQCoincideForCenteredBiasFreeReLU() {
        let s = scores(activation: .relu, bias: false)
        let a = QComparison.agreement(exact: s.exact, approximate: s.approximate)
        XCTAssertGreaterThan(a.maxAbsoluteExact, 1e-3, "the scores must not be trivially zero")
        XCTAssertLessThan(a.maxAbsoluteDifference, 1e-10 * max(1, a.maxAbsoluteExact))
        XCTAssertEqual(a.pearson, 1, accuracy: 1e-12)
        XCTAssertEqual(a.signAgreement, 1)
    }

    func testFloat32AgreementIsAtRoundingLevelForCenteredBiasFreeReLU() {
        var rng = SeededGenerator(seed: 3)
        let model = MLP<Float>(widths: [5, 16, 3], activation: .relu, bias: false, using: &rng)
        let x = Tensor<Float>(centeredInputs(n: 40, d: 5, seed: 12))
        let mean = x.sum(alongAxis: 0) * (1 / Float(40))
        let s = QComparison.scores(model: model, inputs: x, targets: Tensor<Float>(cyclicOneHot(n: 40, classes: 3)),
                                   dataMean: mean.reshaped([5]), loss: .crossEntropy)
        let a = QComparison.agreement(exact: s.exact, approximate: s.approximate)
        XCTAssertLessThan(a.maxAbsoluteDifference, 1e-5 * max(1, a.maxAbsoluteExact))
    }

    func testBiasesOrSmoothActivationsMakeThemDrift() {
        for (activation, bias) in [(Activation.relu, true), (.tanh, false), (.gelu, true)] {
            let s = scores(activation: activation, bias: bias)
            let a = QComparison.agreement(exact: s.exact, approximate: s.approximate)
            XCTAssertGreaterThan(a.maxAbsoluteDifference, 1e-3, "\(activation) bias=\(bias) should break J_f(x)x = f(x)")
        }
    }

    func testUncenteredDataMakesThemDriftEvenForBiasFreeReLU() {
        let centered = scores(activation: .relu, bias: false)
        let shifted = scores(activation: .relu, bias: false, shift: 0.7)
        // Shifting x and E[x̄] together leaves E[x̄] − x unchanged, so q is the same function of the
        // shifted point, but q̄ = (y − g)ᵀ f no longer equals it because E[x̄] ≠ 0.
        let a = QComparison.agreement(exact: shifted.exact, approximate: shifted.approximate)
        XCTAssertGreaterThan(a.maxAbsoluteDifference, 1e-3)
        XCTAssertEqual(centered.exact.count, shifted.exact.count)
    }

    func testAgreementStatisticsOnKnownVectors() {
        let a = QComparison.agreement(exact: [1, -2, 4, 0.5], approximate: [1, -1, 4.4, -0.5], epsilon: 0)
        // relative errors: 0, 0.5, 0.1, 2 → median 0.3, mean 0.65; signs agree on 3 of 4.
        XCTAssertEqual(a.medianRelativeError, 0.3, accuracy: 1e-12)
        XCTAssertEqual(a.meanRelativeError, 0.65, accuracy: 1e-12)
        XCTAssertEqual(a.signAgreement, 0.75)
        XCTAssertEqual(a.maxAbsoluteDifference, 1, accuracy: 1e-12)
        XCTAssertEqual(a.maxAbsoluteExact, 4)
    }
}
