/// Reductions and the softmax family on the tape.
extension Variable {
    /// Sum along `axis`; the axis is kept with extent 1 when `keepingDimension`.
    public func sum(alongAxis axis: Int, keepingDimension: Bool = false) -> Variable {
        let inputShape = shape
        var outShape = shape
        if keepingDimension { outShape[axis] = 1 } else { outShape.remove(at: axis) }
        let y = value.sum(alongAxis: axis).reshaped(outShape)
        return Variable.record(y, parents: [self]) { g in
            var kept = inputShape; kept[axis] = 1
            return [Tensor(zeros: inputShape) + g.reshaped(kept)]
        }
    }

    /// Mean along `axis`.
    public func mean(alongAxis axis: Int, keepingDimension: Bool = false) -> Variable {
        sum(alongAxis: axis, keepingDimension: keepingDimension) / Scalar(shape[axis])
    }

    /// Sum of all elements, as a rank-0 variable.
    public func sum() -> Variable {
        let inputShape = shape
        return Variable.record(Tensor(value.sum()), parents: [self]) { g in
            [Tensor(repeating: g.scalar, shape: inputShape)]
        }
    }

    /// Mean of all elements, as a rank-0 variable.
    public func mean() -> Variable { sum() / Scalar(max(value.count, 1)) }

    /// log Σ exp(x) along `axis` (shifted by the max, so it never overflows). Axis removed.
    public func logSumExp(alongAxis axis: Int) -> Variable {
        let (lse, softmax) = logSumExpAndSoftmax(value, axis: axis)
        var outShape = shape; outShape.remove(at: axis)
        return Variable.record(lse.reshaped(outShape), parents: [self]) { g in
            var kept = softmax.shape; kept[axis] = 1
            return [softmax * g.reshaped(kept)]
        }
    }

    /// softmax along `axis`: exp(x − logsumexp(x)).
    public func softmax(alongAxis axis: Int) -> Variable {
        let s = logSumExpAndSoftmax(value, axis: axis).softmax
        return Variable.record(s, parents: [self]) { g in
            // ∂: s ⊙ (g − Σ g⊙s)
            [s * (g - (g * s).sum(alongAxis: axis))]
        }
    }

    /// log-softmax along `axis`: x − logsumexp(x), stable.
    public func logSoftmax(alongAxis axis: Int) -> Variable {
        let (lse, s) = logSumExpAndSoftmax(value, axis: axis)
        return Variable.record(value - lse, parents: [self]) { g in
            [g - s * g.sum(alongAxis: axis)]
        }
    }
}

/// logsumexp (axis kept with extent 1) and softmax of `x` along `axis`.
func logSumExpAndSoftmax<T: TensorScalar>(_ x: Tensor<T>, axis: Int) -> (lse: Tensor<T>, softmax: Tensor<T>) {
    var m = x.max(alongAxis: axis)
    // Rows that are entirely −∞ would give NaN from (−∞) − (−∞); shift them by 0 instead.
    if !m.isFinite { m = Tensor(shape: m.shape, scalars: m.scalars.map { $0.isFinite ? $0 : 0 }) }
    let e = (x - m).map(.exp)
    let s = e.sum(alongAxis: axis)
    return (m + s.map(.log), e / s)
}
