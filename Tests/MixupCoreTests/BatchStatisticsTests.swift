import MixupCore
import MixupTestSupport
import XCTest

/// Batch norm's per-channel statistics, shared by the training-mode ops and the running statistics:
/// pinned bit for bit against the plain two-pass loop (Σx over samples then positions, then
/// Σ(x − μ)² in the same order) they have always computed, at one and two kernel threads.
final class BatchStatisticsTests: XCTestCase {
    /// Per channel: μ = Σx/M and Σ(x − μ)², summed over samples, then positions, as the kernels do.
    func twoPass<T: TensorScalar>(_ x: Tensor<T>) -> (mean: [T], squares: [T], count: Int) {
        let n = x.shape[0], c = x.shape[1], rest = x.count / (n * c), s = x.scalars
        var means: [T] = [], squares: [T] = []
        for ch in 0..<c {
            var sum: T = 0
            for i in 0..<n { for k in 0..<rest { sum += s[(i * c + ch) * rest + k] } }
            let mu = sum / T(n * rest)
            var q: T = 0
            for i in 0..<n { for k in 0..<rest { let d = s[(i * c + ch) * rest + k] - mu; q += d * d } }
            means.append(mu); squares.append(q)
        }
        return (means, squares, n * rest)
    }

    func check<T: TensorScalar>(_: T.Type, shape: [Int], seed: UInt64, threads: Int) {
        var data = TestData(seed: seed)
        let x = Tensor<T>(data.tensor(shape, in: -3...5)), c = shape[1], rest = x.count / (shape[0] * c)
        let gamma = Tensor<T>(data.tensor([c], in: 0.5...1.5)), beta = Tensor<T>(data.tensor([c], in: -0.5...0.5))
        let epsilon: T = 1e-5, label = "\(T.self) \(shape), \(threads) thread(s)"
        let (mean, squares, count) = twoPass(x)
        let saved = ComputeThreads.kernelCount
        ComputeThreads.kernelCount = threads
        defer { ComputeThreads.kernelCount = saved }

        let running = x.channelStatistics()
        XCTAssertEqual(running.mean.scalars, mean, "\(label): running mean")
        XCTAssertEqual(running.unbiasedVariance.scalars, squares.map { $0 / T(count - 1) }, "\(label): running variance")

        let inverse = squares.map { 1 / ($0 / T(count) + epsilon).squareRoot() }
        var normalized = x.scalars, rectified = x.scalars
        for i in 0..<x.count {
            let ch = (i / rest) % c
            normalized[i] = (x.scalars[i] - mean[ch]) * inverse[ch] * gamma.scalars[ch] + beta.scalars[ch]
            let a = inverse[ch] * gamma.scalars[ch], b = beta.scalars[ch] - mean[ch] * a
            rectified[i] = Swift.max(0, x.scalars[i] * a + b)
        }
        let statistics = NormalizationStatistics<T>.batch(tangent: .fixedStatistics)
        let (xv, g, b) = (Variable(constant: x), Variable(constant: gamma), Variable(constant: beta))
        XCTAssertEqual(xv.batchNormalized(scale: g, shift: b, statistics: statistics, epsilon: epsilon).value.scalars,
                       normalized, "\(label): batch norm")
        XCTAssertEqual(xv.batchNormalizedReLU(scale: g, shift: b, statistics: statistics, epsilon: epsilon).value.scalars,
                       rectified, "\(label): batch norm + ReLU")
    }

    /// The last shape is large enough (2 × 128² elements per channel) for the kernels to split it.
    func testBatchStatisticsAreThePlainTwoPassSumsAtEveryThreadCount() {
        for threads in [1, 2] {
            for (k, shape) in [[6, 5, 7, 9], [3, 64, 4, 4], [10, 3], [2, 1, 33], [2, 4, 128, 128]].enumerated() {
                check(Float.self, shape: shape, seed: 100 + UInt64(k), threads: threads)
                check(Double.self, shape: shape, seed: 200 + UInt64(k), threads: threads)
            }
        }
    }
}
