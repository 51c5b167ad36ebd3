/// The softmax family in Taylor mode: logsumexp, softmax and log-softmax along an axis — what
/// Theorem 1's h∘f needs (h = logsumexp for cross-entropy, softplus for the logistic loss).
///
/// With ℓ = logsumexp(x) and s = softmax(x): ℓ′ = Σ_axis s⊙x′ and s′ = s⊙(x′ − ℓ′). Matching
/// coefficients gives k·ℓ_k = Σ_axis Σ_{j=1}^{k} j·x_j⊙s_{k−j} and
/// k·s_k = Σ_{j=1}^{k} j·(x_j − ℓ_j)⊙s_{k−j}; ℓ_k needs s up to k − 1 and s_k needs ℓ up to k,
/// so the two are computed in turn.
extension Jet {
    /// logsumexp coefficients (axis kept with extent 1, k ≥ 1) and softmax coefficients (k ≥ 0).
    private func softmaxFamily(alongAxis axis: Int) -> (lse: [Variable<Scalar>], softmax: [Variable<Scalar>]) {
        var lse: [Variable<Scalar>] = [primal.logSumExp(alongAxis: axis)]
        var s: [Variable<Scalar>] = [primal.softmax(alongAxis: axis)]
        guard order >= 1 else { return (lse, s) }
        var kept = shape; kept[axis] = 1
        lse[0] = lse[0].reshaped(kept)
        let scaledX = coefficients.indices.map { $0 < 2 ? coefficients[$0] : coefficients[$0] * Scalar($0) }
        for k in 1...order {
            var acc = scaledX[1] * s[k - 1]
            for j in stride(from: 2, through: k, by: 1) { acc = acc + scaledX[j] * s[k - j] }
            var lk = acc.sum(alongAxis: axis, keepingDimension: true)
            if k > 1 { lk = lk * (1 / Scalar(k)) }
            lse.append(lk)
            // k·s_k = Σ_j j·(x_j − ℓ_j)⊙s_{k−j}
            var sk = (scaledX[1] - lse[1]) * s[k - 1]
            for j in stride(from: 2, through: k, by: 1) {
                sk = sk + (scaledX[j] - lse[j] * Scalar(j)) * s[k - j]
            }
            s.append(k == 1 ? sk : sk * (1 / Scalar(k)))
        }
        return (lse, s)
    }

    /// log Σ exp(x) along `axis` (axis removed), stable in c₀ and exact in every coefficient.
    public func logSumExp(alongAxis axis: Int) -> Jet {
        let family = softmaxFamily(alongAxis: axis)
        var outShape = shape; outShape.remove(at: axis)
        return Jet(coefficients: [primal.logSumExp(alongAxis: axis)]
                   + family.lse.dropFirst().map { $0.reshaped(outShape) })
    }

    /// softmax along `axis`.
    public func softmax(alongAxis axis: Int) -> Jet {
        Jet(coefficients: softmaxFamily(alongAxis: axis).softmax)
    }

    /// log-softmax along `axis`: x − logsumexp(x), so c_k = x_k − ℓ_k for k ≥ 1.
    public func logSoftmax(alongAxis axis: Int) -> Jet {
        let family = softmaxFamily(alongAxis: axis)
        return Jet(coefficients: [primal.logSoftmax(alongAxis: axis)]
                   + stride(from: 1, through: order, by: 1).map { coefficients[$0] - family.lse[$0] })
    }
}
