import MixupCore
import XCTest

/// The specialised kernel paths LeNet-5 runs on: "same"-width im2col (stride 1, OW = W, e.g.
/// 5×5 with padding 2), cache-sized sample chunks (several GEMMs per batch, ∂W accumulated
/// across them) and the 2×2/stride-2 max pooling loop. Each is checked against direct loops
/// written here, independently of the kernels.
final class ConvolutionFastPathTests: XCTestCase {
    /// y[n, o, i, j] = b[o] + Σ_c Σ_ki Σ_kj W[o, c, ki, kj] · x[n, c, i·s − p + ki, j·s − p + kj] (zero outside).
    func directConv(_ x: Tensor<Double>, _ w: Tensor<Double>, _ b: Tensor<Double>?, stride s: Int, padding p: Int) -> Tensor<Double> {
        let (n, c, h, wd) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let (o, kh, kw) = (w.shape[0], w.shape[2], w.shape[3])
        let oh = (h + 2 * p - kh) / s + 1, ow = (wd + 2 * p - kw) / s + 1
        var out = [Double](repeating: 0, count: n * o * oh * ow)
        for i in 0..<n { for q in 0..<o { for y in 0..<oh { for z in 0..<ow {
            var acc = b?.scalars[q] ?? 0
            for ch in 0..<c { for ki in 0..<kh { for kj in 0..<kw {
                let iy = y * s - p + ki, ix = z * s - p + kj
                if iy >= 0 && iy < h && ix >= 0 && ix < wd {
                    acc += w.scalars[((q * c + ch) * kh + ki) * kw + kj] * x.scalars[((i * c + ch) * h + iy) * wd + ix]
                }
            }}}
            out[((i * o + q) * oh + y) * ow + z] = acc
        }}}}
        return Tensor(shape: [n, o, oh, ow], scalars: out)
    }

    func dot(_ a: Tensor<Double>, _ b: Tensor<Double>) -> Double {
        zip(a.scalars, b.scalars).reduce(0) { $0 + $1.0 * $1.1 }
    }

    func testSameWidthConvolutionMatchesDirectLoops() {
        var data = TestData(seed: 41)
        // OW = W in each: 5×5 pad 2 (LeNet's conv1), a kernel taller than the input, a non-square kernel.
        let cases: [([Int], [Int], Int)] = [([2, 2, 6, 6], [3, 2, 5, 5], 2), ([2, 1, 3, 3], [2, 1, 5, 5], 2),
                                            ([1, 2, 4, 5], [2, 2, 5, 3], 1), ([1, 1, 1, 1], [1, 1, 5, 5], 2)]
        for (xs, ws, p) in cases {
            let x = data.tensor(xs), w = data.tensor(ws), b = data.tensor([ws[0]])
            let y = Variable.conv2d(Variable(constant: x), weight: Variable(constant: w), bias: Variable(constant: b),
                                    stride: 1, padding: p)
            let expected = directConv(x, w, b, stride: 1, padding: p)
            XCTAssertEqual(y.shape, expected.shape, "x \(xs) w \(ws)")
            XCTAssertLessThanOrEqual(relativeError(y.value, expected), 1e-12, "x \(xs) w \(ws)")
        }
    }

    /// The pullbacks are the adjoints of the (linear) forward: ⟨conv(x, W′), G⟩ = ⟨W′, ∂W⟩ and
    /// ⟨conv(x′, W), G⟩ = ⟨x′, ∂x⟩ for the gradients of ⟨conv(x, W), G⟩. Shapes are chosen so one
    /// sample's patch matrix exceeds the chunk budget: the batch runs as several GEMMs.
    func testMultiChunkConvolutionGradientsAreAdjointsOfTheForward() {
        var data = TestData(seed: 42)
        for (xs, ws, p) in [([3, 2, 20, 20], [3, 2, 5, 5], 2), ([5, 6, 14, 14], [4, 6, 5, 5], 0)] {
            let x = data.tensor(xs), w = data.tensor(ws), b = data.tensor([ws[0]])
            let xv = Variable(differentiable: x), wv = Variable(parameter: w), bv = Variable(parameter: b)
            let y = Variable.conv2d(xv, weight: wv, bias: bv, stride: 1, padding: p)
            let g = data.tensor(y.shape)
            let grads = (y * Variable(constant: g)).sum().gradients()
            let dx = grads[xv], dw = grads[wv], db = grads[bv]
            let wProbe = data.tensor(ws), xProbe = data.tensor(xs)
            let lhsW = dot(directConv(x, wProbe, nil, stride: 1, padding: p), g)
            let lhsX = dot(directConv(xProbe, w, nil, stride: 1, padding: p), g)
            XCTAssertEqual(dot(wProbe, dw), lhsW, accuracy: 1e-9 * max(1, abs(lhsW)), "∂W for x \(xs)")
            XCTAssertEqual(dot(xProbe, dx), lhsX, accuracy: 1e-9 * max(1, abs(lhsX)), "∂x for x \(xs)")
            let plane = y.shape[2] * y.shape[3]
            for o in 0..<ws[0] {
                var s = 0.0
                for i in 0..<xs[0] { for q in 0..<plane { s += g.scalars[(i * ws[0] + o) * plane + q] } }
                XCTAssertEqual(db.scalars[o], s, accuracy: 1e-9 * max(1, abs(s)), "∂b[\(o)]")
            }
        }
    }

    /// 2×2/stride-2 max pooling: value and routing equal a direct scan in row-major window order
    /// where the first maximum wins on ties and a NaN replaces the running maximum (−∞ included).
    func testTwoByTwoMaxPoolRoutesToFirstMaximumAndPropagatesNaN() {
        var data = TestData(seed: 43)
        var x = data.tensor([2, 2, 5, 7]).scalars.map { ($0 * 2).rounded() / 2 }   // many ties
        x[0] = .nan; x[23] = .nan; x[24] = .nan                                   // NaN first; two NaNs in one window
        for i in [35, 36, 42, 43] { x[i] = -.infinity }                          // a window of −∞ only
        let input = Tensor(shape: [2, 2, 5, 7], scalars: x)
        let (y, arg) = Variable(constant: input).maxPool2dWithIndices(kernel: 2, stride: 2)
        XCTAssertEqual(y.shape, [2, 2, 2, 3])
        var k = 0
        for plane in 0..<4 { for oy in 0..<2 { for ox in 0..<3 {
            var best = -Double.infinity, bestIndex = plane * 35 + 2 * oy * 7 + 2 * ox
            for dy in 0..<2 { for dx in 0..<2 {
                let idx = plane * 35 + (2 * oy + dy) * 7 + 2 * ox + dx
                if x[idx] > best || x[idx].isNaN { best = x[idx]; bestIndex = idx }
            }}
            XCTAssertEqual(arg[k], bestIndex, "window \(k)")
            XCTAssertTrue(y.value.scalars[k] == best || (best.isNaN && y.value.scalars[k].isNaN), "window \(k)")
            k += 1
        }}}
    }
}
