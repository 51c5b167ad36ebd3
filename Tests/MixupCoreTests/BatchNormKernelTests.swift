import MixupCore
import MixupTestSupport
import XCTest

/// The batch-norm kernels in C (CKernels/BatchNorm.c) through the public ops that run them —
/// running statistics, plain batch norm, batch norm + ReLU fused, its fixed-statistics tangent and
/// the gradients of all of them — against plain Float64 loops written here, and bit for bit equal at
/// one and two kernel threads.
///
/// Error bound: every output o is compared as |o − ref| ≤ tol · mag, where mag is the same formula
/// evaluated on absolute values (Σ|terms| for sums, (|x| + |μ|)·r for x̂): the scale a rounding error
/// is relative to. Double: tol = 1e-12 (the per-channel sums run in 16 lanes of ≤ M/16 terms each).
/// Float: tol = 1e-6 ≈ 17·2⁻²⁴ — the sums are accumulated in Double and rounded once, and the longest
/// chain of Float operations (1/√(σ²/M + ε), then x̂, then the adjoint's three terms) rounds ≤ 10 times.
final class BatchNormKernelTests: XCTestCase {
    static let epsilon = 1e-5

    /// Every output of the kernels for one input, as Float64.
    struct Outputs: Equatable {
        var mean: [Double] = [], variance: [Double] = []
        var y: [Double] = [], yGrad: [[Double]] = []          // plain BN, and ∂/∂(x, γ, β) of Σ w ⊙ y
        var z: [Double] = [], zGrad: [[Double]] = []          // BN + ReLU, and ∂/∂(x, γ, β) of Σ w ⊙ z
        var zDot: [Double] = [], zDotGrad: [[Double]] = []    // its tangent, and ∂/∂(x, γ, t) of Σ v ⊙ ż
    }

    /// Inputs of one case: x, γ, β, the tangent t and the weights w, v of the two scalar objectives.
    struct Inputs {
        let shape: [Int]
        let x, gamma, beta, t, w, v: Tensor<Double>
        init(_ shape: [Int], seed: UInt64) {
            var data = TestData(seed: seed)
            let c = shape[1]
            self.shape = shape
            x = data.tensor(shape, in: -3...5)
            gamma = data.tensor([c], in: 0.5...1.5)
            beta = data.tensor([c], in: -0.5...0.5)
            t = data.tensor(shape, in: -1...1)
            w = data.tensor(shape, in: -1...1)
            v = data.tensor(shape, in: -1...1)
        }
    }

    /// Runs every kernel in precision T (inputs rounded to T first) at `threads` kernel threads.
    func kernelOutputs<T: TensorScalar>(_: T.Type, _ inputs: Inputs, threads: Int) -> Outputs {
        let saved = ComputeThreads.kernelCount
        ComputeThreads.kernelCount = threads
        defer { ComputeThreads.kernelCount = saved }
        let batch = NormalizationStatistics<T>.batch(tangent: .fixedStatistics), epsilon = T(Self.epsilon)
        func leaves() -> [Variable<T>] {
            [inputs.x, inputs.gamma, inputs.beta, inputs.t].map { Variable(parameter: Tensor<T>($0)) }
        }
        let w = Variable(constant: Tensor<T>(inputs.w)), v = Variable(constant: Tensor<T>(inputs.v))
        func doubles(_ t: Tensor<T>?) -> [Double] { t?.scalars.map { Double($0) } ?? [] }
        var out = Outputs()

        let statistics = Tensor<T>(inputs.x).channelStatistics()
        out.mean = doubles(statistics.mean)
        out.variance = doubles(statistics.unbiasedVariance)

        var p = leaves()
        let y = p[0].batchNormalized(scale: p[1], shift: p[2], statistics: batch, epsilon: epsilon)
        var grads = (y * w).sum().gradients()
        out.y = doubles(y.value)
        out.yGrad = p[0..<3].map { doubles(grads[$0]) }

        p = leaves()
        let z = p[0].batchNormalizedReLU(scale: p[1], shift: p[2], statistics: batch, epsilon: epsilon)
        grads = (z * w).sum().gradients()
        out.z = doubles(z.value)
        out.zGrad = p[0..<3].map { doubles(grads[$0]) }

        p = leaves()
        let dual = Dual(p[0], direction: p[3]).batchNormalizedReLU(scale: p[1], shift: p[2], statistics: batch, epsilon: epsilon)
        grads = (dual.tangent * v).sum().gradients()
        out.zDot = doubles(dual.tangent.value)
        out.zDotGrad = [p[0], p[1], p[3]].map { doubles(grads[$0]) }
        return out
    }

    /// The Float64 reference of every output and the magnitude its rounding errors scale with. The
    /// ReLU masks are the kernel's own (z > 0 from `kernel`): where the exact z is within rounding of
    /// 0 the mask is the kernel's choice, not an error.
    func reference<T: TensorScalar>(_: T.Type, _ inputs: Inputs, kernel: Outputs) -> (value: Outputs, magnitude: Outputs) {
        let shape = inputs.shape, n = shape[0], c = shape[1], count = inputs.x.count / c, rest = count / n
        let m = Double(count)
        func rounded(_ t: Tensor<Double>) -> [Double] { Tensor<T>(t).scalars.map { Double($0) } }
        let x = rounded(inputs.x), gamma = rounded(inputs.gamma), beta = rounded(inputs.beta), t = rounded(inputs.t)
        let w = rounded(inputs.w), v = rounded(inputs.v)
        let channel: [Int] = (0..<x.count).map { ($0 / rest) % c }
        /// Per-channel Σ f(i) and Σ |f(i)|.
        func sums(_ f: (Int) -> Double) -> (sum: [Double], abs: [Double]) {
            var s = [Double](repeating: 0, count: c), a = s
            for i in 0..<x.count { let term = f(i); s[channel[i]] += term; a[channel[i]] += abs(term) }
            return (s, a)
        }
        let (xSum, xAbs) = sums { x[$0] }
        let mean: [Double] = xSum.map { $0 / m }
        let squares = sums { (x[$0] - mean[channel[$0]]) * (x[$0] - mean[channel[$0]]) }.sum
        let r: [Double] = squares.map { 1 / ($0 / m + Self.epsilon).squareRoot() }
        var xhat: [Double] = [], xhatMag: [Double] = [], mask: [Double] = []
        for i in 0..<x.count {
            let ch = channel[i]
            xhat.append((x[i] - mean[ch]) * r[ch])
            xhatMag.append((abs(x[i]) + abs(mean[ch])) * r[ch])
            mask.append(kernel.z[i] > 0 ? 1 : 0)
        }
        var ref = Outputs(), mag = Outputs()
        ref.mean = mean; mag.mean = xAbs.map { $0 / m }
        ref.variance = squares.map { $0 / Double(count - 1) }; mag.variance = ref.variance

        /// y = x̂γ + β's adjoints for an output gradient g (per element): ∂x, ∂γ, ∂β and their magnitudes.
        func normalizationAdjoints(_ g: [Double]) -> (value: [[Double]], magnitude: [[Double]]) {
            let (sg, sgAbs) = sums { g[$0] }
            let sgh = sums { g[$0] * xhat[$0] }.sum, sghMag = sums { abs(g[$0]) * xhatMag[$0] }.sum
            var dx: [Double] = [], dxMag: [Double] = []
            for i in 0..<x.count {
                let ch = channel[i], a = gamma[ch] * r[ch]
                dx.append(a * (g[i] - sg[ch] / m - xhat[i] * sgh[ch] / m))
                dxMag.append(abs(a) * (abs(g[i]) + sgAbs[ch] / m + xhatMag[i] * sghMag[ch] / m))
            }
            return ([dx, sgh, sg], [dxMag, sghMag, sgAbs])
        }

        for i in 0..<x.count {
            let ch = channel[i]
            ref.y.append(xhat[i] * gamma[ch] + beta[ch])
            mag.y.append(xhatMag[i] * abs(gamma[ch]) + abs(beta[ch]))
            ref.z.append(Swift.max(0, ref.y[i]))
            mag.z.append(mag.y[i])
        }
        (ref.yGrad, mag.yGrad) = normalizationAdjoints(w)
        let gatedW: [Double] = (0..<x.count).map { w[$0] * mask[$0] }
        (ref.zGrad, mag.zGrad) = normalizationAdjoints(gatedW)

        let (s, sAbs) = sums { v[$0] * mask[$0] * t[$0] }
        var dx: [Double] = [], dxMag: [Double] = [], dt: [Double] = []
        for i in 0..<x.count {
            let ch = channel[i], a = gamma[ch] * r[ch], b = gamma[ch] * r[ch] * r[ch] * r[ch] / m
            ref.zDot.append(mask[i] * a * t[i])
            mag.zDot.append(abs(ref.zDot[i]))
            dx.append(-s[ch] * b * (x[i] - mean[ch]))
            dxMag.append(sAbs[ch] * abs(b) * xhatMag[i] / r[ch])
            dt.append(mask[i] * a * v[i])
        }
        let dgamma: [Double] = (0..<c).map { s[$0] * r[$0] }, dgammaMag: [Double] = (0..<c).map { sAbs[$0] * r[$0] }
        ref.zDotGrad = [dx, dgamma, dt]
        mag.zDotGrad = [dxMag, dgammaMag, dt.map(abs)]
        return (ref, mag)
    }

    func assertClose(_ got: [Double], _ want: [Double], magnitude: [Double], tolerance: Double, _ label: String) {
        XCTAssertEqual(got.count, want.count, "\(label): element count")
        var worst = 0.0, at = -1
        for i in 0..<Swift.min(got.count, want.count) {
            let excess = abs(got[i] - want[i]) / (tolerance * magnitude[i] + Double.leastNormalMagnitude)
            if !(excess <= worst) { worst = excess; at = i }
        }
        XCTAssertLessThanOrEqual(worst, 1, "\(label): element \(at) is \(at >= 0 ? got[at] : .nan), reference \(at >= 0 ? want[at] : .nan)")
    }

    func checkAgainstReference<T: TensorScalar>(_ type: T.Type, shape: [Int], seed: UInt64, tolerance: Double) {
        let inputs = Inputs(shape, seed: seed)
        let got = kernelOutputs(type, inputs, threads: 1)
        let (want, mag) = reference(type, inputs, kernel: got)
        let label = "\(T.self) \(shape)"
        assertClose(got.mean, want.mean, magnitude: mag.mean, tolerance: tolerance, "\(label): running mean")
        assertClose(got.variance, want.variance, magnitude: mag.variance, tolerance: tolerance, "\(label): running variance")
        assertClose(got.y, want.y, magnitude: mag.y, tolerance: tolerance, "\(label): batch norm")
        assertClose(got.z, want.z, magnitude: mag.z, tolerance: tolerance, "\(label): batch norm + ReLU")
        assertClose(got.zDot, want.zDot, magnitude: mag.zDot, tolerance: tolerance, "\(label): fixed-statistics tangent")
        for (i, name) in ["x", "γ", "β"].enumerated() {
            assertClose(got.yGrad[i], want.yGrad[i], magnitude: mag.yGrad[i], tolerance: tolerance, "\(label): batch norm ∂\(name)")
            assertClose(got.zGrad[i], want.zGrad[i], magnitude: mag.zGrad[i], tolerance: tolerance, "\(label): batch norm + ReLU ∂\(name)")
        }
        for (i, name) in ["x", "γ", "t"].enumerated() {
            assertClose(got.zDotGrad[i], want.zDotGrad[i], magnitude: mag.zDotGrad[i], tolerance: tolerance,
                        "\(label): tangent's ∂\(name)")
        }
        XCTAssertTrue(got.z.contains(0) && got.z.contains { $0 > 0 }, "\(label): ReLU should cut some entries and pass others")
    }

    /// Runs of 1, 7, 16, 24 and 117 elements: the 16-lane blocks, the 8-lane block and the scalar tail.
    static let shapes: [[Int]] = [[5, 2], [3, 4, 7], [2, 3, 4, 4], [3, 2, 24], [4, 5, 9, 13]]

    func testDoubleKernelsMatchAFloat64ReferenceLoop() {
        for (k, shape) in Self.shapes.enumerated() {
            checkAgainstReference(Double.self, shape: shape, seed: 300 + UInt64(k), tolerance: 1e-12)
        }
    }

    /// Float to ≈ 17 roundings; the running mean and variance to one or two (their sums are Double).
    func testFloatKernelsMatchAFloat64ReferenceWithinAFewRoundings() {
        for (k, shape) in Self.shapes.enumerated() {
            checkAgainstReference(Float.self, shape: shape, seed: 400 + UInt64(k), tolerance: 1e-6)
        }
    }

    /// A Float channel of 32 768 elements whose mean is small against its spread (x ∈ [−3, 5] shifted
    /// by 1000): summed in Double the mean and variance are within one rounding of the Float64 ones.
    func testFloatStatisticsOfALargeChannelAreRoundedOnce() {
        var data = TestData(seed: 500)
        let shape = [8, 2, 64, 64], x = data.tensor(shape, in: 997...1005)
        let stats = Tensor<Float>(x).channelStatistics()
        let xs = Tensor<Float>(x).scalars.map { Double($0) }, rest = 64 * 64, count = 8 * rest
        for ch in 0..<2 {
            var values: [Double] = []
            for i in 0..<8 { values += xs[(i * 2 + ch) * rest ..< (i * 2 + ch + 1) * rest] }
            var sum = 0.0, squares = 0.0
            for v in values { sum += v }
            let mean = sum / Double(count)
            for v in values { squares += (v - mean) * (v - mean) }
            let variance = squares / Double(count - 1)
            XCTAssertLessThanOrEqual(abs(Double(stats.mean.scalars[ch]) - mean), Double(stats.mean.scalars[ch].ulp) / 2 * 1.001,
                                     "channel \(ch): mean")
            // squares rounded once, then divided by M − 1 in Float: two roundings.
            XCTAssertLessThanOrEqual(abs(Double(stats.unbiasedVariance.scalars[ch]) - variance),
                                     Double(stats.unbiasedVariance.scalars[ch].ulp) * 1.001, "channel \(ch): variance")
        }
    }

    /// Large enough (3·5·96·96 elements) that two threads split both the channels (2 + 3) and the
    /// runs (7 + 8): every output is the same bits as at one thread.
    func testEveryKernelGivesTheSameBitsAtOneAndTwoThreads() {
        let inputs = Inputs([3, 5, 96, 96], seed: 600)
        XCTAssertEqual(kernelOutputs(Float.self, inputs, threads: 1), kernelOutputs(Float.self, inputs, threads: 2), "Float")
        XCTAssertEqual(kernelOutputs(Double.self, inputs, threads: 1), kernelOutputs(Double.self, inputs, threads: 2), "Double")
    }
}
