import CBLAS
import RealModule

/// A floating-point type the engine computes in: `Float` for training, `Double` for gradient checks.
///
/// The protocol carries the one thing that differs per precision, the BLAS entry point; every other
/// kernel is generic and pre-specialised for both conformers (see `Kernels/`), so hot loops never go
/// through a witness table.
public protocol TensorScalar: BinaryFloatingPoint, Real, Codable, Sendable, CustomStringConvertible {
    /// C ← α·op(A)·op(B) + β·C on row-major buffers (`cblas_sgemm` / `cblas_dgemm`).
    static func gemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
        alpha: Self, a: UnsafePointer<Self>, lda: Int,
        b: UnsafePointer<Self>, ldb: Int,
        beta: Self, c: UnsafeMutablePointer<Self>, ldc: Int)
}

@inline(__always)
private func cblasTranspose(_ t: Bool) -> CBLAS_TRANSPOSE { t ? CblasTrans : CblasNoTrans }

extension Float: TensorScalar {
    /// Single-precision GEMM through OpenBLAS.
    public static func gemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
        alpha: Float, a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int,
        beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        cblas_sgemm(CblasRowMajor, cblasTranspose(transposeA), cblasTranspose(transposeB),
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb),
                    beta, c, Int32(ldc))
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
        cblas_dgemm(CblasRowMajor, cblasTranspose(transposeA), cblasTranspose(transposeB),
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb),
                    beta, c, Int32(ldc))
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
