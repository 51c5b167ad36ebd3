import MixupCore
import MixupTestSupport
import XCTest

/// Batch norm's per-channel statistics, shared by the training-mode ops and the running statistics:
/// the two-pass sums (Σx, then Σ(x − μ)²) computed in Float64 and rounded once into the tensor's
/// precision, and the same bits at one and two kernel threads — for the statistics and for the
/// batch-norm outputs built on them.
final class BatchStatisticsTests: XCTestCase {
    /// Per channel, in Float64: μ = Σx/M, Σ(x − μ)², and Σ|x|/M (what the mean's error scales with).
    func twoPass(_ x: [Double], shape: [Int]) -> (mean: [Double], squares: [Double], meanMagnitude: [Double], count: Int) {
        let n = shape[0], c = shape[1], rest = x.count / (n * c), m = Double(n * rest)
        var means: [Double] = [], squares: [Double] = [], magnitudes: [Double] = []
        for ch in 0..<c {
            var values: [Double] = []
            for i in 0..<n { values += x[(i * c + ch) * rest ..< (i * c + ch + 1) * rest] }
            var sum = 0.0, absolute = 0.0, q = 0.0
            for v in values { sum += v; absolute += abs(v) }
            let mu = sum / m
            for v in values { q += (v - mu) * (v - mu) }
            means.append(mu); squares.append(q); magnitudes.append(absolute / m)
        }
        return (means, squares, magnitudes, n * rest)
    }

    /// `tolerance` is relative: 1e-12 for Double (16-lane sums); 2⁻²² for Float, twice the two
    /// roundings of 2⁻²⁴ the variance takes (the Double sum into Float, then the division by M − 1).
    func check<T: TensorScalar>(_: T.Type, shape: [Int], seed: UInt64, tolerance: Double) {
        var data = TestData(seed: seed)
        let x = Tensor<T>(data.tensor(shape, in: -3...5)), c = shape[1]
        let gamma = Tensor<T>(data.tensor([c], in: 0.5...1.5)), beta = Tensor<T>(data.tensor([c], in: -0.5...0.5))
        let label = "\(T.self) \(shape)"
        let reference = twoPass(x.scalars.map { Double($0) }, shape: shape)

        func outputs(threads: Int) -> [[T]] {
            let saved = ComputeThreads.kernelCount
            ComputeThreads.kernelCount = threads
            defer { ComputeThreads.kernelCount = saved }
            let running = x.channelStatistics()
            let statistics = NormalizationStatistics<T>.batch(tangent: .fixedStatistics)
            let (xv, g, b) = (Variable(constant: x), Variable(constant: gamma), Variable(constant: beta))
            return [running.mean.scalars, running.unbiasedVariance.scalars,
                    xv.batchNormalized(scale: g, shift: b, statistics: statistics, epsilon: 1e-5).value.scalars,
                    xv.batchNormalizedReLU(scale: g, shift: b, statistics: statistics, epsilon: 1e-5).value.scalars]
        }
        let one = outputs(threads: 1)
        for ch in 0..<c {
            let mean = Double(one[0][ch]), variance = Double(one[1][ch])
            let wantVariance = reference.squares[ch] / Double(reference.count - 1)
            XCTAssertLessThanOrEqual(abs(mean - reference.mean[ch]), tolerance * reference.meanMagnitude[ch],
                                     "\(label): running mean of channel \(ch)")
            XCTAssertLessThanOrEqual(abs(variance - wantVariance), tolerance * wantVariance,
                                     "\(label): running variance of channel \(ch)")
        }
        XCTAssertEqual(outputs(threads: 2), one, "\(label): two threads must give the one-thread bits")
    }

    /// The last shape is large enough (2 × 128² elements per channel) for the kernels to split it.
    func testBatchStatisticsAreTheFloat64TwoPassSumsAtEveryThreadCount() {
        for (k, shape) in [[6, 5, 7, 9], [3, 64, 4, 4], [10, 3], [2, 1, 33], [2, 4, 128, 128]].enumerated() {
            check(Float.self, shape: shape, seed: 100 + UInt64(k), tolerance: 0x1p-22)
            check(Double.self, shape: shape, seed: 200 + UInt64(k), tolerance: 1e-12)
        }
    }
}
