/// Matrix products on the tape (BLAS GEMM forwards and backwards).
extension Variable {
    /// op(a)·op(b) for rank-2 variables. For C = A·B: ∂A = ∂C·Bᵀ, ∂B = Aᵀ·∂C; the transposed
    /// variants follow by transposing those identities, so no transpose is ever materialised.
    public static func matmul(_ a: Variable, _ b: Variable,
                              transposeA: Bool = false, transposeB: Bool = false) -> Variable {
        let needA = a.requiresGradient, needB = b.requiresGradient
        let av = a.value, bv = b.value
        let c = av.matmul(bv, transposeSelf: transposeA, transposeOther: transposeB)
        return record(c, parents: [a, b]) { g in
            let ga: Tensor<Scalar>? = !needA ? nil : transposeA
                ? bv.matmul(g, transposeSelf: transposeB, transposeOther: true)   // (op(B)·gᵀ)
                : g.matmul(bv, transposeOther: !transposeB)                        // g·op(B)ᵀ
            let gb: Tensor<Scalar>? = !needB ? nil : transposeB
                ? g.matmul(av, transposeSelf: true, transposeOther: transposeA)   // gᵀ·op(A)
                : av.matmul(g, transposeSelf: !transposeA)                         // op(A)ᵀ·g
            return [ga, gb]
        }
    }
}
