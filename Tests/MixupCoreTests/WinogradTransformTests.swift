import CKernels
import MixupCore
import MixupTestSupport
import XCTest

/// The C Winograd F(2×2, 3×3) transforms (CKernels/Winograd.c) against the textbook matrix products
/// Bᵀ d B, Aᵀ M A, A ∂y Aᵀ, G g Gᵀ and Gᵀ ∂U G written out here, on odd and even planes (partial
/// tiles on the far edges), in Float and Double, split over 1, 2 and 3 tasks. Inputs are small
/// integers, so every sum and half is exact and the comparison is for equality: any index,
/// padding or edge mistake shows. Then whole convolutions and their adjoints at 1 and 2 kernel
/// threads, which must agree bit for bit.
final class WinogradTransformTests: XCTestCase {
    static let bt: [[Double]] = [[1, 0, -1, 0], [0, 1, 1, 0], [0, -1, 1, 0], [0, 1, 0, -1]]
    static let at: [[Double]] = [[1, 1, 1, 0], [0, 1, -1, -1]]
    static let g: [[Double]] = [[1, 0, 0], [0.5, 0.5, 0.5], [0.5, -0.5, 0.5], [0, 0, 1]]

    /// (samples, channels, height, width): the 1×1, 3×3, 5×5 and 7×7 planes of the brief, plus even
    /// and mixed sizes. Planes under 15 wide take the gathering path (19 channels: two full blocks of
    /// 8 and a partial one), wider ones the tile-row path.
    static let planes: [(n: Int, c: Int, h: Int, w: Int)] = [
        (2, 3, 1, 1), (2, 3, 3, 3), (1, 4, 5, 5), (3, 2, 7, 7), (2, 3, 4, 4), (1, 2, 2, 9), (2, 2, 7, 2),
        (3, 19, 5, 6), (1, 1, 32, 34), (3, 2, 15, 15), (2, 3, 16, 17),
    ]

    /// `count` integers in −8 … 8 as Doubles.
    func integers(_ data: inout TestData, _ count: Int) -> [Double] {
        data.tensor([count], in: -8...8).scalars.map { $0.rounded() }
    }

    static func stride(_ rows: Int, _ tiles: Int) -> Int { rows * tiles + 16 }

    /// Runs `body` with `threads` 1, 2 and 3 and returns the three results.
    func everyTaskCount<R>(_ body: (Int32) -> R) -> [R] { [1, 2, 3].map { body(Int32($0)) } }

    func testInputTransformEqualsTextbookBtDBOnOddPlanesIncludingPartialTiles() {
        var data = TestData(seed: 901)
        for (n, c, h, w) in Self.planes {
            let th = (h + 1) / 2, tw = (w + 1) / 2, tiles = n * th * tw, xs = Self.stride(c, tiles)
            let x = integers(&data, n * c * h * w)
            var expected = [Double](repeating: .nan, count: 16 * xs)
            for s in 0..<n { for ch in 0..<c { for ty in 0..<th { for tx in 0..<tw {
                func d(_ k: Int, _ l: Int) -> Double {
                    let iy = 2 * ty + k - 1, ix = 2 * tx + l - 1
                    return iy >= 0 && iy < h && ix >= 0 && ix < w ? x[((s * c + ch) * h + iy) * w + ix] : 0
                }
                for i in 0..<4 { for j in 0..<4 {
                    var sum = 0.0
                    for k in 0..<4 { for l in 0..<4 { sum += Self.bt[i][k] * d(k, l) * Self.bt[j][l] } }
                    expected[(4 * i + j) * xs + ch * tiles + (s * th + ty) * tw + tx] = sum
                } }
            } } } }
            let label = "x [\(n), \(c), \(h), \(w)]"
            for (t, v) in everyTaskCount({ threads -> [Double] in
                var v = [Double](repeating: .nan, count: 16 * xs)
                XCTAssertEqual(mixup_winograd_input_f64(x, n, c, h, w, &v, threads), 0)
                return v
            }).enumerated() {
                XCTAssertTrue(zip(v, expected).allSatisfy { $0.isNaN && $1.isNaN || $0 == $1 }, "Double, \(t + 1) tasks, \(label)")
            }
            let xf = x.map(Float.init)
            for (t, v) in everyTaskCount({ threads -> [Float] in
                var v = [Float](repeating: .nan, count: 16 * xs)
                XCTAssertEqual(mixup_winograd_input_f32(xf, n, c, h, w, &v, threads), 0)
                return v
            }).enumerated() {
                XCTAssertTrue(zip(v, expected).allSatisfy { $0.isNaN && $1.isNaN || Double($0) == $1 }, "Float, \(t + 1) tasks, \(label)")
            }
        }
    }

    func testOutputTransformEqualsTextbookAtMAPlusBiasAndWritesOnlyTheInsideOfPartialTiles() {
        var data = TestData(seed: 902)
        for (n, c, h, w) in Self.planes {
            let th = (h + 1) / 2, tw = (w + 1) / 2, tiles = n * th * tw, xs = Self.stride(c, tiles)
            let m = integers(&data, 16 * xs), bias = integers(&data, c)
            var expected = [Double](repeating: .nan, count: n * c * h * w)
            for s in 0..<n { for ch in 0..<c { for ty in 0..<th { for tx in 0..<tw {
                let t = (s * th + ty) * tw + tx
                for i in 0..<2 { for j in 0..<2 where 2 * ty + i < h && 2 * tx + j < w {
                    var sum = 0.0
                    for k in 0..<4 { for l in 0..<4 { sum += Self.at[i][k] * m[(4 * k + l) * xs + ch * tiles + t] * Self.at[j][l] } }
                    expected[((s * c + ch) * h + 2 * ty + i) * w + 2 * tx + j] = sum + bias[ch]
                } }
            } } } }
            let label = "y [\(n), \(c), \(h), \(w)]"
            for (t, y) in everyTaskCount({ threads -> [Double] in
                var y = [Double](repeating: .nan, count: n * c * h * w)
                XCTAssertEqual(mixup_winograd_output_f64(m, n, c, h, w, bias, &y, threads), 0)
                return y
            }).enumerated() {
                XCTAssertEqual(y, expected, "Double, \(t + 1) tasks, \(label)")
            }
            let mf = m.map(Float.init), bf = bias.map(Float.init)
            for (t, y) in everyTaskCount({ threads -> [Float] in
                var y = [Float](repeating: .nan, count: n * c * h * w)
                XCTAssertEqual(mixup_winograd_output_f32(mf, n, c, h, w, bf, &y, threads), 0)
                return y
            }).enumerated() {
                XCTAssertEqual(y.map(Double.init), expected, "Float, \(t + 1) tasks, \(label)")
            }
            // Without a bias: the sums alone.
            var unbiased = [Double](repeating: .nan, count: n * c * h * w)
            XCTAssertEqual(mixup_winograd_output_f64(m, n, c, h, w, nil, &unbiased, 2), 0)
            XCTAssertEqual(unbiased, (0..<expected.count).map { expected[$0] - bias[($0 / (h * w)) % c] }, "no bias, \(label)")
        }
    }

    func testOutputTransformAdjointEqualsTextbookADyAtWithZerosOutsideTheOutput() {
        var data = TestData(seed: 903)
        for (n, c, h, w) in Self.planes {
            let th = (h + 1) / 2, tw = (w + 1) / 2, tiles = n * th * tw, xs = Self.stride(c, tiles)
            let dy = integers(&data, n * c * h * w)
            var expected = [Double](repeating: .nan, count: 16 * xs)
            for s in 0..<n { for ch in 0..<c { for ty in 0..<th { for tx in 0..<tw {
                func y(_ i: Int, _ j: Int) -> Double {
                    let iy = 2 * ty + i, ix = 2 * tx + j
                    return iy < h && ix < w ? dy[((s * c + ch) * h + iy) * w + ix] : 0
                }
                for k in 0..<4 { for l in 0..<4 {
                    var sum = 0.0
                    for i in 0..<2 { for j in 0..<2 { sum += Self.at[i][k] * y(i, j) * Self.at[j][l] } }
                    expected[(4 * k + l) * xs + ch * tiles + (s * th + ty) * tw + tx] = sum
                } }
            } } } }
            let label = "∂y [\(n), \(c), \(h), \(w)]"
            for (t, dm) in everyTaskCount({ threads -> [Double] in
                var dm = [Double](repeating: .nan, count: 16 * xs)
                XCTAssertEqual(mixup_winograd_output_adjoint_f64(dy, n, c, h, w, &dm, threads), 0)
                return dm
            }).enumerated() {
                XCTAssertTrue(zip(dm, expected).allSatisfy { $0.isNaN && $1.isNaN || $0 == $1 }, "Double, \(t + 1) tasks, \(label)")
            }
            let dyf = dy.map(Float.init)
            for (t, dm) in everyTaskCount({ threads -> [Float] in
                var dm = [Float](repeating: .nan, count: 16 * xs)
                XCTAssertEqual(mixup_winograd_output_adjoint_f32(dyf, n, c, h, w, &dm, threads), 0)
                return dm
            }).enumerated() {
                XCTAssertTrue(zip(dm, expected).allSatisfy { $0.isNaN && $1.isNaN || Double($0) == $1 }, "Float, \(t + 1) tasks, \(label)")
            }
        }
    }

    func testWeightTransformAndItsAdjointEqualTextbookGgGtAndGtDUG() {
        var data = TestData(seed: 904)
        for (o, c) in [(1, 1), (3, 5), (7, 2)] {
            let weight = integers(&data, o * c * 9), du = integers(&data, 16 * o * c)
            var forward = [Double](repeating: .nan, count: 16 * o * c)
            var transposed = [Double](repeating: .nan, count: 16 * o * c)
            var adjoint = [Double](repeating: .nan, count: o * c * 9)
            for oc in 0..<o { for ch in 0..<c {
                let f = (oc * c + ch) * 9
                for i in 0..<4 { for j in 0..<4 {
                    var plain = 0.0, rotated = 0.0
                    for k in 0..<3 { for l in 0..<3 {
                        plain += Self.g[i][k] * weight[f + 3 * k + l] * Self.g[j][l]
                        rotated += Self.g[i][k] * weight[f + 8 - 3 * k - l] * Self.g[j][l]
                    } }
                    forward[(4 * i + j) * o * c + oc * c + ch] = plain
                    transposed[(4 * i + j) * o * c + ch * o + oc] = rotated
                } }
                for k in 0..<3 { for l in 0..<3 {
                    var sum = 0.0
                    for i in 0..<4 { for j in 0..<4 { sum += Self.g[i][k] * du[(4 * i + j) * o * c + oc * c + ch] * Self.g[j][l] } }
                    adjoint[f + 3 * k + l] = sum
                } }
            } }
            let label = "W [\(o), \(c), 3, 3]"
            for threads: Int32 in [1, 2, 3] {
                var u = [Double](repeating: .nan, count: 16 * o * c), ut = u, dw = [Double](repeating: .nan, count: o * c * 9)
                mixup_winograd_weight_f64(weight, o, c, 0, &u, threads)
                mixup_winograd_weight_f64(weight, o, c, 1, &ut, threads)
                mixup_winograd_weight_adjoint_f64(du, o, c, &dw, threads)
                XCTAssertEqual(u, forward, "Double U, \(threads) tasks, \(label)")
                XCTAssertEqual(ut, transposed, "Double transposed U, \(threads) tasks, \(label)")
                XCTAssertEqual(dw, adjoint, "Double ∂W, \(threads) tasks, \(label)")
                let wf = weight.map(Float.init), duf = du.map(Float.init)
                var uf = [Float](repeating: .nan, count: 16 * o * c), utf = uf, dwf = [Float](repeating: .nan, count: o * c * 9)
                mixup_winograd_weight_f32(wf, o, c, 0, &uf, threads)
                mixup_winograd_weight_f32(wf, o, c, 1, &utf, threads)
                mixup_winograd_weight_adjoint_f32(duf, o, c, &dwf, threads)
                XCTAssertEqual(uf.map(Double.init), forward, "Float U, \(threads) tasks, \(label)")
                XCTAssertEqual(utf.map(Double.init), transposed, "Float transposed U, \(threads) tasks, \(label)")
                XCTAssertEqual(dwf.map(Double.init), adjoint, "Float ∂W, \(threads) tasks, \(label)")
            }
        }
    }

    /// Shapes with one chunk (transforms split over channels, OpenBLAS's GEMMs), two chunks (one per
    /// task; ∂W's GEMMs split by ξ) and seven chunks (several per task, split unevenly).
    func testWinogradConvolutionAndAllThreeAdjointsAreBitIdenticalAtOneAndTwoKernelThreads() {
        var data = TestData(seed: 905)
        for (xs, o) in [([3, 5, 7, 7], 6), ([6, 40, 16, 16], 36), ([7, 8, 32, 32], 12)] {
            let x = data.tensor(xs), w = data.tensor([o, xs[1], 3, 3], in: -0.3...0.3), b = data.tensor([o])
            let g = data.tensor([xs[0], o, xs[2], xs[3]])
            func winograd<T: TensorScalar>(_ x: Tensor<T>, _ w: Tensor<T>, _ b: Tensor<T>, _ g: Tensor<T>, threads: Int) -> [Tensor<T>] {
                convolutionAndAdjoints(x, w, b, g, stride: 1, padding: 1, algorithm: .winograd, kernelThreads: threads)
            }
            func float(_ t: Tensor<Double>) -> Tensor<Float> { Tensor(shape: t.shape, scalars: t.scalars.map(Float.init)) }
            let one = winograd(x, w, b, g, threads: 1), two = winograd(x, w, b, g, threads: 2)
            let oneF = winograd(float(x), float(w), float(b), float(g), threads: 1)
            let twoF = winograd(float(x), float(w), float(b), float(g), threads: 2)
            let reference = convolutionAndAdjoints(x, w, b, g, stride: 1, padding: 1, algorithm: .im2colGEMM)
            for (k, name) in ["y", "∂x", "∂W", "∂b"].enumerated() {
                XCTAssertEqual(one[k], two[k], "Double \(name), x \(xs) → \(o)")
                XCTAssertEqual(oneF[k], twoF[k], "Float \(name), x \(xs) → \(o)")
                XCTAssertLessThanOrEqual(relativeError(one[k], reference[k]), 1e-12, "\(name), x \(xs) → \(o)")
            }
        }
    }
}
