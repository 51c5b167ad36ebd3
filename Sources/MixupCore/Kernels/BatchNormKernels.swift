import CKernels

/// Batch-normalization kernels over channel axis 1 of `[N, C, …]` with batch statistics: the plain
/// op, and batch norm + ReLU fused (PreAct blocks are BN → ReLU → conv), whose forward keeps no
/// normalized copy — the backward recomputes x̂ from the input, which the tape holds anyway — and
/// whose fixed-statistics tangent rule and its adjoint run in one pass each.
///
/// The loops are C (`mixup_bn_*` in CKernels/BatchNorm.c): vectorised per instruction set, split
/// over the kernel threads (`ComputeThreads.kernelCount`) by channel for sums and by (sample,
/// channel) run for elementwise passes, with per-channel sums accumulated in Double in one fixed
/// order — identical results for every thread count. Float and Double call the C entry points
/// directly; any other `TensorScalar` goes through Double.

/// `x` as `[N, C, rest]`: samples, channels and the elements of one (sample, channel) run.
@inline(__always)
private func channelLayout<T>(_ x: Tensor<T>) -> (n: Int, c: Int, rest: Int) {
    let n = x.shape[0], c = x.shape[1]
    return (n, c, x.count / Swift.max(1, n * c))
}

/// Whether the C kernels take `T` directly (Float, Double); other scalar types convert to Double.
@inline(__always)
private func isKernelPrecision<T>(_: T.Type) -> Bool { T.self == Float.self || T.self == Double.self }

/// The per-channel parameters a kernel reads, concatenated (`c` each) so one pointer carries them.
@inline(__always)
private func channelParameters<T>(_ c: Int, _ arrays: [T]...) -> [T] {
    for a in arrays { precondition(a.count == c, "batch norm kernels: \(a.count) per-channel values for \(c) channels") }
    return arrays.flatMap { $0 }
}

/// Per-channel mean and sum of squared deviations Σ(x − μ)² over every axis but 1 of `[N, C, …]`,
/// two passes for accuracy, summed in Double; `count` is the number of elements per channel. The
/// one summation both batch norm's statistics and the running statistics (`channelMeanAndVariance`)
/// divide.
@_specialize(where T == Float)
@_specialize(where T == Double)
func channelMeanAndSquaredDeviations<T: TensorScalar>(_ x: Tensor<T>) -> (mean: [T], squaredDeviations: [T], count: Int) {
    guard isKernelPrecision(T.self) else {
        let r = channelMeanAndSquaredDeviations(Tensor<Double>(x))
        return (r.mean.map { T($0) }, r.squaredDeviations.map { T($0) }, r.count)
    }
    let (n, c, rest) = channelLayout(x)
    var mean = [T](repeating: 0, count: c), squares = [T](repeating: 0, count: c)
    if c > 0 {
        x.withUnsafeBufferPointer { xb in
            mean.withUnsafeMutableBufferPointer { mb in
                squares.withUnsafeMutableBufferPointer { qb in
                    if T.self == Float.self { mixup_bn_statistics_f32(rebound(xb, Float.self), n, c, rest, rebound(mb, Float.self), rebound(qb, Float.self)) }
                    else { mixup_bn_statistics_f64(rebound(xb, Double.self), n, c, rest, rebound(mb, Double.self), rebound(qb, Double.self)) }
                }
            }
        }
    }
    return (mean, squares, n * rest)
}

/// Per-channel mean and 1/√(σ² + ε) with σ² the biased batch variance.
@_specialize(where T == Float)
@_specialize(where T == Double)
func batchStatistics<T: TensorScalar>(_ x: Tensor<T>, epsilon: T) -> (mean: [T], inverseDeviation: [T]) {
    let (mean, squares, count) = channelMeanAndSquaredDeviations(x)
    let m = T(Swift.max(1, count))
    return (mean, squares.map { 1 / ($0 / m + epsilon).squareRoot() })
}

// MARK: Plain batch norm

/// y = x̂·γ + β with x̂ = (x − μ)/√(σ² + ε), μ and the biased σ² per channel over every axis
/// but 1. Returns x̂ and 1/√(σ² + ε) for the backward pass.
@_specialize(where T == Float)
@_specialize(where T == Double)
func batchNormForward<T: TensorScalar>(_ x: Tensor<T>, scale: Tensor<T>, shift: Tensor<T>, epsilon: T)
    -> (output: Tensor<T>, normalized: Tensor<T>, inverseDeviation: [T]) {
    guard isKernelPrecision(T.self) else {
        let r = batchNormForward(Tensor<Double>(x), scale: Tensor<Double>(scale), shift: Tensor<Double>(shift),
                                 epsilon: Double(epsilon))
        return (Tensor(r.output), Tensor(r.normalized), r.inverseDeviation.map { T($0) })
    }
    let (n, c, rest) = channelLayout(x)
    let (mean, inv) = batchStatistics(x, epsilon: epsilon)
    let parameters = channelParameters(c, mean, inv, scale.scalars, shift.scalars)
    var xhat: [T] = []
    let y = [T](unsafeUninitializedCapacity: x.count) { yb, yCount in
        xhat = [T](unsafeUninitializedCapacity: x.count) { hb, hCount in
            x.withUnsafeBufferPointer { xb in
                parameters.withUnsafeBufferPointer { pb in
                    guard x.count > 0 else { return }
                    if T.self == Float.self {
                        let p = rebound(pb, Float.self)!
                        mixup_bn_forward_f32(rebound(xb, Float.self), n, c, rest, p, p + c, p + 2 * c, p + 3 * c, rebound(yb, Float.self), rebound(hb, Float.self))
                    } else {
                        let p = rebound(pb, Double.self)!
                        mixup_bn_forward_f64(rebound(xb, Double.self), n, c, rest, p, p + c, p + 2 * c, p + 3 * c, rebound(yb, Double.self), rebound(hb, Double.self))
                    }
                }
            }
            hCount = x.count
        }
        yCount = x.count
    }
    return (Tensor(shape: x.shape, scalars: y), Tensor(shape: x.shape, scalars: xhat), inv)
}

/// Adjoints of `batchNormForward`: ∂β = Σg, ∂γ = Σ g·x̂, and
/// ∂x = γ/√(σ² + ε) · (g − mean(g) − x̂·mean(g·x̂)) per channel.
@_specialize(where T == Float)
@_specialize(where T == Double)
func batchNormBackward<T: TensorScalar>(_ gradOut: Tensor<T>, normalized xhat: Tensor<T>, inverseDeviation inv: [T],
                                        scale: Tensor<T>, needInput: Bool)
    -> (input: Tensor<T>?, scale: Tensor<T>, shift: Tensor<T>) {
    guard isKernelPrecision(T.self) else {
        let r = batchNormBackward(Tensor<Double>(gradOut), normalized: Tensor<Double>(xhat), inverseDeviation: inv.map { Double($0) },
                                  scale: Tensor<Double>(scale), needInput: needInput)
        return (r.input.map { Tensor($0) }, Tensor(r.scale), Tensor(r.shift))
    }
    precondition(gradOut.count == xhat.count, "batch norm backward: gradient \(gradOut.shape) for a value of \(xhat.shape)")
    let (n, c, rest) = channelLayout(xhat)
    let parameters = channelParameters(c, inv, scale.scalars)
    var dgamma = [T](repeating: 0, count: c), dbeta = [T](repeating: 0, count: c)
    let dx = [T](unsafeUninitializedCapacity: needInput ? xhat.count : 0) { db, dCount in
        gradOut.withUnsafeBufferPointer { gb in
            xhat.withUnsafeBufferPointer { hb in
                parameters.withUnsafeBufferPointer { pb in
                    dgamma.withUnsafeMutableBufferPointer { dgb in
                        dbeta.withUnsafeMutableBufferPointer { dbb in
                            guard c > 0 else { return }
                            if T.self == Float.self {
                                let p = rebound(pb, Float.self)!
                                mixup_bn_backward_f32(rebound(gb, Float.self), rebound(hb, Float.self), n, c, rest, p, p + c,
                                                      needInput ? rebound(db, Float.self) : nil, rebound(dgb, Float.self), rebound(dbb, Float.self))
                            } else {
                                let p = rebound(pb, Double.self)!
                                mixup_bn_backward_f64(rebound(gb, Double.self), rebound(hb, Double.self), n, c, rest, p, p + c,
                                                      needInput ? rebound(db, Double.self) : nil, rebound(dgb, Double.self), rebound(dbb, Double.self))
                            }
                        }
                    }
                }
            }
        }
        dCount = needInput ? xhat.count : 0
    }
    return (needInput ? Tensor(shape: xhat.shape, scalars: dx) : nil,
            Tensor(shape: [c], scalars: dgamma), Tensor(shape: [c], scalars: dbeta))
}

// MARK: Batch norm + ReLU, fused

/// z = max(0, (x − μ)·r·γ + β) per channel, r = 1/√(σ² + ε), from precomputed `batchStatistics`.
@_specialize(where T == Float)
@_specialize(where T == Double)
func batchNormReLUForward<T: TensorScalar>(_ x: Tensor<T>, mean: [T], inverseDeviation inv: [T],
                                           scale: Tensor<T>, shift: Tensor<T>) -> Tensor<T> {
    guard isKernelPrecision(T.self) else {
        return Tensor(batchNormReLUForward(Tensor<Double>(x), mean: mean.map { Double($0) }, inverseDeviation: inv.map { Double($0) },
                                           scale: Tensor<Double>(scale), shift: Tensor<Double>(shift)))
    }
    let (n, c, rest) = channelLayout(x)
    let parameters = channelParameters(c, mean, inv, scale.scalars, shift.scalars)
    let z = [T](unsafeUninitializedCapacity: x.count) { zb, count in
        x.withUnsafeBufferPointer { xb in
            parameters.withUnsafeBufferPointer { pb in
                guard x.count > 0 else { return }
                if T.self == Float.self {
                    let p = rebound(pb, Float.self)!
                    mixup_bn_relu_forward_f32(rebound(xb, Float.self), n, c, rest, p, p + c, p + 2 * c, p + 3 * c, rebound(zb, Float.self))
                } else {
                    let p = rebound(pb, Double.self)!
                    mixup_bn_relu_forward_f64(rebound(xb, Double.self), n, c, rest, p, p + c, p + 2 * c, p + 3 * c, rebound(zb, Double.self))
                }
            }
        }
        count = x.count
    }
    return Tensor(shape: x.shape, scalars: z)
}

/// Adjoints of the fused op for an output gradient g: with g_y = g·1[z > 0] and x̂ = (x − μ)·r
/// recomputed from the input, ∂β = Σ g_y, ∂γ = Σ g_y·x̂, ∂x = γr·(g_y − mean(g_y) − x̂·mean(g_y·x̂)).
@_specialize(where T == Float)
@_specialize(where T == Double)
func batchNormReLUBackward<T: TensorScalar>(_ gradOut: Tensor<T>, input x: Tensor<T>, output z: Tensor<T>,
                                            mean: [T], inverseDeviation inv: [T], scale: Tensor<T>, needInput: Bool)
    -> (input: Tensor<T>?, scale: Tensor<T>, shift: Tensor<T>) {
    guard isKernelPrecision(T.self) else {
        let r = batchNormReLUBackward(Tensor<Double>(gradOut), input: Tensor<Double>(x), output: Tensor<Double>(z),
                                      mean: mean.map { Double($0) }, inverseDeviation: inv.map { Double($0) },
                                      scale: Tensor<Double>(scale), needInput: needInput)
        return (r.input.map { Tensor($0) }, Tensor(r.scale), Tensor(r.shift))
    }
    precondition(gradOut.count == x.count && z.count == x.count,
                 "batch norm + ReLU backward: gradient \(gradOut.shape) and output \(z.shape) for an input of \(x.shape)")
    let (n, c, rest) = channelLayout(x)
    let parameters = channelParameters(c, mean, inv, scale.scalars)
    var dgamma = [T](repeating: 0, count: c), dbeta = [T](repeating: 0, count: c)
    let dx = [T](unsafeUninitializedCapacity: needInput ? x.count : 0) { db, dCount in
        gradOut.withUnsafeBufferPointer { gb in
            x.withUnsafeBufferPointer { xb in
                z.withUnsafeBufferPointer { zb in
                    parameters.withUnsafeBufferPointer { pb in
                        dgamma.withUnsafeMutableBufferPointer { dgb in
                            dbeta.withUnsafeMutableBufferPointer { dbb in
                                guard c > 0 else { return }
                                if T.self == Float.self {
                                    let p = rebound(pb, Float.self)!
                                    mixup_bn_relu_backward_f32(rebound(gb, Float.self), rebound(xb, Float.self), rebound(zb, Float.self), n, c, rest, p, p + c, p + 2 * c,
                                                               needInput ? rebound(db, Float.self) : nil, rebound(dgb, Float.self), rebound(dbb, Float.self))
                                } else {
                                    let p = rebound(pb, Double.self)!
                                    mixup_bn_relu_backward_f64(rebound(gb, Double.self), rebound(xb, Double.self), rebound(zb, Double.self), n, c, rest, p, p + c, p + 2 * c,
                                                               needInput ? rebound(db, Double.self) : nil, rebound(dgb, Double.self), rebound(dbb, Double.self))
                                }
                            }
                        }
                    }
                }
            }
        }
        dCount = needInput ? x.count : 0
    }
    return (needInput ? Tensor(shape: x.shape, scalars: dx) : nil,
            Tensor(shape: [c], scalars: dgamma), Tensor(shape: [c], scalars: dbeta))
}

/// The fused op's tangent with the batch statistics held fixed along the direction:
/// ż = 1[z > 0]·γr·t.
@_specialize(where T == Float)
@_specialize(where T == Double)
func batchNormReLUTangent<T: TensorScalar>(_ t: Tensor<T>, output z: Tensor<T>, inverseDeviation inv: [T],
                                           scale: Tensor<T>) -> Tensor<T> {
    guard isKernelPrecision(T.self) else {
        return Tensor(batchNormReLUTangent(Tensor<Double>(t), output: Tensor<Double>(z), inverseDeviation: inv.map { Double($0) },
                                           scale: Tensor<Double>(scale)))
    }
    precondition(z.count == t.count, "batch norm + ReLU tangent: output \(z.shape) for a tangent of \(t.shape)")
    let (n, c, rest) = channelLayout(t)
    let parameters = channelParameters(c, inv, scale.scalars)
    let out = [T](unsafeUninitializedCapacity: t.count) { ob, count in
        t.withUnsafeBufferPointer { tb in
            z.withUnsafeBufferPointer { zb in
                parameters.withUnsafeBufferPointer { pb in
                    guard t.count > 0 else { return }
                    if T.self == Float.self {
                        let p = rebound(pb, Float.self)!
                        mixup_bn_relu_tangent_f32(rebound(tb, Float.self), rebound(zb, Float.self), n, c, rest, p, p + c, rebound(ob, Float.self))
                    } else {
                        let p = rebound(pb, Double.self)!
                        mixup_bn_relu_tangent_f64(rebound(tb, Double.self), rebound(zb, Double.self), n, c, rest, p, p + c, rebound(ob, Double.self))
                    }
                }
            }
        }
        count = t.count
    }
    return Tensor(shape: t.shape, scalars: out)
}

/// Adjoints of `batchNormReLUTangent` as a function of the tangent t, the input x (through
/// r = 1/√(σ²(x) + ε); the mask is constant a.e.) and γ, for a gradient g of ż: with
/// g_m = g·1[z > 0] and s = Σ g_m·t per channel, ∂t = γr·g_m, ∂γ = r·s and
/// ∂x = −s·γr²·x̂/M (∂r/∂x_i = −r²·x̂_i/M; the mean's part sums to zero).
@_specialize(where T == Float)
@_specialize(where T == Double)
func batchNormReLUTangentBackward<T: TensorScalar>(_ gradOut: Tensor<T>, tangent t: Tensor<T>, input x: Tensor<T>,
                                                   output z: Tensor<T>, mean: [T], inverseDeviation inv: [T],
                                                   scale: Tensor<T>, needTangent: Bool, needInput: Bool)
    -> (tangent: Tensor<T>?, input: Tensor<T>?, scale: Tensor<T>) {
    guard isKernelPrecision(T.self) else {
        let r = batchNormReLUTangentBackward(Tensor<Double>(gradOut), tangent: Tensor<Double>(t), input: Tensor<Double>(x),
                                             output: Tensor<Double>(z), mean: mean.map { Double($0) },
                                             inverseDeviation: inv.map { Double($0) }, scale: Tensor<Double>(scale),
                                             needTangent: needTangent, needInput: needInput)
        return (r.tangent.map { Tensor($0) }, r.input.map { Tensor($0) }, Tensor(r.scale))
    }
    precondition(gradOut.count == x.count && t.count == x.count && z.count == x.count,
                 "batch norm + ReLU tangent backward: gradient \(gradOut.shape), tangent \(t.shape) and output \(z.shape) for an input of \(x.shape)")
    let (n, c, rest) = channelLayout(x)
    let parameters = channelParameters(c, mean, inv, scale.scalars)
    var dgamma = [T](repeating: 0, count: c)
    var dx: [T] = []
    let dt = [T](unsafeUninitializedCapacity: needTangent ? t.count : 0) { dtb, dtCount in
        dx = [T](unsafeUninitializedCapacity: needInput ? x.count : 0) { dxb, dxCount in
            gradOut.withUnsafeBufferPointer { gb in
                t.withUnsafeBufferPointer { tb in
                    x.withUnsafeBufferPointer { xb in
                        z.withUnsafeBufferPointer { zb in
                            parameters.withUnsafeBufferPointer { pb in
                                dgamma.withUnsafeMutableBufferPointer { dgb in
                                    guard c > 0 else { return }
                                    if T.self == Float.self {
                                        let p = rebound(pb, Float.self)!
                                        mixup_bn_relu_tangent_backward_f32(rebound(gb, Float.self), rebound(tb, Float.self), rebound(xb, Float.self), rebound(zb, Float.self), n, c, rest,
                                                                           p, p + c, p + 2 * c, needTangent ? rebound(dtb, Float.self) : nil,
                                                                           needInput ? rebound(dxb, Float.self) : nil, rebound(dgb, Float.self))
                                    } else {
                                        let p = rebound(pb, Double.self)!
                                        mixup_bn_relu_tangent_backward_f64(rebound(gb, Double.self), rebound(tb, Double.self), rebound(xb, Double.self), rebound(zb, Double.self), n, c, rest,
                                                                           p, p + c, p + 2 * c, needTangent ? rebound(dtb, Double.self) : nil,
                                                                           needInput ? rebound(dxb, Double.self) : nil, rebound(dgb, Double.self))
                                    }
                                }
                            }
                        }
                    }
                }
            }
            dxCount = needInput ? x.count : 0
        }
        dtCount = needTangent ? t.count : 0
    }
    return (needTangent ? Tensor(shape: t.shape, scalars: dt) : nil,
            needInput ? Tensor(shape: x.shape, scalars: dx) : nil,
            Tensor(shape: [c], scalars: dgamma))
}
