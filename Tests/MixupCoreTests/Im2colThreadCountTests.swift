import MixupCore
import MixupTestSupport
import XCTest

/// im2col + GEMM splits the unfolding and folding of a chunk's (channel, sample) planes over the kernels' threads:
/// the convolution and its three adjoints must be bit-identical at 1 and 2 kernel threads (OpenBLAS
/// pinned to one thread) and match the textbook loops.
final class Im2colThreadCountTests: XCTestCase {
    func testStridedAndPointwiseIm2colConvolutionsAreBitIdenticalAtOneAndTwoKernelThreads() {
        var data = TestData(seed: 906)
        // 3×3 stride 2 (several samples per chunk, odd count), 1×1 stride 2, 5×5 stride 1.
        for (xs, ws, stride, padding) in [([5, 6, 15, 15], [7, 6, 3, 3], 2, 1), ([3, 8, 8, 8], [4, 8, 1, 1], 2, 0),
                                          ([4, 2, 9, 9], [3, 2, 5, 5], 1, 2)] {
            let x = data.tensor(xs), w = data.tensor(ws), b = data.tensor([ws[0]])
            let oh = (xs[2] + 2 * padding - ws[2]) / stride + 1, ow = (xs[3] + 2 * padding - ws[3]) / stride + 1
            let g = data.tensor([xs[0], ws[0], oh, ow])
            let one = convolutionAndAdjoints(x, w, b, g, stride: stride, padding: padding, algorithm: .im2colGEMM, kernelThreads: 1)
            let two = convolutionAndAdjoints(x, w, b, g, stride: stride, padding: padding, algorithm: .im2colGEMM, kernelThreads: 2)
            let label = "x \(xs) w \(ws) stride \(stride)"
            XCTAssertLessThanOrEqual(relativeError(one[0], referenceConvolution(x, w, b, stride: stride, padding: padding)), 1e-12, label)
            for (k, name) in ["y", "∂x", "∂W", "∂b"].enumerated() {
                XCTAssertEqual(one[k], two[k], "\(name), \(label)")
            }
        }
    }
}
