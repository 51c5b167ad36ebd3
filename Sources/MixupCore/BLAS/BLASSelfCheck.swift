import CBLAS

/// Checks this process's OpenBLAS GEMMs against a naive reference product, so a forced core
/// (`OPENBLAS_CORETYPE`) is only adopted when its kernels compute correctly on this CPU.
///
/// sgemm and dgemm, all four transpose combinations, on shapes with ragged edges (odd M, N, K)
/// and one big enough for the blocked path. Each element must lie within the rigorous rounding
/// bound 2·K·u·Σ|a·b| of the reference computed in Double (u = unit round-off), so a correct
/// kernel cannot fail and a wrong one (garbage, wrong edge handling) cannot pass.
public enum BLASSelfCheck {
    /// Runs every case; returns one line per failed case (empty when all pass).
    public static func run() -> [String] {
        var failures: [String] = []
        let shapes: [(m: Int, n: Int, k: Int)] = [(1, 1, 1), (7, 5, 3), (37, 53, 129), (100, 128, 128), (130, 97, 300)]
        var seed: UInt64 = 0x9E37_79B9_7F4A_7C15
        for shape in shapes {
            for transposeA in [false, true] {
                for transposeB in [false, true] {
                    if let failure = check(Float.self, shape, transposeA, transposeB, &seed) { failures.append(failure) }
                    if let failure = check(Double.self, shape, transposeA, transposeB, &seed) { failures.append(failure) }
                }
            }
        }
        return failures
    }

    private static func check<S: TensorScalar>(_: S.Type, _ shape: (m: Int, n: Int, k: Int), _ transposeA: Bool,
                                               _ transposeB: Bool, _ seed: inout UInt64) -> String? {
        let (m, n, k) = shape
        func next() -> S {  // SplitMix64 → uniform in [-1, 1)
            seed &+= 0x9E37_79B9_7F4A_7C15
            var z = seed
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            z ^= z >> 31
            return S(Double(z >> 11) / Double(1 << 53) * 2 - 1)
        }
        let a = (0..<(m * k)).map { _ in next() }, b = (0..<(k * n)).map { _ in next() }
        let lda = transposeA ? m : k, ldb = transposeB ? k : n
        // Storage: A is m×k (or k×m when transposed), B is k×n (or n×k), both row-major.
        func aAt(_ i: Int, _ p: Int) -> Double { Double(transposeA ? a[p * m + i] : a[i * k + p]) }
        func bAt(_ p: Int, _ j: Int) -> Double { Double(transposeB ? b[j * k + p] : b[p * n + j]) }
        var c = [S](repeating: S(0.5), count: m * n)  // β = 0 must ignore what is there
        a.withUnsafeBufferPointer { ap in
            b.withUnsafeBufferPointer { bp in
                c.withUnsafeMutableBufferPointer { cp in
                    S.gemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: 1,
                           a: ap.baseAddress!, lda: lda, b: bp.baseAddress!, ldb: ldb, beta: 0,
                           c: cp.baseAddress!, ldc: n)
                }
            }
        }
        let unitRoundoff = Double(S.ulpOfOne) / 2
        for i in 0..<m {
            for j in 0..<n {
                var reference = 0.0, magnitude = 0.0
                for p in 0..<k {
                    reference += aAt(i, p) * bAt(p, j)
                    magnitude += abs(aAt(i, p) * bAt(p, j))
                }
                let error = abs(Double(c[i * n + j]) - reference)
                let bound = 2 * Double(k + 2) * unitRoundoff * magnitude + Double(S.leastNormalMagnitude)
                if !(error <= bound) {
                    return "\(S.self == Float.self ? "sgemm" : "dgemm") \(m)×\(k)·\(k)×\(n) "
                        + "transA=\(transposeA) transB=\(transposeB): C[\(i),\(j)] = \(c[i * n + j]), reference \(reference)"
                }
            }
        }
        return nil
    }
}
