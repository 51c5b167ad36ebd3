import MixupCore
import MixupExperiments
import MixupNN
import MixupRegularizers
import XCTest

final class TheoremOneTests: XCTestCase {
    func testQuadratureOverALambdaReproducesClosedFormMoments() {
        for alpha in [0.05, 0.2, 1.0] {
            let mixing = MixingDistribution(alpha: alpha)
            for j in 1...4 {
                let q = TheoremOneStudy.expectationOverA(alpha: alpha) { Foundation.pow($0, Double(j)) }
                XCTAssertEqual(q, mixing.momentOfA(order: j), accuracy: 1e-8 * mixing.momentOfA(order: j), "α=\(alpha) j=\(j)")
            }
        }
    }

    func testTaylorCoefficientsOfAKnownFunction() {
        // φ(a) = exp(2a): c_m = 2^m / m!.
        let c = TheoremOneStudy.taylorCoefficients(maxOrder: 4, step: 0.03) { a in Tensor(shape: [1], scalars: [Foundation.exp(2 * a)]) }
        for (m, expected) in [1.0, 2, 2, 4.0 / 3, 2.0 / 3].enumerated() {
            XCTAssertEqual(c[m].scalars[0], expected, accuracy: 1e-7, "c_\(m)")
        }
    }

    /// The study's Taylor-mode coefficients of φ(a) = l(f(x + a·v), y) agree with a degree-8
    /// interpolation of φ computed from plain forward passes (no shared code), for both losses.
    func testTaylorModeCoefficientsMatchInterpolationOfTheLineLoss() {
        var rng = SeededGenerator(seed: 22)
        let model = MLP<Double>(widths: [3, 5, 3], activation: .gelu, using: &rng)
        let x = centeredInputs(n: 6, d: 3, seed: 5), v = centeredInputs(n: 6, d: 3, seed: 6) * 0.7
        for (loss, targets) in [(ClassificationLoss.crossEntropy, cyclicOneHot(n: 6, classes: 3)),
                                (.logistic, cyclicOneHot(n: 6, classes: 3))] {
            let jet = TheoremOneStudy.taylorCoefficients(model: model, at: x, along: v, labels: targets,
                                                         loss: loss, maxOrder: 4)
            let interpolated = TheoremOneStudy.taylorCoefficients(maxOrder: 4, step: 0.03) { a in
                TheoremOneStudy.perSampleLoss(model(Variable(constant: x + v * a)).value, targets, loss)
            }
            for m in 0...4 {
                XCTAssertEqual(jet[m].shape, interpolated[m].shape, "\(loss) c_\(m)")
                for (a, b) in zip(jet[m].scalars, interpolated[m].scalars) {
                    XCTAssertEqual(a, b, accuracy: 1e-6 * max(1, abs(b)), "\(loss) c_\(m)")
                }
            }
        }
    }

    func testTruncationErrorShrinksWithOrderOnSmoothTinyModel() throws {
        var rng = SeededGenerator(seed: 21)
        let model = MLP<Double>(widths: [3, 6, 2], activation: .tanh, using: &rng)
        let x = centeredInputs(n: 30, d: 3, seed: 4) * 0.5
        var study = TheoremOneStudy()
        study.alphas = [0.1, 0.5]
        study.pairCount = 40
        study.lambdaDraws = 400
        let rows = try study.run(model: model, inputs: x, targets: cyclicOneHot(n: 30, classes: 2), loss: .crossEntropy)
        for r in rows {
            let e = r.truncationErrors
            XCTAssertGreaterThan(e[0], 1e-6, "first-order truncation must leave something to shrink")
            XCTAssertLessThan(e[3], e[0], "α=\(r.alpha): \(e)")
            XCTAssertLessThan(e[1], e[0], "α=\(r.alpha): \(e)")
            // The definition's Monte-Carlo value agrees with the D_λ line form within its noise.
            XCTAssertEqual(r.mixupLossMonteCarlo, r.lineLoss, accuracy: 5 * r.monteCarloStandardError + 1e-9)
        }
        XCTAssertLessThan(rows[0].truncationErrors[0], rows[1].truncationErrors[0], "smaller α, smaller first-order error")
    }
}
