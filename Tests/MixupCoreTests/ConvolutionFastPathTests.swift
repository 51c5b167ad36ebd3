import MixupCore
import MixupTestSupport
import XCTest

/// The specialised kernel paths: "same"-width im2col (stride 1, OW = W, e.g. 5×5 with padding 2)
/// under both convolution algorithms, and the 2×2/stride-2 max pooling routing. Each is checked
/// against plain loops, independently of the kernels. (Multi-chunk gradients: DirectConvolutionTests.)
final class ConvolutionFastPathTests: XCTestCase {
    func testSameWidthConvolutionMatchesDirectLoops() {
        var data = TestData(seed: 41)
        // OW = W in each: 5×5 pad 2 (LeNet's conv1), a kernel taller than the input, a non-square kernel.
        let cases: [([Int], [Int], Int)] = [([2, 2, 6, 6], [3, 2, 5, 5], 2), ([2, 1, 3, 3], [2, 1, 5, 5], 2),
                                            ([1, 2, 4, 5], [2, 2, 5, 3], 1), ([1, 1, 1, 1], [1, 1, 5, 5], 2)]
        forEachConvolutionAlgorithm { algorithm in
        for (xs, ws, p) in cases {
            let x = data.tensor(xs), w = data.tensor(ws), b = data.tensor([ws[0]])
            let y = Variable.conv2d(Variable(constant: x), weight: Variable(constant: w), bias: Variable(constant: b),
                                    stride: 1, padding: p)
            let expected = referenceConvolution(x, w, b, stride: 1, padding: p)
            XCTAssertEqual(y.shape, expected.shape, "\(algorithm) x \(xs) w \(ws)")
            XCTAssertLessThanOrEqual(relativeError(y.value, expected), 1e-12, "\(algorithm) x \(xs) w \(ws)")
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
