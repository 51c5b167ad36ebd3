import CKernels

/// Reductions along one axis, viewing the tensor as [outer, axis, inner].
public enum Reduction: Sendable { case sum, max }

@_specialize(where T == Float)
@_specialize(where T == Double)
func reduceAxis<T: TensorScalar>(_ r: Reduction, _ x: Tensor<T>, axis: Int) -> Tensor<T> {
    precondition(axis >= 0 && axis < x.rank, "reduction axis \(axis) out of range for shape \(x.shape)")
    let n = x.shape[axis]
    let outer = x.shape[..<axis].reduce(1, *), inner = x.shape[(axis + 1)...].reduce(1, *)
    var shape = x.shape; shape[axis] = 1
    precondition(n > 0 || r == .sum, "max over an empty axis")
    var out = [T](repeating: r == .sum ? 0 : -T.infinity, count: outer * inner)
    x.withUnsafeBufferPointer { xb in
        out.withUnsafeMutableBufferPointer { ob in
            guard let xp = xb.baseAddress, let op = ob.baseAddress else { return }
            for o in 0..<outer {
                let dst = op + o * inner
                for j in 0..<n {
                    let src = xp + (o * n + j) * inner
                    switch r {
                    case .sum: for k in 0..<inner { dst[k] += src[k] }
                    case .max: for k in 0..<inner { if src[k] > dst[k] || src[k].isNaN { dst[k] = src[k] } }
                    }
                }
            }
        }
    }
    return Tensor(shape: shape, scalars: out)
}

@_specialize(where T == Float)
@_specialize(where T == Double)
func sumAll<T: TensorScalar>(_ x: Tensor<T>) -> T {
    // Pairwise-ish: accumulate in 8 lanes to keep rounding error and latency low.
    x.withUnsafeBufferPointer { xb in
        var lanes = [T](repeating: 0, count: 8)
        let n = xb.count, full = n / 8 * 8
        var i = 0
        while i < full {
            for l in 0..<8 { lanes[l] += xb[i + l] }
            i += 8
        }
        var s: T = 0
        for l in 0..<8 { s += lanes[l] }
        while i < n { s += xb[i]; i += 1 }
        return s
    }
}

/// Reduces `x` (the gradient of a broadcast result) back to `shape` by summing broadcast axes.
@_specialize(where T == Float)
@_specialize(where T == Double)
func sumToShape<T: TensorScalar>(_ x: Tensor<T>, _ shape: [Int]) -> Tensor<T> {
    if x.shape == shape { return x }
    var y = x
    let pad = x.rank - shape.count
    precondition(pad >= 0, "cannot reduce shape \(x.shape) to \(shape)")
    for axis in 0..<x.rank where (axis < pad ? 1 : shape[axis - pad]) == 1 && x.shape[axis] != 1 {
        y = reduceAxis(.sum, y, axis: axis)
    }
    return y.reshaped(shape)
}

/// True when no element is NaN or ±∞ (a vectorised OR over the exponent bits, `Elementwise.c`).
@_specialize(where T == Float)
@_specialize(where T == Double)
func allFinite<T: TensorScalar>(_ x: Tensor<T>) -> Bool {
    x.withUnsafeBufferPointer { xb in
        guard let p = xb.baseAddress else { return true }
        if T.self == Float.self {
            return p.withMemoryRebound(to: Float.self, capacity: xb.count) { mixup_all_finite_f32($0, xb.count) } != 0
        }
        if T.self == Double.self {
            return p.withMemoryRebound(to: Double.self, capacity: xb.count) { mixup_all_finite_f64($0, xb.count) } != 0
        }
        return xb.allSatisfy { $0.isFinite }
    }
}
