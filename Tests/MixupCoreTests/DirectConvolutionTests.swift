import MixupCore
import MixupTestSupport
import XCTest

/// Runs `body` once with every concrete convolution algorithm pinned, restoring the automatic choice.
func forEachConvolutionAlgorithm(_ body: (ConvolutionAlgorithm) -> Void) {
    defer { ConvolutionAlgorithm.preferred = .automatic }
    for algorithm in [ConvolutionAlgorithm.direct, .im2colGEMM, .winograd] {
        ConvolutionAlgorithm.preferred = algorithm
        body(algorithm)
    }
}

/// The direct kernels of CKernels (vectorised rows, channel blocks, sample chunks, the flipped-kernel
/// input gradient) against textbook loops written here, and against im2col + GEMM in Float.
/// Shapes are picked to hit every code path: two-vector row blocks and one-vector tails, 1–4
/// output-channel blocks, kernels 1/3/5, padding up to kernel − 1, and several sample chunks.
final class DirectConvolutionTests: XCTestCase {
    static let shapes: [(x: [Int], w: [Int], padding: Int)] = [
        ([2, 1, 28, 28], [6, 1, 5, 5], 2),    // LeNet conv1: rows of two 16-wide vectors, 2-channel blocks
        ([3, 6, 14, 14], [16, 6, 5, 5], 0),   // LeNet conv2: one vector per row, 4-channel blocks
        ([2, 3, 9, 40], [5, 3, 3, 3], 1),     // 40 wide: a two-vector block then a tail; 5 = 4 + 1 / 2 + 2 + 1 channels
        ([2, 2, 7, 5], [3, 2, 1, 1], 0),      // 1×1 kernel, 3 = 2 + 1 channels
        ([1, 2, 6, 6], [7, 2, 5, 5], 4),      // padding = kernel − 1: a "full" convolution
        ([3, 4, 64, 64], [5, 4, 3, 3], 1),    // one sample per chunk in the weight gradient: three chunks
    ]

    /// Forward values equal the textbook loops; ∂x and ∂W are the adjoints of the (linear) forward,
    /// ⟨conv(x′, W), G⟩ = ⟨x′, ∂x⟩ and ⟨conv(x, W′), G⟩ = ⟨W′, ∂W⟩; ∂b sums G — under both algorithms.
    func testDirectAndIm2colConvolutionsMatchTextbookLoopsAndTheirAdjoints() {
        forEachConvolutionAlgorithm { algorithm in
            var data = TestData(seed: 61)
            for (xs, ws, p) in Self.shapes {
                let x = data.tensor(xs), w = data.tensor(ws), b = data.tensor([ws[0]])
                let xv = Variable(differentiable: x), wv = Variable(parameter: w), bv = Variable(parameter: b)
                let y = Variable.conv2d(xv, weight: wv, bias: bv, stride: 1, padding: p)
                let expected = referenceConvolution(x, w, b, stride: 1, padding: p)
                let plane = expected.shape[2] * expected.shape[3]
                let label = "\(algorithm) x \(xs) w \(ws) p \(p)"
                XCTAssertEqual(y.shape, expected.shape, label)
                XCTAssertLessThanOrEqual(relativeError(y.value, expected), 1e-12, label)

                let g = data.tensor(y.shape)
                let grads = (y * Variable(constant: g)).sum().gradients()
                let wProbe = data.tensor(ws), xProbe = data.tensor(xs)
                let lhsW = innerProduct(referenceConvolution(x, wProbe, nil, stride: 1, padding: p), g)
                let lhsX = innerProduct(referenceConvolution(xProbe, w, nil, stride: 1, padding: p), g)
                XCTAssertEqual(innerProduct(wProbe, grads[wv]), lhsW, accuracy: 1e-10 * max(1, abs(lhsW)), "∂W, \(label)")
                XCTAssertEqual(innerProduct(xProbe, grads[xv]), lhsX, accuracy: 1e-10 * max(1, abs(lhsX)), "∂x, \(label)")
                for o in 0..<ws[0] {
                    var s = 0.0
                    for i in 0..<xs[0] { for q in 0..<plane { s += g.scalars[(i * ws[0] + o) * plane + q] } }
                    XCTAssertEqual(grads[bv].scalars[o], s, accuracy: 1e-10 * max(1, abs(s)), "∂b[\(o)], \(label)")
                }
            }
        }
    }

    /// In Float the two algorithms sum in different orders but must agree to rounding, value and
    /// all three gradients: the single-precision kernels are the ones training runs on.
    func testDirectAndIm2colConvolutionsAgreeInFloat() {
        var data = TestData(seed: 62)
        for (xs, ws, p) in Self.shapes {
            let x = Tensor<Float>(shape: xs, scalars: data.tensor(xs).scalars.map(Float.init))
            let w = Tensor<Float>(shape: ws, scalars: data.tensor(ws).scalars.map(Float.init))
            let b = Tensor<Float>(shape: [ws[0]], scalars: data.tensor([ws[0]]).scalars.map(Float.init))
            var results: [[Tensor<Float>]] = []
            var g: Tensor<Float>? = nil
            forEachConvolutionAlgorithm { _ in
                let xv = Variable(differentiable: x), wv = Variable(parameter: w), bv = Variable(parameter: b)
                let y = Variable.conv2d(xv, weight: wv, bias: bv, stride: 1, padding: p)
                if g == nil { g = Tensor(shape: y.shape, scalars: data.tensor(y.shape).scalars.map(Float.init)) }
                let grads = (y * Variable(constant: g!)).sum().gradients()
                results.append([y.value, grads[xv], grads[wv], grads[bv]])
            }
            for (k, name) in ["y", "∂x", "∂W", "∂b"].enumerated() {
                let a = results[0][k].scalars, c = results[1][k].scalars
                let scale = max(1, c.map { abs($0) }.max() ?? 0)
                let diff = zip(a, c).map { abs($0 - $1) }.max() ?? 0
                XCTAssertLessThanOrEqual(diff / scale, 2e-5, "\(name) for x \(xs) w \(ws)")
            }
        }
    }

    /// Threads split samples (forward), output channels (weight gradient) and planes (pooling), so
    /// every element is summed by one thread in the single-thread order: bit-identical results.
    func testDirectKernelsGiveBitIdenticalResultsForEveryThreadCount() {
        defer { ComputeThreads.kernelCount = 1; ConvolutionAlgorithm.preferred = .automatic }
        ConvolutionAlgorithm.preferred = .direct
        var data = TestData(seed: 64)
        for (xs, ws, p) in Self.shapes {
            let x = Tensor<Float>(shape: xs, scalars: data.tensor(xs).scalars.map(Float.init))
            let w = Tensor<Float>(shape: ws, scalars: data.tensor(ws).scalars.map(Float.init))
            let b = Tensor<Float>(shape: [ws[0]], scalars: data.tensor([ws[0]]).scalars.map(Float.init))
            var results: [[Tensor<Float>]] = []
            for threads in [1, 2, 3] {
                ComputeThreads.kernelCount = threads
                XCTAssertEqual(ComputeThreads.kernelCount, threads)
                let xv = Variable(differentiable: x), wv = Variable(parameter: w), bv = Variable(parameter: b)
                let y = Variable.conv2d(xv, weight: wv, bias: bv, stride: 1, padding: p)
                let pooled = y.maxPool2d(kernel: 2, stride: 2)
                let grads = (pooled * pooled).sum().gradients()
                results.append([y.value, pooled.value, grads[xv], grads[wv], grads[bv]])
            }
            for k in 1..<results.count {
                XCTAssertEqual(results[k], results[0], "x \(xs) w \(ws): \(k + 1) threads differ from 1")
            }
        }
    }

    /// The vectorised 2×2 max pooling (16 Float or 8 Double lanes per step, then a scalar tail) routes
    /// exactly like a row-major scan where the first maximum wins and a NaN takes over.
    func testVectorisedTwoByTwoMaxPoolMatchesAScalarScan() {
        var data = TestData(seed: 63)
        let shape = [2, 3, 9, 71]   // 35 outputs per row: two 16-lane Float steps (four 8-lane Double) and a tail
        var x = data.tensor(shape).scalars.map { ($0 * 2).rounded() / 2 }   // many ties
        for i in stride(from: 5, to: x.count, by: 97) { x[i] = .nan }
        for i in stride(from: 11, to: x.count, by: 53) { x[i] = -.infinity }
        func check<T: TensorScalar>(_: T.Type) {
            let input = Tensor<T>(shape: shape, scalars: x.map { T($0) })
            let (y, arg) = Variable(constant: input).maxPool2dWithIndices(kernel: 2, stride: 2)
            XCTAssertEqual(y.shape, [2, 3, 4, 35])
            var k = 0
            for plane in 0..<6 { for oy in 0..<4 { for ox in 0..<35 {
                var best = -Double.infinity, bestIndex = plane * 9 * 71 + 2 * oy * 71 + 2 * ox
                for dy in 0..<2 { for dx in 0..<2 {
                    let idx = plane * 9 * 71 + (2 * oy + dy) * 71 + 2 * ox + dx
                    if x[idx] > best || x[idx].isNaN { best = x[idx]; bestIndex = idx }
                }}
                XCTAssertEqual(arg[k], bestIndex, "\(T.self) window \(k)")
                let v = Double(y.value.scalars[k])
                XCTAssertTrue(v == best || (best.isNaN && v.isNaN), "\(T.self) window \(k): \(v) vs \(best)")
                k += 1
            }}}
        }
        check(Float.self)
        check(Double.self)
    }
}
