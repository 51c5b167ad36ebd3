import CKernels

/// op(A)·op(B) for rank-2 tensors through BLAS GEMM.
@_specialize(where T == Float)
@_specialize(where T == Double)
func gemmProduct<T: TensorScalar>(_ a: Tensor<T>, _ b: Tensor<T>,
                                  transposeA: Bool = false, transposeB: Bool = false) -> Tensor<T> {
    precondition(a.rank == 2 && b.rank == 2, "matmul needs rank-2 tensors, got \(a.shape) and \(b.shape)")
    let m = transposeA ? a.shape[1] : a.shape[0], k = transposeA ? a.shape[0] : a.shape[1]
    let kb = transposeB ? b.shape[1] : b.shape[0], n = transposeB ? b.shape[0] : b.shape[1]
    precondition(k == kb, "matmul: inner dimensions differ (\(a.shape)\(transposeA ? "ᵀ" : "") · \(b.shape)\(transposeB ? "ᵀ" : ""))")
    guard m > 0 && n > 0 && k > 0 else { return Tensor(zeros: [m, n]) }
    // C starts as zeros (one memset) and the GEMM accumulates into it with β = 1: with β = 0
    // OpenBLAS would zero C itself in a separate, slower pass (measured 4–6 % of an MLP step).
    var out = filledArray(T(0), count: m * n)
    a.withUnsafeBufferPointer { ab in
        b.withUnsafeBufferPointer { bb in
            out.withUnsafeMutableBufferPointer { ob in
                T.gemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
                       alpha: 1, a: ab.baseAddress!, lda: a.shape[1],
                       b: bb.baseAddress!, ldb: b.shape[1],
                       beta: 1, c: ob.baseAddress!, ldc: n)
            }
        }
    }
    return Tensor(shape: [m, n], scalars: out)
}

/// x·Wᵀ + b (x `[N, K]`, W `[M, K]`, b `[M]`): C filled with b's rows, then one GEMM with β = 1.
@_specialize(where T == Float)
@_specialize(where T == Double)
func biasedProduct<T: TensorScalar>(_ x: Tensor<T>, _ w: Tensor<T>, _ b: Tensor<T>) -> Tensor<T> {
    let n = x.shape[0], k = x.shape[1], m = w.shape[0]
    let out = [T](unsafeUninitializedCapacity: n * m) { ob, initialized in
        b.withUnsafeBufferPointer { bb in
            for i in 0..<n { (ob.baseAddress! + i * m).initialize(from: bb.baseAddress!, count: m) }
        }
        initialized = n * m
        if n > 0 && m > 0 && k > 0 {
            x.withUnsafeBufferPointer { xb in
                w.withUnsafeBufferPointer { wb in
                    T.gemm(transposeA: false, transposeB: true, m: n, n: m, k: k,
                           alpha: 1, a: xb.baseAddress!, lda: k, b: wb.baseAddress!, ldb: k,
                           beta: 1, c: ob.baseAddress!, ldc: m)
                }
            }
        }
    }
    return Tensor(shape: [n, m], scalars: out)
}

/// What `gatedProduct` keeps of x·Wᵀ (+ b): everything, its positive part (ReLU), or the entries
/// where a mask of the output's shape is positive (ReLU's tangent rule).
enum ProductGate<T: TensorScalar> {
    case none, relu, mask(Tensor<T>)
}

/// x·Wᵀ (+ b) for x `[N, K]`, W `[M, K]`, b `[M]`, gated as `gate` says, in one output buffer: the
/// gate runs on each row block right after the GEMM while it is in cache, with no second tensor.
/// The GEMM's sums are those of `biasedProduct` / `gemmProduct`, so results equal the unfused
/// composition bit for bit.
@_specialize(where T == Float)
@_specialize(where T == Double)
func gatedProduct<T: TensorScalar>(_ x: Tensor<T>, _ w: Tensor<T>, bias b: Tensor<T>?, gate: ProductGate<T>) -> Tensor<T> {
    precondition(x.rank == 2 && w.rank == 2 && x.shape[1] == w.shape[1],
                 "gated product: input \(x.shape) and weight \(w.shape) do not fit [N, K]·[M, K]ᵀ")
    var y: Tensor<T>
    if let b { y = biasedProduct(x, w, b) } else { y = gemmProduct(x, w, transposeB: true) }
    switch gate {
    case .none: break
    case .relu:
        y.withUnsafeMutableBufferPointer { yb in
            guard let p = yb.baseAddress else { return }
            gateInPlace(p, by: UnsafePointer(p), yb.count)
        }
    case .mask(let m):
        precondition(m.shape == y.shape, "gated product: mask \(m.shape) must match the output \(y.shape)")
        m.withUnsafeBufferPointer { mb in
            y.withUnsafeMutableBufferPointer { yb in
                guard let p = yb.baseAddress, let q = mb.baseAddress else { return }
                gateInPlace(p, by: q, yb.count)
            }
        }
    }
    return y
}

/// The pullback's first pass for a gated product: g gated by `mask` (both `[N, M]`), and, when
/// `withColumnSums`, Σ_rows of the gated g `[M]` (the bias gradient), summed from the first row
/// as `sum(alongAxis: 0)` does, so the result equals the separate gate and reduction bit for bit.
@_specialize(where T == Float)
@_specialize(where T == Double)
func gatedRows<T: TensorScalar>(_ g: Tensor<T>, mask: Tensor<T>, withColumnSums: Bool) -> (gated: Tensor<T>, columnSums: Tensor<T>?) {
    precondition(g.rank == 2 && mask.shape == g.shape, "gated rows: gradient \(g.shape) and mask \(mask.shape) must be the same [N, M]")
    let rows = g.shape[0], cols = g.shape[1]
    var sums = withColumnSums ? filledArray(T(0), count: cols) : []
    let out = [T](unsafeUninitializedCapacity: rows * cols) { ob, initialized in
        g.withUnsafeBufferPointer { gb in
            mask.withUnsafeBufferPointer { mb in
                sums.withUnsafeMutableBufferPointer { sb in
                    guard rows * cols > 0, let gp = gb.baseAddress, let mp = mb.baseAddress, let op = ob.baseAddress else { return }
                    let sp = withColumnSums ? sb.baseAddress : nil
                    if T.self == Float.self {
                        mixup_gate_rows_f32(rebound(gp, Float.self), rebound(mp, Float.self), rebound(op, Float.self),
                                            sp.map { rebound($0, Float.self) }, rows, cols)
                    } else if T.self == Double.self {
                        mixup_gate_rows_f64(rebound(gp, Double.self), rebound(mp, Double.self), rebound(op, Double.self),
                                            sp.map { rebound($0, Double.self) }, rows, cols)
                    } else {
                        for r in 0..<rows {
                            for c in 0..<cols { let k = r * cols + c, v = gp[k]; op[k] = mp[k] > 0 ? v : 0 }
                            if let sp { for c in 0..<cols { sp[c] += op[r * cols + c] } }
                        }
                    }
                }
            }
        }
        initialized = rows * cols
    }
    return (Tensor(shape: [rows, cols], scalars: out), withColumnSums ? Tensor(shape: [cols], scalars: sums) : nil)
}

/// x[k] ← gate[k] > 0 ? x[k] : 0 for `n` elements in place (`gate` may be `x`: ReLU), through the
/// branch-free C kernels for Float and Double; a Swift ternary here compiles to a branch per element.
@inline(__always)
func gateInPlace<T: TensorScalar>(_ x: UnsafeMutablePointer<T>, by gate: UnsafePointer<T>, _ n: Int) {
    let same = Int(bitPattern: x) == Int(bitPattern: gate)
    if T.self == Float.self {
        if same { mixup_relu_inplace_f32(rebound(x, Float.self), n) }
        else { mixup_gate_inplace_f32(rebound(x, Float.self), rebound(gate, Float.self), n) }
    } else if T.self == Double.self {
        if same { mixup_relu_inplace_f64(rebound(x, Double.self), n) }
        else { mixup_gate_inplace_f64(rebound(x, Double.self), rebound(gate, Double.self), n) }
    } else {
        for k in 0..<n { let v = x[k], g = gate[k]; x[k] = g > 0 ? v : 0 }
    }
}

@_specialize(where T == Float)
@_specialize(where T == Double)
func transpose2D<T: TensorScalar>(_ x: Tensor<T>) -> Tensor<T> {
    precondition(x.rank == 2, "transpose needs a rank-2 tensor, got \(x.shape)")
    let r = x.shape[0], c = x.shape[1]
    var out = [T](repeating: 0, count: r * c)
    x.withUnsafeBufferPointer { xb in
        out.withUnsafeMutableBufferPointer { ob in
            // Blocked so both sides stay in cache.
            let block = 32
            for i0 in stride(from: 0, to: r, by: block) {
                for j0 in stride(from: 0, to: c, by: block) {
                    for i in i0..<min(i0 + block, r) {
                        for j in j0..<min(j0 + block, c) { ob[j * r + i] = xb[i * c + j] }
                    }
                }
            }
        }
    }
    return Tensor(shape: [c, r], scalars: out)
}

/// Rows (slices along axis 0) of `x` picked by `indices`, in that order.
@_specialize(where T == Float)
@_specialize(where T == Double)
func gatherRows<T: TensorScalar>(_ x: Tensor<T>, _ indices: [Int]) -> Tensor<T> {
    precondition(x.rank >= 1, "gather needs rank ≥ 1")
    let row = x.count / max(x.shape[0], 1)
    var out = [T](repeating: 0, count: indices.count * row)
    x.withUnsafeBufferPointer { xb in
        out.withUnsafeMutableBufferPointer { ob in
            for (k, i) in indices.enumerated() {
                precondition(i >= 0 && i < x.shape[0], "gather index \(i) out of range 0..<\(x.shape[0])")
                (ob.baseAddress! + k * row).update(from: xb.baseAddress! + i * row, count: row)
            }
        }
    }
    var shape = x.shape; shape[0] = indices.count
    return Tensor(shape: shape, scalars: out)
}

/// Adds each row of `grad` into row `indices[k]` of a zero tensor of `shape` (gather's adjoint).
@_specialize(where T == Float)
@_specialize(where T == Double)
func scatterAddRows<T: TensorScalar>(_ grad: Tensor<T>, _ indices: [Int], shape: [Int]) -> Tensor<T> {
    var out = Tensor<T>(zeros: shape)
    let row = shape.product / max(shape[0], 1)
    grad.withUnsafeBufferPointer { gb in
        out.withUnsafeMutableBufferPointer { ob in
            for (k, i) in indices.enumerated() {
                let dst = ob.baseAddress! + i * row, src = gb.baseAddress! + k * row
                for j in 0..<row { dst[j] += src[j] }
            }
        }
    }
    return out
}

/// Concatenation along axis 0.
@_specialize(where T == Float)
@_specialize(where T == Double)
func concatRows<T: TensorScalar>(_ parts: [Tensor<T>]) -> Tensor<T> {
    precondition(!parts.isEmpty, "concat needs at least one tensor")
    let tail = Array(parts[0].shape.dropFirst())
    var scalars: [T] = []
    scalars.reserveCapacity(parts.reduce(0) { $0 + $1.count })
    var rows = 0
    for p in parts {
        precondition(Array(p.shape.dropFirst()) == tail, "concat: shapes \(parts.map(\.shape)) differ beyond axis 0")
        scalars.append(contentsOf: p.scalars)
        rows += p.shape[0]
    }
    return Tensor(shape: [rows] + tail, scalars: scalars)
}

/// Rows `range` of `x` (a slice along axis 0).
@_specialize(where T == Float)
@_specialize(where T == Double)
func sliceRows<T: TensorScalar>(_ x: Tensor<T>, _ range: Range<Int>) -> Tensor<T> {
    precondition(range.lowerBound >= 0 && range.upperBound <= x.shape[0], "slice \(range) out of range 0..<\(x.shape[0])")
    let row = x.count / max(x.shape[0], 1)
    var shape = x.shape; shape[0] = range.count
    return Tensor(shape: shape, scalars: Array(x.scalars[(range.lowerBound * row)..<(range.upperBound * row)]))
}
