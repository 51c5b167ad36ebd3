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
    if axis == x.rank - 1 && x.rank >= 1 { return rowLogSumExpAndSoftmax(x) }
    var m = x.max(alongAxis: axis)
    // Rows that are entirely −∞ would give NaN from (−∞) − (−∞); shift them by 0 instead.
    if !m.isFinite { m = Tensor(shape: m.shape, scalars: m.scalars.map { $0.isFinite ? $0 : 0 }) }
    let e = (x - m).map(.exp)
    let s = e.sum(alongAxis: axis)
    return (m + s.map(.log), e / s)
}

// MARK: Fused softmax cross-entropy

extension Variable {
    /// Mean softmax cross-entropy of logits `[N, D]` against (soft) targets of the same shape,
    /// (Σ_i logsumexp(z_i) − Σ_ic y_ic z_ic)/N, as one tape node: one pass computes logsumexp and
    /// softmax per row, and the pullback is (softmax − y)·g/N. Equals the composition
    /// `(logSumExp(alongAxis: 1).sum() − (y ⊙ z).sum()) / N` for any targets (mixup's soft ones too).
    public func softmaxCrossEntropy(targets: Tensor<Scalar>) -> Variable {
        precondition(shape.count == 2 && targets.shape == shape,
                     "softmax cross-entropy needs logits [N, D] and targets of the same shape, got \(shape) and \(targets.shape)")
        let (loss, softmax) = softmaxCrossEntropyForward(value, targets)
        let scale = 1 / Scalar(Swift.max(shape[0], 1))
        return Variable.record(Tensor(loss), parents: [self]) { g in
            [softmaxResidual(softmax, targets, times: g.scalar * scale)]
        }
    }

    /// Per row, Σ_c (softmax(z)_ic − y_ic)·t_ic for logits z = `self` `[N, D]`, targets y and a
    /// tangent t `[N, D]`: the directional derivative of each row's softmax cross-entropy along t —
    /// the JVP rule of `softmaxCrossEntropy` and MixupE's exact q(x_i) when t = J_f(x_i)·v —
    /// as one tape node. Gradients: ∂/∂t = g_i·(s_i − y_i), ∂/∂z = s_i ⊙ (g_i t_i − g_i Σ_c s_ic t_ic).
    public func crossEntropyDirectionalDerivative(targets: Tensor<Scalar>, tangent: Variable) -> Variable {
        precondition(shape.count == 2 && targets.shape == shape && tangent.shape == shape,
                     "cross-entropy directional derivative needs logits, targets and tangent of one shape [N, D], got \(shape), \(targets.shape), \(tangent.shape)")
        let softmax = logSumExpAndSoftmax(value, axis: 1).softmax
        let (q, weighted) = residualContraction(softmax, targets, tangent.value)
        let needZ = requiresGradient, needT = tangent.requiresGradient, t = tangent.value
        return Variable.record(q, parents: [self, tangent]) { g in
            [needZ ? softmaxJacobianTransposed(softmax, t, rowWeights: g, rowDots: weighted) : nil,
             needT ? softmaxResidual(softmax, targets, rowWeights: g) : nil]
        }
    }
}

/// `logSumExpAndSoftmax` along the last axis, one row at a time in one output buffer (the logits of
/// a classifier are narrow rows, where the generic reductions cost a pass and a tensor each). The
/// same operations in the same order as the generic path: max, x − m, exp, the sum from the left,
/// division by it, m + log(sum).
@_specialize(where T == Float)
@_specialize(where T == Double)
func rowLogSumExpAndSoftmax<T: TensorScalar>(_ x: Tensor<T>) -> (lse: Tensor<T>, softmax: Tensor<T>) {
    let d = x.shape[x.rank - 1], n = d == 0 ? 0 : x.count / d
    var shape = x.shape; shape[x.rank - 1] = 1
    guard d > 0 else {
        // Empty rows: logsumexp over nothing is −∞ (as the generic path's max/sum give), no softmax.
        return (Tensor(repeating: -T.infinity, shape: shape), x)
    }
    var lse = [T](repeating: 0, count: n)
    let s = [T](unsafeUninitializedCapacity: n * d) { sb, initialized in
        x.withUnsafeBufferPointer { xb in
            for i in 0..<n {
                let row = xb.baseAddress! + i * d, out = sb.baseAddress! + i * d
                var m = -T.infinity
                for c in 0..<d where row[c] > m || row[c].isNaN { m = row[c] }
                if !m.isFinite { m = 0 }
                for c in 0..<d { out[c] = row[c] - m }
                exponentials(UnsafePointer(out), out, d)
                var sum: T = 0
                for c in 0..<d { sum += out[c] }
                for c in 0..<d { out[c] /= sum }
                lse[i] = m + T.log(sum)
            }
        }
        initialized = n * d
    }
    return (Tensor(shape: shape, scalars: lse), Tensor(shape: x.shape, scalars: s))
}

/// Σ_i logsumexp(z_i) − Σ_ic y_ic z_ic, divided by N as `Variable./` does (× 1/N), and the softmax of
/// z, in one pass over the rows; rows that are all −∞ are shifted by 0 (as `logSumExpAndSoftmax`).
@_specialize(where T == Float)
@_specialize(where T == Double)
func softmaxCrossEntropyForward<T: TensorScalar>(_ z: Tensor<T>, _ y: Tensor<T>) -> (loss: T, softmax: Tensor<T>) {
    let n = z.shape[0]
    let (lse, softmax) = rowLogSumExpAndSoftmax(z)
    let total = sumAll(Tensor(shape: [n], scalars: lse.scalars)) - sumAll(applyBinary(.multiply, y, z))
    return (total * (1 / T(Swift.max(n, 1))), softmax)
}

/// (s − y)·c, or row-wise (s_i − y_i)·w_i with `rowWeights` w `[N]`.
@_specialize(where T == Float)
@_specialize(where T == Double)
func softmaxResidual<T: TensorScalar>(_ s: Tensor<T>, _ y: Tensor<T>, times c: T = 1, rowWeights w: Tensor<T>? = nil) -> Tensor<T> {
    let n = s.shape[0], d = s.shape[1]
    let out = [T](unsafeUninitializedCapacity: n * d) { ob, initialized in
        s.withUnsafeBufferPointer { sb in
            y.withUnsafeBufferPointer { yb in
                for i in 0..<n {
                    let f = w.map { $0.scalars[i] * c } ?? c
                    for k in (i * d)..<(i * d + d) { ob[k] = (sb[k] - yb[k]) * f }
                }
            }
        }
        initialized = n * d
    }
    return Tensor(shape: [n, d], scalars: out)
}

/// q_i = Σ_c (s_ic − y_ic)·t_ic `[N]`, and Σ_c s_ic t_ic `[N]` (what the logits' pullback reuses).
@_specialize(where T == Float)
@_specialize(where T == Double)
func residualContraction<T: TensorScalar>(_ s: Tensor<T>, _ y: Tensor<T>, _ t: Tensor<T>) -> (q: Tensor<T>, weighted: Tensor<T>) {
    let n = s.shape[0], d = s.shape[1]
    var q = [T](repeating: 0, count: n), st = [T](repeating: 0, count: n)
    s.withUnsafeBufferPointer { sb in
        y.withUnsafeBufferPointer { yb in
            t.withUnsafeBufferPointer { tb in
                for i in 0..<n {
                    var acc: T = 0, dot: T = 0
                    for k in (i * d)..<(i * d + d) { acc += (sb[k] - yb[k]) * tb[k]; dot += sb[k] * tb[k] }
                    q[i] = acc; st[i] = dot
                }
            }
        }
    }
    return (Tensor(shape: [n], scalars: q), Tensor(shape: [n], scalars: st))
}

/// Row-wise g_i·s_i ⊙ (t_i − Σ_c s_ic t_ic): the transposed softmax Jacobian applied to g_i t_i.
@_specialize(where T == Float)
@_specialize(where T == Double)
func softmaxJacobianTransposed<T: TensorScalar>(_ s: Tensor<T>, _ t: Tensor<T>, rowWeights g: Tensor<T>,
                                                rowDots st: Tensor<T>) -> Tensor<T> {
    let n = s.shape[0], d = s.shape[1]
    let out = [T](unsafeUninitializedCapacity: n * d) { ob, initialized in
        s.withUnsafeBufferPointer { sb in
            t.withUnsafeBufferPointer { tb in
                for i in 0..<n {
                    let gi = g.scalars[i], dot = st.scalars[i]
                    for k in (i * d)..<(i * d + d) { ob[k] = sb[k] * (gi * tb[k] - gi * dot) }
                }
            }
        }
        initialized = n * d
    }
    return Tensor(shape: [n, d], scalars: out)
}
