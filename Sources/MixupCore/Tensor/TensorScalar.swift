import CBLAS
import CKernels
import RealModule
#if canImport(Glibc)
import Glibc
#endif

/// A floating-point type the engine computes in: `Float` for training, `Double` for gradient checks.
///
/// The protocol carries the one thing that differs per precision, the BLAS entry point. The hot
/// loops are C kernels with a `float` and a `double` version (`CKernels`), or generic Swift
/// pre-specialised for both conformers (see `Kernels/`); check a new generic kernel's `Sf_Tg5`
/// symbol with `nm` — `@_specialize` does not always take, and an unspecialised loop is ~10× slower.
public protocol TensorScalar: BinaryFloatingPoint, Real, Codable, Sendable, CustomStringConvertible {
    /// C ← α·op(A)·op(B) + β·C on row-major buffers (`cblas_sgemm` / `cblas_dgemm`).
    static func gemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
        alpha: Self, a: UnsafePointer<Self>, lda: Int,
        b: UnsafePointer<Self>, ldb: Int,
        beta: Self, c: UnsafeMutablePointer<Self>, ldc: Int)

    /// Direct stride-1 convolution of x `[n, c, h, w]` with weight `[o, c, kh, kw]` (CKernels):
    /// writes all of y. False only if the kernel could not get its scratch memory.
    static func directConvolution(
        _ x: UnsafePointer<Self>, _ g: WindowGeometry, weight: UnsafePointer<Self>, outputChannels: Int,
        bias: UnsafePointer<Self>?, into y: UnsafeMutablePointer<Self>) -> Bool

    /// Adds the weight gradient of `directConvolution` for the output gradient gy into dweight,
    /// and the bias gradient into dbias when given.
    static func directConvolutionWeightGradient(
        _ x: UnsafePointer<Self>, _ g: WindowGeometry, outputGradient gy: UnsafePointer<Self>,
        outputChannels: Int, addingInto dweight: UnsafeMutablePointer<Self>,
        biasGradient dbias: UnsafeMutablePointer<Self>?) -> Bool

    /// Vectorised 2×2, stride-2 max pooling of `planes` planes of h×w with flat argmax indices.
    static func maxPool2x2(_ x: UnsafePointer<Self>, planes: Int, height: Int, width: Int,
                           into y: UnsafeMutablePointer<Self>, argmax: UnsafeMutablePointer<Int>)
}

@inline(__always)
private func cblasTranspose(_ t: Bool) -> CBLAS_TRANSPOSE { t ? CblasTrans : CblasNoTrans }

/// The β to hand OpenBLAS: for β = 0 and an m×n output of at least `gemmClearingThreshold`
/// elements, C is cleared here with `memset` and β = 1 is returned, else β itself. OpenBLAS clears
/// C for β = 0 with its own `?gemm_beta` loop (about 4 % of a PreActResNet-18 step), slower than glibc's
/// memset; C = 0 + α·op(A)·op(B) is the same product (Benchmarks/README "Clearing C before GEMM").
@inline(__always)
private func betaAfterClearing<T: BinaryFloatingPoint>(_ beta: T, _ c: UnsafeMutablePointer<T>, m: Int, n: Int, ldc: Int) -> T {
    guard beta == 0, m * n >= gemmClearingThreshold else { return beta }
    let rowBytes = n * MemoryLayout<T>.stride
    if ldc == n {
        memset(c, 0, m * rowBytes)
    } else {
        for row in 0..<m { memset(c + row * ldc, 0, rowBytes) }
    }
    return 1
}

/// Outputs at least this large (elements) are cleared by `betaAfterClearing`; smaller ones cost
/// OpenBLAS little to clear and keep whatever β = 0 path it has for small products.
let gemmClearingThreshold = 16_384

extension Float: TensorScalar {
    /// Single-precision GEMM through OpenBLAS.
    public static func gemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
        alpha: Float, a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int,
        beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        BLASCore.warnOnceIfMismatched()
        let beta = betaAfterClearing(beta, c, m: m, n: n, ldc: ldc)
        cblas_sgemm(CblasRowMajor, cblasTranspose(transposeA), cblasTranspose(transposeB),
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb),
                    beta, c, Int32(ldc))
    }

    /// Direct convolution through `mixup_conv2d_direct_f32`.
    public static func directConvolution(
        _ x: UnsafePointer<Float>, _ g: WindowGeometry, weight: UnsafePointer<Float>, outputChannels: Int,
        bias: UnsafePointer<Float>?, into y: UnsafeMutablePointer<Float>) -> Bool {
        mixup_conv2d_direct_f32(x, g.batch, g.channels, g.height, g.width, weight, outputChannels,
                                g.kernelHeight, g.kernelWidth, g.padding, g.padding, bias, y) == 0
    }

    /// Weight gradient through `mixup_conv2d_weight_grad_f32`.
    public static func directConvolutionWeightGradient(
        _ x: UnsafePointer<Float>, _ g: WindowGeometry, outputGradient gy: UnsafePointer<Float>,
        outputChannels: Int, addingInto dweight: UnsafeMutablePointer<Float>,
        biasGradient dbias: UnsafeMutablePointer<Float>?) -> Bool {
        mixup_conv2d_weight_grad_f32(x, g.batch, g.channels, g.height, g.width, gy, outputChannels,
                                     g.kernelHeight, g.kernelWidth, g.padding, g.padding, dweight, dbias) == 0
    }

    /// 2×2 max pooling through `mixup_maxpool2x2_f32`.
    public static func maxPool2x2(_ x: UnsafePointer<Float>, planes: Int, height: Int, width: Int,
                                  into y: UnsafeMutablePointer<Float>, argmax: UnsafeMutablePointer<Int>) {
        argmax.withMemoryRebound(to: Int64.self, capacity: planes * (height / 2) * (width / 2)) {
            mixup_maxpool2x2_f32(x, planes, height, width, y, $0)
        }
    }
}

extension Double: TensorScalar {
    /// Double-precision GEMM through OpenBLAS.
    public static func gemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
        alpha: Double, a: UnsafePointer<Double>, lda: Int,
        b: UnsafePointer<Double>, ldb: Int,
        beta: Double, c: UnsafeMutablePointer<Double>, ldc: Int
    ) {
        BLASCore.warnOnceIfMismatched()
        let beta = betaAfterClearing(beta, c, m: m, n: n, ldc: ldc)
        cblas_dgemm(CblasRowMajor, cblasTranspose(transposeA), cblasTranspose(transposeB),
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb),
                    beta, c, Int32(ldc))
    }

    /// Direct convolution through `mixup_conv2d_direct_f64`.
    public static func directConvolution(
        _ x: UnsafePointer<Double>, _ g: WindowGeometry, weight: UnsafePointer<Double>, outputChannels: Int,
        bias: UnsafePointer<Double>?, into y: UnsafeMutablePointer<Double>) -> Bool {
        mixup_conv2d_direct_f64(x, g.batch, g.channels, g.height, g.width, weight, outputChannels,
                                g.kernelHeight, g.kernelWidth, g.padding, g.padding, bias, y) == 0
    }

    /// Weight gradient through `mixup_conv2d_weight_grad_f64`.
    public static func directConvolutionWeightGradient(
        _ x: UnsafePointer<Double>, _ g: WindowGeometry, outputGradient gy: UnsafePointer<Double>,
        outputChannels: Int, addingInto dweight: UnsafeMutablePointer<Double>,
        biasGradient dbias: UnsafeMutablePointer<Double>?) -> Bool {
        mixup_conv2d_weight_grad_f64(x, g.batch, g.channels, g.height, g.width, gy, outputChannels,
                                     g.kernelHeight, g.kernelWidth, g.padding, g.padding, dweight, dbias) == 0
    }

    /// 2×2 max pooling through `mixup_maxpool2x2_f64`.
    public static func maxPool2x2(_ x: UnsafePointer<Double>, planes: Int, height: Int, width: Int,
                                  into y: UnsafeMutablePointer<Double>, argmax: UnsafeMutablePointer<Int>) {
        argmax.withMemoryRebound(to: Int64.self, capacity: planes * (height / 2) * (width / 2)) {
            mixup_maxpool2x2_f64(x, planes, height, width, y, $0)
        }
    }
}

/// Threads for all of MixupLab's compute: OpenBLAS and the C kernels (direct convolution, pooling).
/// The kernels split work so every output element is summed by one thread in the single-thread
/// order, so their results do not depend on the count; OpenBLAS's may (reproducible per count).
public enum ComputeThreads {
    /// Sets OpenBLAS's and the kernels' thread counts together (at least 1).
    public static var count: Int {
        get { kernelCount }
        set { BLAS.threadCount = newValue; kernelCount = newValue }
    }

    /// Threads of the C kernels alone (default 1).
    public static var kernelCount: Int {
        get { Int(mixup_kernels_threads()) }
        set { mixup_kernels_set_threads(Int32(max(1, min(newValue, 64)))) }
    }
}

/// Process-wide OpenBLAS settings.
public enum BLAS {
    /// Number of threads OpenBLAS uses for one GEMM. Tests and reproducible runs pin this to 1.
    public static var threadCount: Int {
        get { Int(openblas_get_num_threads()) }
        set { openblas_set_num_threads(Int32(max(1, newValue))) }
    }
}
