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

    /// x·Wᵀ + b for x `[N, in]`, a weight `[out, in]` and an optional bias `[out]`, as one tape node:
    /// the output starts as the bias rows and the GEMM adds x·Wᵀ into it (β = 1), so there is no
    /// separate broadcast pass; the pullback is ∂x = g·W, ∂W = gᵀ·x, ∂b = Σ_rows g.
    public static func linear(_ x: Variable, weight: Variable, bias: Variable?) -> Variable {
        guard let bias else { return matmul(x, weight, transposeB: true) }
        precondition(x.shape.count == 2 && weight.shape.count == 2 && x.shape[1] == weight.shape[1]
                     && bias.shape == [weight.shape[0]],
                     "linear: input \(x.shape), weight \(weight.shape) and bias \(bias.shape) do not fit [N, in]·[out, in]ᵀ + [out]")
        let needX = x.requiresGradient, needW = weight.requiresGradient, needB = bias.requiresGradient
        let xv = x.value, wv = weight.value
        let y = biasedProduct(xv, wv, bias.value)
        return record(y, parents: [x, weight, bias]) { g in
            [needX ? g.matmul(wv) : nil,
             needW ? g.matmul(xv, transposeSelf: true) : nil,
             needB ? g.sum(alongAxis: 0).reshaped([wv.shape[0]]) : nil]
        }
    }
}
