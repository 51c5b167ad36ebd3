import CBLAS
import MixupCore
import XCTest

/// `TensorScalar.gemm` clears a large C itself and passes β = 1 to OpenBLAS (faster than
/// OpenBLAS's own clearing): the product must keep OpenBLAS's β = 0 bits, ignore whatever C held,
/// and leave the columns between n and ldc alone.
final class GEMMOutputClearingTests: XCTestCase {
    private struct Shape { var m, n, k: Int; var transposeA, transposeB: Bool; var ldcPadding: Int }

    private let shapes = [
        Shape(m: 64, n: 1_600, k: 64, transposeA: false, transposeB: false, ldcPadding: 0),   // cleared (102,400 elements)
        Shape(m: 128, n: 130, k: 27, transposeA: true, transposeB: false, ldcPadding: 3),     // cleared row by row
        Shape(m: 130, n: 128, k: 50, transposeA: false, transposeB: true, ldcPadding: 0),     // cleared, op(B) = Bᵀ
        Shape(m: 30, n: 40, k: 20, transposeA: false, transposeB: false, ldcPadding: 5),      // below the threshold
    ]

    private func values(_ count: Int, seed: Int) -> [Double] {
        (0..<count).map { i -> Double in
            let phase = Double(i * 7 + seed) * 0.37
            return sin(phase) + 0.25 * cos(Double(i) * 1.3)
        }
    }

    func testFloatGEMMWithBetaZeroKeepsOpenBLASBitsWhateverCHeld() {
        for s in shapes {
            let a = values(s.m * s.k, seed: 1).map(Float.init), b = values(s.k * s.n, seed: 2).map(Float.init)
            let lda = s.transposeA ? s.m : s.k, ldb = s.transposeB ? s.k : s.n, ldc = s.n + s.ldcPadding
            var ours = [Float](repeating: .nan, count: s.m * ldc)
            for row in 0..<s.m { for col in s.n..<ldc { ours[row * ldc + col] = 42 } }
            var reference = [Float](repeating: 0, count: s.m * ldc)
            Float.gemm(transposeA: s.transposeA, transposeB: s.transposeB, m: s.m, n: s.n, k: s.k, alpha: 0.75,
                       a: a, lda: lda, b: b, ldb: ldb, beta: 0, c: &ours, ldc: ldc)
            cblas_sgemm(CblasRowMajor, s.transposeA ? CblasTrans : CblasNoTrans, s.transposeB ? CblasTrans : CblasNoTrans,
                        Int32(s.m), Int32(s.n), Int32(s.k), 0.75, a, Int32(lda), b, Int32(ldb), 0, &reference, Int32(ldc))
            for row in 0..<s.m {
                for col in 0..<s.n {
                    XCTAssertEqual(ours[row * ldc + col].bitPattern, reference[row * ldc + col].bitPattern,
                                   "\(s) at (\(row), \(col))")
                    if ours[row * ldc + col].bitPattern != reference[row * ldc + col].bitPattern { return }
                }
                XCTAssertEqual(Array(ours[(row * ldc + s.n)..<(row * ldc + ldc)]), Array(repeating: 42, count: s.ldcPadding),
                               "\(s): columns past n of row \(row) were written")
            }
        }
    }

    func testDoubleGEMMWithBetaZeroKeepsOpenBLASBitsAndOtherBetasStillAccumulate() {
        for s in shapes {
            let a = values(s.m * s.k, seed: 3), b = values(s.k * s.n, seed: 4)
            let lda = s.transposeA ? s.m : s.k, ldb = s.transposeB ? s.k : s.n, ldc = s.n + s.ldcPadding
            var ours = [Double](repeating: .infinity, count: s.m * ldc), reference = [Double](repeating: 0, count: s.m * ldc)
            Double.gemm(transposeA: s.transposeA, transposeB: s.transposeB, m: s.m, n: s.n, k: s.k, alpha: 1,
                        a: a, lda: lda, b: b, ldb: ldb, beta: 0, c: &ours, ldc: ldc)
            cblas_dgemm(CblasRowMajor, s.transposeA ? CblasTrans : CblasNoTrans, s.transposeB ? CblasTrans : CblasNoTrans,
                        Int32(s.m), Int32(s.n), Int32(s.k), 1, a, Int32(lda), b, Int32(ldb), 0, &reference, Int32(ldc))
            for row in 0..<s.m {
                XCTAssertEqual(Array(ours[(row * ldc)..<(row * ldc + s.n)]).map(\.bitPattern),
                               Array(reference[(row * ldc)..<(row * ldc + s.n)]).map(\.bitPattern), "\(s) row \(row)")
            }
            // β ≠ 0 reads C: both accumulate onto the same starting values.
            var start = values(s.m * ldc, seed: 5)
            var expected = start
            Double.gemm(transposeA: s.transposeA, transposeB: s.transposeB, m: s.m, n: s.n, k: s.k, alpha: 1,
                        a: a, lda: lda, b: b, ldb: ldb, beta: 0.5, c: &start, ldc: ldc)
            cblas_dgemm(CblasRowMajor, s.transposeA ? CblasTrans : CblasNoTrans, s.transposeB ? CblasTrans : CblasNoTrans,
                        Int32(s.m), Int32(s.n), Int32(s.k), 1, a, Int32(lda), b, Int32(ldb), 0.5, &expected, Int32(ldc))
            XCTAssertEqual(start.map(\.bitPattern), expected.map(\.bitPattern), "\(s) with β = 0.5")
        }
    }
}
