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
            // The definition's Monte-Carlo value agrees with the D_λ line form within the noise of
            // their difference (equal in expectation over anchors and partners, not anchor by anchor).
            XCTAssertEqual(r.mixupLossMonteCarlo, r.lineLoss, accuracy: 5 * r.definitionMinusLineStandardError + 1e-9)
            XCTAssertEqual(r.truncationStandardErrors.count, 4)
            // The first-order truncation error is resolved: well above its Monte-Carlo noise.
            XCTAssertFalse(r.truncationErrorIsBelowNoise(order: 1), "α=\(r.alpha): \(e) ± \(r.truncationStandardErrors)")
        }
        XCTAssertLessThan(rows[0].truncationErrors[0], rows[1].truncationErrors[0], "smaller α, smaller first-order error")
    }

    /// The `taylor` regularizer's `expectation=partners` scores against an independent computation:
    /// for each partner x̄_k, j!·c_j of t ↦ f(x_i + t(x̄_k − x_i)) from a degree-8 interpolation of
    /// plain forward passes (no `Jet` code), averaged over k and contracted with g(f(x_i)) − y_i.
    func testPartnerTaylorScoresMatchInterpolatedDirectionalDerivativesAveragedOverPartners() {
        var rng = SeededGenerator(seed: 31)
        let model = MLP<Double>(widths: [3, 6, 3], activation: .gelu, using: &rng)
        let x = centeredInputs(n: 6, d: 3, seed: 7) * 0.6, y = cyclicOneHot(n: 6, classes: 3)
        let partners = (0..<3).map { centeredInputs(n: 6, d: 3, seed: 40 + UInt64($0)) * 0.6 }
        let mean = Tensor<Double>(zeros: [3])
        let context = RegularizerContext(model: model, inputs: x, targets: y, dataMean: mean,
                                         mixing: MixingDistribution(alpha: 0.5), loss: .crossEntropy, partners: partners)
        let qs = DirectionalTaylor(order: 4, expectation: .partners(samples: 3)).perOrder(context).map(\.value.scalars)
        let meanQs = DirectionalTaylor(order: 4).perOrder(context).map(\.value.scalars)
        let residual = model(Variable(constant: x)).softmax(alongAxis: 1).value - y
        var averaged = [Tensor<Double>](repeating: Tensor(zeros: [6, 3]), count: 5)
        for partner in partners {
            let c = TheoremOneStudy.taylorCoefficients(maxOrder: 4, step: 0.02) { t in
                model(Variable(constant: x + (partner - x) * t)).value
            }
            for j in 1...4 { averaged[j] = averaged[j] + c[j] * (1 / 3.0) }
        }
        var factorial = 1.0
        for j in 1...4 {
            factorial *= Double(j)
            let reference = (residual * averaged[j] * factorial).sum(alongAxis: 1).scalars
            let scale = reference.map(abs).max()!
            XCTAssertGreaterThan(scale, 1e-4, "q_\(j) is live")
            for (a, b) in zip(qs[j - 1], reference) { XCTAssertEqual(a, b, accuracy: 1e-6 * max(1, scale), "q_\(j)") }
            if j >= 2 {
                // Not the mean option's (E[x̄] − x_i)^{⊗j}: the option is really in use.
                XCTAssertGreaterThan(zip(qs[j - 1], meanQs[j - 1]).map { abs($0 - $1) }.max()!, 1e-3 * scale, "q_\(j) vs mean")
            }
        }
    }

    /// The study's partner-averaged loss coefficients equal the average over partners of a
    /// degree-8 interpolation of l(f(x + a(x̄_k − x)), y) from plain forward passes.
    func testStudyPartnerAveragedCoefficientsMatchInterpolationAveragedOverPartners() {
        var rng = SeededGenerator(seed: 32)
        let model = MLP<Double>(widths: [3, 5, 3], activation: .tanh, using: &rng)
        let x = centeredInputs(n: 5, d: 3, seed: 8) * 0.5, y = cyclicOneHot(n: 5, classes: 3)
        let partners = (0..<4).map { centeredInputs(n: 5, d: 3, seed: 50 + UInt64($0)) * 0.5 }
        for loss in [ClassificationLoss.crossEntropy, .logistic] {
            let jet = TheoremOneStudy.partnerAveragedTaylorCoefficients(model: model, at: x, partners: partners,
                                                                        labels: y, loss: loss, maxOrder: 4)
            var reference = [Tensor<Double>](repeating: Tensor(zeros: [5]), count: 5)
            for partner in partners {
                let c = TheoremOneStudy.taylorCoefficients(maxOrder: 4, step: 0.03) { a in
                    TheoremOneStudy.perSampleLoss(model(Variable(constant: x + (partner - x) * a)).value, y, loss)
                }
                for m in 0...4 { reference[m] = reference[m] + c[m] * 0.25 }
            }
            for m in 0...4 {
                XCTAssertEqual(jet[m].shape, [5], "\(loss) c̄_\(m)")
                for (a, b) in zip(jet[m].scalars, reference[m].scalars) {
                    XCTAssertEqual(a, b, accuracy: 1e-6 * max(1, abs(b)), "\(loss) c̄_\(m)")
                }
            }
        }
    }

    func testReportPrintsEveryTruncationErrorWithItsStandardErrorAndMarksThoseBelowNoise() throws {
        var rng = SeededGenerator(seed: 33)
        let model = MLP<Double>(widths: [3, 4, 2], activation: .tanh, using: &rng)
        var study = TheoremOneStudy()
        study.alphas = [0.2]
        study.maxOrder = 3
        study.pairCount = 12
        study.partnerSamples = 2
        study.lambdaDraws = 4
        var rows = try study.run(model: model, inputs: centeredInputs(n: 10, d: 3, seed: 9),
                                 targets: cyclicOneHot(n: 10, classes: 2), loss: .crossEntropy)
        XCTAssertEqual(rows.count, 1)
        XCTAssertTrue(rows[0].truncationStandardErrors.allSatisfy { $0 > 0 && $0.isFinite }, "\(rows[0].truncationStandardErrors)")
        // Force one clear case of each kind, so the test does not depend on this sample's noise.
        rows[0].truncationErrors = [1e-2, 1e-5, 3e-6]
        rows[0].truncationStandardErrors = [1e-4, 1e-5, 1e-6]
        XCTAssertFalse(rows[0].truncationErrorIsBelowNoise(order: 1))
        XCTAssertTrue(rows[0].truncationErrorIsBelowNoise(order: 2))
        XCTAssertFalse(rows[0].truncationErrorIsBelowNoise(order: 3), "3 SE is resolved")
        let text = TheoremOneReport.markdown(rows)
        let marker = TheoremOneReport.belowNoiseMarker
        XCTAssertTrue(text.contains("| 1.000e-02 ± 1.0e-04 | 1.000e-05 ± 1.0e-05 \(marker) | 3.000e-06 ± 1.0e-06 |"), text)
        XCTAssertTrue(text.contains("\(marker) below Monte-Carlo noise"), text)
        rows[0].truncationErrors[1] = 5e-5
        let resolved = TheoremOneReport.markdown(rows)
        XCTAssertFalse(resolved.contains(marker), "no marker and no note when every error is resolved: \(resolved)")
        let csv = TheoremOneReport.csv(rows).split(separator: "\n").map { $0.split(separator: ",").map(String.init) }
        let header = try XCTUnwrap(csv.first)
        for column in ["abs_error_J1", "abs_error_se_J1", "abs_error_se_J3", "mc_minus_line_standard_error"] {
            XCTAssertTrue(header.contains(column), "\(column) in \(header)")
        }
        let values = csv[1]
        XCTAssertEqual(values.count, header.count)
        XCTAssertEqual(Double(values[header.firstIndex(of: "abs_error_se_J2")!]), 1e-5)
    }

    func testStudyRejectsZeroPartnerSamples() {
        var rng = SeededGenerator(seed: 34)
        let model = MLP<Double>(widths: [3, 4, 2], activation: .tanh, using: &rng)
        var study = TheoremOneStudy()
        study.partnerSamples = 0
        XCTAssertThrowsError(try study.run(model: model, inputs: centeredInputs(n: 10, d: 3, seed: 9),
                                           targets: cyclicOneHot(n: 10, classes: 2), loss: .crossEntropy)) {
            XCTAssertTrue("\($0)".contains("partner sample"), "\($0)")
        }
    }

    /// The rewriting the study's "line" column rests on, pair by pair: for one pair (x_i, x_j) the
    /// definition E_{λ~Beta(α,α)} l(λx_i + (1−λ)x_j, λy_i + (1−λ)y_j) equals
    /// ½[E_{a~Beta(α,α+1)} l(x_i + a(x_j − x_i), y_i) + the same with i and j swapped]. The study
    /// compares the two forms only on average over anchors (where they agree in expectation), so
    /// this pins the identity tightly: many λ draws on one pair against quadrature.
    func testDefinitionEqualsSymmetrisedLineFormForOnePair() {
        var rng = SeededGenerator(seed: 35)
        let model = MLP<Double>(widths: [3, 6, 2], activation: .tanh, using: &rng)
        let x = centeredInputs(n: 2, d: 3, seed: 10) * 1.5, y = cyclicOneHot(n: 2, classes: 2)
        let xi = x.slicing(rows: 0..<1), xj = x.slicing(rows: 1..<2)
        let yi = y.slicing(rows: 0..<1), yj = y.slicing(rows: 1..<2)
        let draws = 20_000
        for alpha in [0.2, 1.0] {
            let lambdas = (0..<draws).map { _ in rng.beta(alpha, alpha) }
            let column = Tensor(shape: [draws, 1], scalars: lambdas)
            let complement = Tensor(shape: [draws, 1], scalars: lambdas.map { 1 - $0 })
            let ones = Tensor<Double>(repeating: 1, shape: [draws, 1])
            let mixed = ones.matmul(xi) * column + ones.matmul(xj) * complement
            let mixedLabels = ones.matmul(yi) * column + ones.matmul(yj) * complement
            let values = TheoremOneStudy.perSampleLoss(model(Variable(constant: mixed)).value, mixedLabels, .crossEntropy).scalars
            let mc = values.reduce(0, +) / Double(draws)
            let sd = (values.map { ($0 - mc) * ($0 - mc) }.reduce(0, +) / Double(draws - 1)).squareRoot()
            func line(_ from: Tensor<Double>, _ to: Tensor<Double>, _ label: Tensor<Double>) -> Double {
                TheoremOneStudy.expectationOverA(alpha: alpha) { a in
                    TheoremOneStudy.perSampleLoss(model(Variable(constant: from + (to - from) * a)).value, label, .crossEntropy).scalars[0]
                }
            }
            let symmetrised = (line(xi, xj, yi) + line(xj, xi, yj)) / 2
            XCTAssertGreaterThan(abs(line(xi, xj, yi) - line(xj, xi, yj)), 20 * sd / Double(draws).squareRoot(),
                                 "α=\(alpha): the two directions differ, so the symmetrisation matters")
            XCTAssertEqual(mc, symmetrised, accuracy: 4 * sd / Double(draws).squareRoot(), "α=\(alpha)")
        }
    }
}
