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
        guard bias != nil else { return matmul(x, weight, transposeB: true) }
        return gatedLinear(x, weight: weight, bias: bias, gate: .none)
    }

    /// ReLU(x·Wᵀ + b) as one tape node (the hidden layers of an MLP): the GEMM's output is
    /// rectified in place, and the pullback gates g by y > 0 before the GEMMs of `linear`. Equals
    /// `linear(x, weight:, bias:).relu()` bit for bit, with one node, one tensor and one pass fewer.
    public static func linearReLU(_ x: Variable, weight: Variable, bias: Variable?) -> Variable {
        gatedLinear(x, weight: weight, bias: bias, gate: .relu)
    }

    /// (x·Wᵀ + b) ⊙ 1[mask > 0] for a constant `mask` shaped like the output, as one tape node: the
    /// tangent of a ReLU hidden layer, J·t = (t·Wᵀ) ⊙ 1[pre-activation > 0], without a separate
    /// gating node. Equals `linear(x, weight:, bias:).gated(by: mask)` bit for bit.
    public static func linear(_ x: Variable, weight: Variable, bias: Variable?, gatedBy mask: Tensor<Scalar>) -> Variable {
        gatedLinear(x, weight: weight, bias: bias, gate: .mask(mask))
    }

    /// The node behind `linear`, `linearReLU` and `linear(_:weight:bias:gatedBy:)`.
    private static func gatedLinear(_ x: Variable, weight: Variable, bias: Variable?, gate: ProductGate<Scalar>) -> Variable {
        precondition(x.shape.count == 2 && weight.shape.count == 2 && x.shape[1] == weight.shape[1]
                     && (bias == nil || bias!.shape == [weight.shape[0]]),
                     "linear: input \(x.shape), weight \(weight.shape) and bias \(bias?.shape ?? []) do not fit [N, in]·[out, in]ᵀ + [out]")
        let needX = x.requiresGradient, needW = weight.requiresGradient, needB = bias?.requiresGradient ?? false
        let xv = x.value, wv = weight.value
        let y = gatedProduct(xv, wv, bias: bias?.value, gate: gate)
        // The pullback's gate: y > 0 exactly where the pre-activation is (ReLU), or the given mask.
        let mask: Tensor<Scalar>?
        switch gate {
        case .none: mask = nil
        case .relu: mask = y
        case .mask(let m): mask = m
        }
        return record(y, parents: bias.map { [x, weight, $0] } ?? [x, weight]) { g in
            // Gating and the bias gradient in one pass (`gatedRows`), then the GEMMs.
            let gm: Tensor<Scalar>, gb: Tensor<Scalar>?
            if let mask {
                (gm, gb) = gatedRows(g, mask: mask, withColumnSums: needB)
            } else {
                gm = g
                gb = needB ? g.sum(alongAxis: 0).reshaped([wv.shape[0]]) : nil
            }
            var grads: [Tensor<Scalar>?] = [needX ? gm.matmul(wv) : nil,
                                            needW ? gm.matmul(xv, transposeSelf: true) : nil]
            if bias != nil { grads.append(gb) }
            return grads
        }
    }
}
