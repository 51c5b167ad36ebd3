import Foundation
import MixupCore
import XCTest

/// The vectorised Float kernels (exp, sigmoid, the finiteness check) against Foundation's
/// functions evaluated in Float64, over the whole Float range including under/overflow edges,
/// subnormal results, ±∞ and NaN.
final class VectorisedKernelTests: XCTestCase {
    /// Distance from `got` to the exact value `exact` in units in the last place of Float at `exact`
    /// (the spacing of the smallest subnormal below Float's normal range).
    func ulps(_ got: Float, _ exact: Double) -> Double {
        let rounded = Float(exact)
        let spacing = Double(rounded.isFinite ? max(rounded.magnitude.ulp, Float.leastNonzeroMagnitude) : Float.greatestFiniteMagnitude.ulp)
        return abs(Double(got) - exact) / spacing
    }

    /// Every 97th Float bit pattern between −110 and 110 and a dense sweep of the edges: exp agrees
    /// with Foundation's Float64 exp within 2 ulp (the polynomial is within 1 ulp on this machine).
    func testExpIsWithinTwoUlpOfFloat64ExpOverTheWholeRange() {
        var inputs: [Float] = []
        var bits = Float(-110).bitPattern
        let negativeZero = Float(-0.0).bitPattern
        while bits > negativeZero { inputs.append(Float(bitPattern: bits)); bits = bits - negativeZero > 97 ? bits - 97 : negativeZero }
        bits = 0
        while Float(bitPattern: bits) < 110 { inputs.append(Float(bitPattern: bits)); bits += 97 }
        // Around overflow (ln FLT_MAX ≈ 88.7228) and the last subnormal (≈ −103.279), step by step.
        for edge: Float in [88.7228, -87.3365, -103.279, -103.972] {
            var x = edge
            for _ in 0..<400 { x = x.nextDown }
            for _ in 0..<800 { inputs.append(x); x = x.nextUp }
        }
        let y = Tensor(shape: [inputs.count], scalars: inputs).map(.exp)
        var worst = 0.0, worstAt: Float = 0
        for (x, got) in zip(inputs, y.scalars) {
            let exact = Foundation.exp(Double(x))
            if exact > Double(Float.greatestFiniteMagnitude) * (1 + 0x1p-25) {
                XCTAssertEqual(got, .infinity, "exp(\(x)) must overflow to +∞")
                continue
            }
            let u = ulps(got, exact)
            if u > worst { worst = u; worstAt = x }
        }
        XCTAssertLessThanOrEqual(worst, 2, "exp is \(worst) ulp off at \(worstAt)")
    }

    func testExpPropagatesNaNAndInfinitiesAndFlushesOnlyBelowTheSubnormals() {
        let x: [Float] = [.nan, .infinity, -.infinity, 89, -105, 0, -0.0, -103.2, 88.72]
        let y = Tensor(shape: [x.count], scalars: x).map(.exp).scalars
        XCTAssertTrue(y[0].isNaN)
        XCTAssertEqual(y[1], .infinity)
        XCTAssertEqual(y[2], 0)
        XCTAssertEqual(y[3], .infinity)
        XCTAssertEqual(y[4], 0)
        XCTAssertEqual(y[5], 1)
        XCTAssertEqual(y[6], 1)
        XCTAssertTrue(y[7] > 0 && y[7].isSubnormal, "e^−103.2 is a subnormal Float, got \(y[7])")
        XCTAssertTrue(y[8].isFinite && y[8] > 3e38, "e^88.72 is finite, got \(y[8])")
    }

    /// Lengths 0…40 cover the vector body and every remainder.
    func testExpIsAccurateForEveryLengthOfVectorBodyAndRemainder() {
        for n in 0...40 {
            let x = Tensor(shape: [n], scalars: (0..<n).map { Float($0) * 0.37 - 7 })
            let y = x.map(.exp)
            for (a, b) in zip(x.scalars, y.scalars) { XCTAssertLessThanOrEqual(ulps(b, Foundation.exp(Double(a))), 2, "n = \(n), x = \(a)") }
        }
    }

    func testSigmoidIsWithinTwoUlpOfFloat64AndNeverOverflows() {
        var inputs: [Float] = stride(from: Float(-120), through: 120, by: 0.0137).map { $0 }
        inputs += [-.infinity, .infinity, 0, -0.0]
        let y = Tensor(shape: [inputs.count], scalars: inputs).map(.sigmoid)
        for (x, got) in zip(inputs, y.scalars) {
            let exact = x.isInfinite ? (x > 0 ? 1.0 : 0.0) : 1 / (1 + Foundation.exp(-Double(x)))
            XCTAssertLessThanOrEqual(ulps(got, exact), 2, "sigmoid(\(x)) = \(got), exact \(exact)")
        }
        XCTAssertTrue(Tensor<Float>(shape: [1], scalars: [.nan]).map(.sigmoid).scalar.isNaN)
    }

    func testFinitenessCheckFindsOneBadElementAnywhereInBothPrecisions() {
        for n in [1, 7, 8, 33, 1000] {
            XCTAssertTrue(Tensor<Float>(repeating: 3, shape: [n]).isFinite)
            XCTAssertTrue(Tensor<Double>(repeating: -.greatestFiniteMagnitude, shape: [n]).isFinite)
            for bad in [Float.nan, .infinity, -.infinity] {
                for position in Set([0, n / 2, n - 1]) {
                    var s = [Float](repeating: 1, count: n); s[position] = bad
                    XCTAssertFalse(Tensor(shape: [n], scalars: s).isFinite, "\(bad) at \(position) of \(n)")
                    var d = [Double](repeating: 1, count: n); d[position] = Double(bad)
                    XCTAssertFalse(Tensor(shape: [n], scalars: d).isFinite, "\(bad) at \(position) of \(n) (Double)")
                }
            }
        }
        XCTAssertTrue(Tensor<Float>(zeros: [0]).isFinite)
    }
}
