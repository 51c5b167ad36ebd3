import MixupCore
import MixupTestSupport
import XCTest

/// Winograd F(2×2, 3×3) (`ConvolutionAlgorithm.winograd`): values and all three adjoints against
/// im2col + GEMM and the textbook loops in Float64 for every tile situation (full, partial, a single
/// partial tile), its Float32 error against a Float64 reference, gradients and tangents of the taped
/// op, the JVP and the fused BN → ReLU → conv op against finite differences, and the automatic rule.
final class WinogradConvolutionTests: XCTestCase {
    override func tearDown() {
        ConvolutionAlgorithm.preferred = .automatic
        super.tearDown()
    }

    /// Input `[N, C, H, W]`, output channels, bias or not: batch 1 and 3, channels 1/5/16, planes
    /// 1×1 … 8×8 (odd sizes end in partial tiles), and non-square planes.
    static let shapes: [(x: [Int], outputs: Int, bias: Bool)] = [
        ([1, 1, 1, 1], 1, true),     // a single partial tile: only its top-left output lies inside
        ([3, 5, 2, 2], 16, false),   // one full tile
        ([1, 16, 3, 3], 5, true),    // 2×2 tiles, last row and column partial
        ([3, 1, 4, 4], 5, false),
        ([1, 5, 5, 5], 1, true),
        ([3, 16, 7, 7], 16, true),   // ResNet's 7×7: partial tiles along both edges
        ([1, 5, 8, 8], 16, false),
        ([3, 16, 8, 8], 1, true),
        ([3, 5, 7, 2], 5, true),     // odd height, even width
        ([1, 16, 2, 9], 16, false),  // even height, odd width
    ]

    /// y = conv(x, W) + b and the gradients ∂x, ∂W, ∂b of Σ G ⊙ y, with `algorithm` pinned.
    func convolution<T: TensorScalar>(_ algorithm: ConvolutionAlgorithm, _ x: Tensor<T>, _ w: Tensor<T>,
                                      _ b: Tensor<T>?, _ g: Tensor<T>) -> [Tensor<T>] {
        ConvolutionAlgorithm.preferred = algorithm
        defer { ConvolutionAlgorithm.preferred = .automatic }
        let xv = Variable(parameter: x), wv = Variable(parameter: w), bv = b.map { Variable(parameter: $0) }
        let y = Variable.conv2d(xv, weight: wv, bias: bv, stride: 1, padding: 1)
        let grads = (y * Variable(constant: g)).sum().gradients()
        return [y.value, grads[xv], grads[wv]] + (bv.map { [grads[$0]] } ?? [])
    }

    func testWinogradEqualsIm2colAndTheTextbookLoopsInFloat64ForEveryTileSituation() {
        var data = TestData(seed: 131)
        for (xs, o, hasBias) in Self.shapes {
            let ws = [o, xs[1], 3, 3]
            let x = data.tensor(xs), w = data.tensor(ws), b = hasBias ? data.tensor([o]) : nil
            let g = data.tensor([xs[0], o, xs[2], xs[3]])
            ConvolutionAlgorithm.preferred = .winograd
            XCTAssertEqual(ConvolutionAlgorithm.scheme(input: xs, weight: ws, stride: 1, padding: 1), .winograd, "\(xs)")
            let winograd = convolution(.winograd, x, w, b, g), im2col = convolution(.im2colGEMM, x, w, b, g)
            let label = "x \(xs) → \(o) channels, bias \(hasBias)"
            XCTAssertLessThanOrEqual(relativeError(winograd[0], referenceConvolution(x, w, b, stride: 1, padding: 1)), 1e-12, label)
            for (k, name) in ["y", "∂x", "∂W", "∂b"].enumerated() where k < winograd.count {
                let err = relativeError(winograd[k], im2col[k])
                XCTAssertLessThanOrEqual(err, 1e-12, "\(name), \(label): \(err)")
            }
            // One adjoint at a time (∂x alone, ∂W alone) must give the same tensors as all together.
            ConvolutionAlgorithm.preferred = .winograd
            let wOnly = Variable(parameter: w), xOnly = Variable(parameter: x)
            let yw = Variable.conv2d(Variable(constant: x), weight: wOnly, bias: nil, stride: 1, padding: 1)
            let yx = Variable.conv2d(xOnly, weight: Variable(constant: w), bias: nil, stride: 1, padding: 1)
            let dwAlone = (yw * Variable(constant: g)).sum().gradients()
            let dxAlone = (yx * Variable(constant: g)).sum().gradients()
            XCTAssertLessThanOrEqual(relativeError(dxAlone[xOnly], im2col[1]), 1e-12, "∂x alone, \(label)")
            XCTAssertLessThanOrEqual(relativeError(dwAlone[wOnly], im2col[2]), 1e-12, "∂W alone, \(label)")
            ConvolutionAlgorithm.preferred = .automatic
        }
    }

    /// 15 samples of 64 channels on 24×24 planes (144 tiles each) run as chunks of two samples (the
    /// chunk rule aims at 256 tiles), the last of one sample: chunk boundaries must not show.
    func testWinogradSplitsLargeBatchesIntoChunksWithoutChangingResults() {
        var data = TestData(seed: 132)
        let x = data.tensor([15, 64, 24, 24]), w = data.tensor([64, 64, 3, 3], in: -0.1...0.1)
        let b = data.tensor([64]), g = data.tensor([15, 64, 24, 24])
        let winograd = convolution(.winograd, x, w, b, g), im2col = convolution(.im2colGEMM, x, w, b, g)
        for (k, name) in ["y", "∂x", "∂W", "∂b"].enumerated() {
            XCTAssertLessThanOrEqual(relativeError(winograd[k], im2col[k]), 1e-12, name)
        }
    }

    /// Float32 Winograd against the Float64 result of the same (Float-representable) inputs, next to
    /// Float32 im2col's error on the same problem. The transforms only add and halve, so rounding
    /// grows by a small constant factor over the plain dot products: Winograd's max error relative
    /// to max |reference| must stay within 4× im2col's and under 1e-5 (both print when run).
    /// Two runs with the same inputs give bit-identical results (same thread count).
    func testWinogradInFloat32StaysWithinRoundingOfTheFloat64Result() {
        var data = TestData(seed: 133)
        for (xs, o) in [([2, 64, 8, 8], 64), ([3, 16, 7, 7], 32), ([2, 128, 4, 4], 128)] {
            let ws = [o, xs[1], 3, 3]
            func rounded(_ t: Tensor<Double>) -> Tensor<Double> { Tensor(shape: t.shape, scalars: t.scalars.map { Double(Float($0)) }) }
            func float(_ t: Tensor<Double>) -> Tensor<Float> { Tensor(shape: t.shape, scalars: t.scalars.map(Float.init)) }
            func double(_ t: Tensor<Float>) -> Tensor<Double> { Tensor(shape: t.shape, scalars: t.scalars.map(Double.init)) }
            let x = rounded(data.tensor(xs)), w = rounded(data.tensor(ws, in: -0.2...0.2)), b = rounded(data.tensor([o]))
            let g = rounded(data.tensor([xs[0], o, xs[2], xs[3]]))
            let reference = convolution(.im2colGEMM, x, w, b, g)
            let winograd = convolution(.winograd, float(x), float(w), float(b), float(g))
            let im2col = convolution(.im2colGEMM, float(x), float(w), float(b), float(g))
            let again = convolution(.winograd, float(x), float(w), float(b), float(g))
            for (k, name) in ["y", "∂x", "∂W", "∂b"].enumerated() {
                let scale = reference[k].scalars.map { abs($0) }.max() ?? 1
                func error(_ t: Tensor<Float>) -> Double {
                    zip(double(t).scalars, reference[k].scalars).map { abs($0 - $1) }.max()! / scale
                }
                let winogradError = error(winograd[k]), im2colError = error(im2col[k])
                print("Float32 \(name) x \(xs) → \(o): Winograd \(winogradError), im2col \(im2colError) (relative to max |y|)")
                XCTAssertLessThanOrEqual(winogradError, 1e-5, "\(name) x \(xs)")
                XCTAssertLessThanOrEqual(winogradError, 4 * max(im2colError, 1e-7), "\(name) x \(xs)")
                XCTAssertEqual(again[k], winograd[k], "\(name) x \(xs): a second run differs")
            }
        }
    }

    func testWinogradGradientsAndTangentsMatchFiniteDifferences() {
        ConvolutionAlgorithm.preferred = .winograd
        var data = TestData(seed: 134)
        let x = data.tensor([2, 3, 5, 4]), w = data.tensor([4, 3, 3, 3]), b = data.tensor([4])
        let g = data.tensor([2, 4, 5, 4])
        XCTAssertEqual(ConvolutionAlgorithm.scheme(input: x.shape, weight: w.shape, stride: 1, padding: 1), .winograd)
        // The taped op.
        let inputs = [x, w, b]
        func loss(_ xs: [Tensor<Double>]) -> Double {
            (Variable.conv2d(Variable(constant: xs[0]), weight: Variable(constant: xs[1]), bias: Variable(constant: xs[2]),
                             stride: 1, padding: 1).value * g).sum()
        }
        let leaves = inputs.map { Variable(parameter: $0) }
        let y = Variable.conv2d(leaves[0], weight: leaves[1], bias: leaves[2], stride: 1, padding: 1)
        let grads = (y * Variable(constant: g)).sum().gradients()
        for k in 0..<3 {
            let numeric = FiniteDifferences.gradient(of: { v in var xs = inputs; xs[k] = v; return loss(xs) }, at: inputs[k])
            XCTAssertLessThanOrEqual(relativeError(grads[leaves[k]], numeric), 1e-6, "conv2d input \(k)")
        }
        // The JVP's tangent conv(ẋ, W) and the gradient of ⟨c, tangent⟩ with respect to W
        // (reverse over forward: the tangent's backward pass runs Winograd's ∂W on ẋ).
        let v = data.tensor([2, 3, 5, 4], in: -1...1)
        let wv = Variable(parameter: w)
        let jvp = Dual(Variable(constant: x), direction: Variable(constant: v))
            .conv2d(weight: wv, bias: Variable(constant: b), stride: 1, padding: 1)
        let numericTangent = FiniteDifferences.directional(of: { xs in
            Variable.conv2d(Variable(constant: xs[0]), weight: Variable(constant: w), bias: Variable(constant: b),
                            stride: 1, padding: 1).value
        }, at: [x], along: [v], step: 1e-5)
        XCTAssertLessThanOrEqual(relativeError(jvp.tangent.value, numericTangent), 1e-6, "tangent")
        let tangentGradient = (jvp.tangent * Variable(constant: g)).sum().gradients()[wv]
        let numericW = FiniteDifferences.gradient(of: { wt in
            (Dual(Variable(constant: x), direction: Variable(constant: v))
                .conv2d(weight: Variable(constant: wt), bias: nil, stride: 1, padding: 1).tangent.value * g).sum()
        }, at: w)
        XCTAssertLessThanOrEqual(relativeError(tangentGradient, numericW), 1e-6, "∂⟨g, tangent⟩/∂W")
    }

    /// The fused BN → ReLU → conv op (a PreAct block's unit) runs its convolution and the
    /// convolution's backward pass through the pinned scheme: same values and gradients as under
    /// im2col, and gradients equal to finite differences.
    func testFusedBatchNormReLUConvolutionUnderWinogradMatchesIm2colAndFiniteDifferences() {
        var data = TestData(seed: 135)
        let x = data.tensor([3, 2, 5, 4]), gamma = data.tensor([2], in: 0.5...1.5), beta = data.tensor([2], in: -0.4...0.4)
        let w = data.tensor([3, 2, 3, 3]), b = data.tensor([3]), g = data.tensor([3, 3, 5, 4])
        let statistics = NormalizationStatistics<Double>.batch(tangent: .fixedStatistics)
        func objective(_ values: [Tensor<Double>], leaves: [Variable<Double>]? = nil) -> (Variable<Double>, [Variable<Double>]) {
            let v = leaves ?? values.map { Variable(constant: $0) }
            let spec = ConvolutionSpec(weight: v[3], bias: v[4], stride: 1, padding: 1)
            let y = v[0].batchNormalizedReLUConvolutions(scale: v[1], shift: v[2], statistics: statistics,
                                                         epsilon: 1e-5, convolutions: [spec])[0]
            return ((y * Variable(constant: g)).sum(), v)
        }
        let values = [x, gamma, beta, w, b]
        var results: [[Tensor<Double>]] = []
        for algorithm in [ConvolutionAlgorithm.winograd, .im2colGEMM] {
            ConvolutionAlgorithm.preferred = algorithm
            let (loss, leaves) = objective(values, leaves: values.map { Variable(parameter: $0) })
            let grads = loss.gradients()
            results.append([Tensor(loss.scalar)] + leaves.map { grads[$0] })
        }
        for k in 0..<results[0].count {
            XCTAssertLessThanOrEqual(relativeError(results[0][k], results[1][k]), 1e-10, "entry \(k) Winograd vs im2col")
        }
        ConvolutionAlgorithm.preferred = .winograd
        for k in 0..<values.count {
            let numeric = FiniteDifferences.gradient(of: { v in
                var xs = values; xs[k] = v
                return objective(xs).0.scalar
            }, at: values[k])
            XCTAssertLessThanOrEqual(relativeError(results[0][k + 1], numeric), 1e-6, "fused op input \(k)")
        }
    }

    /// The automatic rule: Winograd for the wide 3×3 stride-1 padding-1 layers of ResNet and VGG
    /// when the batch has ≥ 256 tiles,
    /// im2col for strided and 1×1 layers, direct for LeNet; a pinned `.winograd` falls back to
    /// im2col where F(2×2, 3×3) does not apply.
    func testAutomaticRulePicksWinogradForWideThreeByThreeStrideOneLayers() {
        ConvolutionAlgorithm.preferred = .automatic
        XCTAssertEqual(ConvolutionAlgorithm.scheme(input: [100, 64, 32, 32], weight: [64, 64, 3, 3], stride: 1, padding: 1), .winograd)
        XCTAssertEqual(ConvolutionAlgorithm.scheme(input: [100, 256, 8, 8], weight: [256, 256, 3, 3], stride: 1, padding: 1), .winograd)
        XCTAssertEqual(ConvolutionAlgorithm.scheme(input: [100, 512, 4, 4], weight: [512, 512, 3, 3], stride: 1, padding: 1), .winograd)
        // Too few tiles for wide GEMMs (20 · 4 = 80), and too few channels (the 3-channel stem).
        XCTAssertEqual(ConvolutionAlgorithm.scheme(input: [20, 512, 4, 4], weight: [512, 512, 3, 3], stride: 1, padding: 1), .im2colGEMM)
        XCTAssertEqual(ConvolutionAlgorithm.scheme(input: [100, 3, 32, 32], weight: [64, 3, 3, 3], stride: 1, padding: 1), .im2colGEMM)
        XCTAssertEqual(ConvolutionAlgorithm.scheme(input: [100, 64, 32, 32], weight: [128, 64, 3, 3], stride: 2, padding: 1), .im2colGEMM)
        XCTAssertEqual(ConvolutionAlgorithm.scheme(input: [100, 64, 32, 32], weight: [128, 64, 1, 1], stride: 2, padding: 0), .im2colGEMM)
        XCTAssertEqual(ConvolutionAlgorithm.scheme(input: [100, 1, 28, 28], weight: [6, 1, 5, 5], stride: 1, padding: 2), .direct)
        ConvolutionAlgorithm.preferred = .winograd
        XCTAssertEqual(ConvolutionAlgorithm.scheme(input: [2, 3, 9, 9], weight: [4, 3, 5, 5], stride: 1, padding: 2), .im2colGEMM)
        XCTAssertEqual(ConvolutionAlgorithm.scheme(input: [2, 3, 9, 9], weight: [4, 3, 3, 3], stride: 1, padding: 0), .im2colGEMM)
        XCTAssertEqual(ConvolutionAlgorithm.scheme(input: [2, 3, 9, 9], weight: [4, 3, 3, 3], stride: 1, padding: 1), .winograd)
        ConvolutionAlgorithm.preferred = .im2colGEMM
        XCTAssertEqual(ConvolutionAlgorithm.scheme(input: [100, 64, 32, 32], weight: [64, 64, 3, 3], stride: 1, padding: 1), .im2colGEMM)
    }
}
