/// Batch-normalization kernels over channel axis 1 of `[N, C, …]` with batch statistics: the plain
/// op, and batch norm + ReLU fused (PreAct blocks are BN → ReLU → conv), whose forward keeps no
/// normalized copy — the backward recomputes x̂ from the input, which the tape holds anyway — and
/// whose fixed-statistics tangent rule and its adjoint run in one pass each.

/// Per-channel mean and sum of squared deviations Σ(x − μ)² over every axis but 1 of `[N, C, …]`,
/// two passes for accuracy; `count` is the number of elements per channel. The one summation both
/// batch norm's statistics and the running statistics (`channelMeanAndVariance`) divide.
@_specialize(where T == Float)
@_specialize(where T == Double)
func channelMeanAndSquaredDeviations<T: TensorScalar>(_ x: Tensor<T>) -> (mean: [T], squaredDeviations: [T], count: Int) {
    let n = x.shape[0], c = x.shape[1], rest = x.count / Swift.max(1, n * c)
    let m = T(Swift.max(1, n * rest))
    var mean = [T](repeating: 0, count: c), squares = [T](repeating: 0, count: c)
    x.withUnsafeBufferPointer { xb in
        guard let xp = xb.baseAddress else { return }
        for ch in 0..<c {
            var s: T = 0
            for i in 0..<n { let p = xp + (i * c + ch) * rest; for k in 0..<rest { s += p[k] } }
            let mu = s / m
            var q: T = 0
            for i in 0..<n { let p = xp + (i * c + ch) * rest; for k in 0..<rest { let d = p[k] - mu; q += d * d } }
            mean[ch] = mu
            squares[ch] = q
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

/// Runs `body(channel, offset)` for every (sample, channel) run of `rest` contiguous elements.
@inline(__always)
private func forEachChannelRun(_ n: Int, _ c: Int, _ rest: Int, _ body: (Int, Int) -> Void) {
    for i in 0..<n { for ch in 0..<c { body(ch, (i * c + ch) * rest) } }
}

// MARK: Plain batch norm

/// y = x̂·γ + β with x̂ = (x − μ)/√(σ² + ε), μ and the biased σ² per channel over every axis
/// but 1. Returns x̂ and 1/√(σ² + ε) for the backward pass.
@_specialize(where T == Float)
@_specialize(where T == Double)
func batchNormForward<T: TensorScalar>(_ x: Tensor<T>, scale: Tensor<T>, shift: Tensor<T>, epsilon: T)
    -> (output: Tensor<T>, normalized: Tensor<T>, inverseDeviation: [T]) {
    let n = x.shape[0], c = x.shape[1], rest = x.count / Swift.max(1, n * c)
    let (mean, inv) = batchStatistics(x, epsilon: epsilon)
    var y = [T](repeating: 0, count: x.count), xhat = [T](repeating: 0, count: x.count)
    x.withUnsafeBufferPointer { xb in
        y.withUnsafeMutableBufferPointer { yb in
            xhat.withUnsafeMutableBufferPointer { hb in
                guard let xp = xb.baseAddress, let yp = yb.baseAddress, let hp = hb.baseAddress else { return }
                forEachChannelRun(n, c, rest) { ch, off in
                    let mu = mean[ch], r = inv[ch], g = scale.scalars[ch], b = shift.scalars[ch]
                    for k in 0..<rest { let h = (xp[off + k] - mu) * r; hp[off + k] = h; yp[off + k] = h * g + b }
                }
            }
        }
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
    let n = xhat.shape[0], c = xhat.shape[1], rest = xhat.count / Swift.max(1, n * c)
    let m = T(Swift.max(1, n * rest))
    var dx = [T](repeating: 0, count: needInput ? xhat.count : 0)
    var dgamma = [T](repeating: 0, count: c), dbeta = [T](repeating: 0, count: c)
    gradOut.withUnsafeBufferPointer { gb in
        xhat.withUnsafeBufferPointer { hb in
            dx.withUnsafeMutableBufferPointer { db in
                guard let gp = gb.baseAddress, let hp = hb.baseAddress else { return }
                forEachChannelRun(n, c, rest) { ch, off in
                    var sg: T = 0, sgh: T = 0
                    for k in 0..<rest { let g = gp[off + k]; sg += g; sgh += g * hp[off + k] }
                    dbeta[ch] += sg; dgamma[ch] += sgh
                }
                guard needInput, let dp = db.baseAddress else { return }
                forEachChannelRun(n, c, rest) { ch, off in
                    let a = scale.scalars[ch] * inv[ch], meanG = dbeta[ch] / m, meanGH = dgamma[ch] / m
                    for k in 0..<rest { dp[off + k] = a * (gp[off + k] - meanG - hp[off + k] * meanGH) }
                }
            }
        }
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
    let n = x.shape[0], c = x.shape[1], rest = x.count / Swift.max(1, n * c)
    let z = [T](unsafeUninitializedCapacity: x.count) { zb, count in
        x.withUnsafeBufferPointer { xb in
            guard let xp = xb.baseAddress, let zp = zb.baseAddress else { return }
            forEachChannelRun(n, c, rest) { ch, off in
                // y = x·a + b with a = rγ, b = β − μrγ: one multiply-add per element.
                let a = inv[ch] * scale.scalars[ch], b = shift.scalars[ch] - mean[ch] * a
                for k in 0..<rest { let y = xp[off + k] * a + b; zp[off + k] = y > 0 ? y : 0 }
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
    let n = x.shape[0], c = x.shape[1], rest = x.count / Swift.max(1, n * c)
    let m = T(Swift.max(1, n * rest))
    var dgamma = [T](repeating: 0, count: c), dbeta = [T](repeating: 0, count: c)
    var dx: [T] = []
    gradOut.withUnsafeBufferPointer { gb in
        x.withUnsafeBufferPointer { xb in
            z.withUnsafeBufferPointer { zb in
                guard let gp = gb.baseAddress, let xp = xb.baseAddress, let zp = zb.baseAddress else { return }
                forEachChannelRun(n, c, rest) { ch, off in
                    let mu = mean[ch], r = inv[ch]
                    var sg: T = 0, sgh: T = 0
                    for k in 0..<rest {
                        let gy = zp[off + k] > 0 ? gp[off + k] : 0
                        sg += gy; sgh += gy * ((xp[off + k] - mu) * r)
                    }
                    dbeta[ch] += sg; dgamma[ch] += sgh
                }
                guard needInput else { return }
                dx = [T](unsafeUninitializedCapacity: x.count) { db, count in
                    let dp = db.baseAddress!
                    forEachChannelRun(n, c, rest) { ch, off in
                        let mu = mean[ch], r = inv[ch], a = scale.scalars[ch] * r
                        let meanG = dbeta[ch] / m, meanGH = dgamma[ch] / m
                        for k in 0..<rest {
                            let gy = zp[off + k] > 0 ? gp[off + k] : 0
                            dp[off + k] = a * (gy - meanG - (xp[off + k] - mu) * r * meanGH)
                        }
                    }
                    count = x.count
                }
            }
        }
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
    let n = t.shape[0], c = t.shape[1], rest = t.count / Swift.max(1, n * c)
    let out = [T](unsafeUninitializedCapacity: t.count) { ob, count in
        t.withUnsafeBufferPointer { tb in
            z.withUnsafeBufferPointer { zb in
                guard let tp = tb.baseAddress, let zp = zb.baseAddress, let op = ob.baseAddress else { return }
                forEachChannelRun(n, c, rest) { ch, off in
                    let a = scale.scalars[ch] * inv[ch]
                    for k in 0..<rest { op[off + k] = zp[off + k] > 0 ? tp[off + k] * a : 0 }
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
    let n = x.shape[0], c = x.shape[1], rest = x.count / Swift.max(1, n * c)
    let m = T(Swift.max(1, n * rest))
    var s = [T](repeating: 0, count: c)
    var dt: [T] = [], dx: [T] = []
    gradOut.withUnsafeBufferPointer { gb in
        t.withUnsafeBufferPointer { tb in
            z.withUnsafeBufferPointer { zb in
                x.withUnsafeBufferPointer { xb in
                    guard let gp = gb.baseAddress, let tp = tb.baseAddress, let zp = zb.baseAddress,
                          let xp = xb.baseAddress else { return }
                    forEachChannelRun(n, c, rest) { ch, off in
                        var acc: T = 0
                        for k in 0..<rest { acc += zp[off + k] > 0 ? gp[off + k] * tp[off + k] : 0 }
                        s[ch] += acc
                    }
                    if needTangent {
                        dt = [T](unsafeUninitializedCapacity: t.count) { db, count in
                            let dp = db.baseAddress!
                            forEachChannelRun(n, c, rest) { ch, off in
                                let a = scale.scalars[ch] * inv[ch]
                                for k in 0..<rest { dp[off + k] = zp[off + k] > 0 ? gp[off + k] * a : 0 }
                            }
                            count = t.count
                        }
                    }
                    if needInput {
                        dx = [T](unsafeUninitializedCapacity: x.count) { db, count in
                            let dp = db.baseAddress!
                            forEachChannelRun(n, c, rest) { ch, off in
                                let mu = mean[ch], r = inv[ch], a = -s[ch] * scale.scalars[ch] * r * r * r / m
                                for k in 0..<rest { dp[off + k] = a * (xp[off + k] - mu) }
                            }
                            count = x.count
                        }
                    }
                }
            }
        }
    }
    let dgamma = zip(s, inv).map { $0 * $1 }
    return (needTangent ? Tensor(shape: t.shape, scalars: dt) : nil,
            needInput ? Tensor(shape: x.shape, scalars: dx) : nil,
            Tensor(shape: [c], scalars: dgamma))
}
