import CKernels
import RealModule

/// Elementwise functions the engine knows how to run on a whole buffer.
///
/// One enum instead of closures keeps the per-element loop free of dynamic dispatch: the
/// `switch` runs once per tensor and each case owns a tight, specialised loop.
public enum UnaryFunction: Sendable {
    case negate, exp, log, tanh, sigmoid, softplus, relu
    /// 1 where x > 0, else 0 (the derivative of ReLU; 0 at the kink).
    case step
    /// −1, 0 or 1 (the derivative of |x|; 0 at 0).
    case sign
    case abs, sqrt, square, reciprocal
    /// Φ(x), the standard normal CDF (GELU is x·Φ(x)).
    case normalCDF
}

/// Binary elementwise operations with NumPy-style broadcasting.
public enum BinaryFunction: Sendable {
    case add, subtract, multiply, divide
    /// a where b > 0, else 0: ReLU's pullback in one pass (g gated by the input's sign).
    case gate
}

@inline(__always)
func stableSigmoid<T: TensorScalar>(_ x: T) -> T {
    if x >= 0 { return 1 / (1 + T.exp(-x)) }
    let e = T.exp(x)
    return e / (1 + e)
}

@inline(__always)
func stableSoftplus<T: TensorScalar>(_ x: T) -> T {
    // log(1 + eˣ) = max(x, 0) + log(1 + e^{−|x|}), exact for large |x|.
    (x > 0 ? x : 0) + T.log(onePlus: T.exp(-Swift.abs(x)))
}

@_specialize(where T == Float)
@_specialize(where T == Double)
func applyUnary<T: TensorScalar>(_ f: UnaryFunction, _ input: UnsafeBufferPointer<T>,
                                 _ output: UnsafeMutableBufferPointer<T>) {
    let n = input.count
    guard n > 0 else { return }
    let x = input.baseAddress!, y = output.baseAddress!
    if T.self == Float.self, let kernel = vectorisedFloatKernel(f) {
        // Folded at specialisation: Float's exp and sigmoid run the branch-free C polynomial.
        x.withMemoryRebound(to: Float.self, capacity: n) { xf in
            y.withMemoryRebound(to: Float.self, capacity: n) { yf in kernel(xf, yf, n) }
        }
        return
    }
    switch f {
    case .negate: for i in 0..<n { y[i] = -x[i] }
    case .exp: for i in 0..<n { y[i] = T.exp(x[i]) }
    case .log: for i in 0..<n { y[i] = T.log(x[i]) }
    case .tanh: for i in 0..<n { y[i] = T.tanh(x[i]) }
    case .sigmoid: for i in 0..<n { y[i] = stableSigmoid(x[i]) }
    case .softplus: for i in 0..<n { y[i] = stableSoftplus(x[i]) }
    case .relu: for i in 0..<n { let v = x[i]; y[i] = v > 0 ? v : 0 }
    case .step: for i in 0..<n { y[i] = x[i] > 0 ? 1 : 0 }
    case .sign: for i in 0..<n { let v = x[i]; y[i] = v > 0 ? 1 : (v < 0 ? -1 : 0) }
    case .abs: for i in 0..<n { y[i] = Swift.abs(x[i]) }
    case .sqrt: for i in 0..<n { y[i] = x[i].squareRoot() }
    case .square: for i in 0..<n { let v = x[i]; y[i] = v * v }
    case .reciprocal: for i in 0..<n { y[i] = 1 / x[i] }
    case .normalCDF:
        let invSqrt2 = 1 / T.sqrt(2)
        for i in 0..<n { y[i] = (1 + T.erf(x[i] * invSqrt2)) / 2 }
    }
}

/// The vectorised C kernel for `f` on Float buffers (`Elementwise.c`), where one exists. Float64
/// keeps the correctly rounded libm functions: it is the precision of gradient checks and references.
@inline(__always)
func vectorisedFloatKernel(_ f: UnaryFunction) -> ((UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int) -> Void)? {
    switch f {
    case .exp: return { mixup_exp_f32($0, $1, $2) }
    case .sigmoid: return { mixup_sigmoid_f32($0, $1, $2) }
    default: return nil
    }
}

/// e^x for the `n` values at `x` into `y` (which may be `x`): the vectorised polynomial for Float,
/// libm for Float64. What softmax and the fused cross-entropy call on each row block.
@inline(__always)
func exponentials<T: TensorScalar>(_ x: UnsafePointer<T>, _ y: UnsafeMutablePointer<T>, _ n: Int) {
    if T.self == Float.self {
        x.withMemoryRebound(to: Float.self, capacity: n) { xf in
            y.withMemoryRebound(to: Float.self, capacity: n) { yf in mixup_exp_f32(xf, yf, n) }
        }
    } else {
        for i in 0..<n { y[i] = T.exp(x[i]) }
    }
}

/// `f` applied to every element of `x`, as a new tensor.
@_specialize(where T == Float)
@_specialize(where T == Double)
func mapTensor<T: TensorScalar>(_ f: UnaryFunction, _ x: Tensor<T>) -> Tensor<T> {
    // Every element is written, so skip the zero fill (a memset per activation otherwise).
    let out = [T](unsafeUninitializedCapacity: x.count) { ob, count in
        x.withUnsafeBufferPointer { xb in applyUnary(f, xb, UnsafeMutableBufferPointer(rebasing: ob[0..<x.count])) }
        count = x.count
    }
    return Tensor(shape: x.shape, scalars: out)
}

/// a ← a + b, in place when the shapes are equal (a's buffer is reused if nothing else holds it),
/// with the same additions as `a + b`; broadcasting shapes fall back to `a + b`.
@_specialize(where T == Float)
@_specialize(where T == Double)
func addInPlace<T: TensorScalar>(_ a: inout Tensor<T>, _ b: Tensor<T>) {
    guard a.shape == b.shape else { a = applyBinary(.add, a, b); return }
    b.withUnsafeBufferPointer { bb in
        a.withUnsafeMutableBufferPointer { ab in
            guard let ap = ab.baseAddress, let bp = bb.baseAddress else { return }
            for k in 0..<ab.count { ap[k] = ap[k] + bp[k] }
        }
    }
}

/// `[T](repeating:count:)` in specialised code: unspecialised, it initialises element by
/// element through the value witness table (measured ~28× slower from another module).
@_specialize(where T == Float)
@_specialize(where T == Double)
func filledArray<T: TensorScalar>(_ value: T, count: Int) -> [T] {
    [T](repeating: value, count: count)
}

/// Runs `out[i] = a[i] ⊕ b[i]` over `count` elements with element strides 0 or 1 per operand.
@inline(__always)
func binaryRow<T: TensorScalar>(_ f: BinaryFunction, _ a: UnsafePointer<T>, _ sa: Int,
                                _ b: UnsafePointer<T>, _ sb: Int,
                                _ out: UnsafeMutablePointer<T>, _ count: Int) {
    if sa == 1 && sb == 1 {
        // Equal shapes (every activation and gradient): plain unit-stride loops, which vectorise
        // without relying on the compiler to version the strided ones.
        switch f {
        case .add: for k in 0..<count { out[k] = a[k] + b[k] }
        case .subtract: for k in 0..<count { out[k] = a[k] - b[k] }
        case .multiply: for k in 0..<count { out[k] = a[k] * b[k] }
        case .divide: for k in 0..<count { out[k] = a[k] / b[k] }
        case .gate: for k in 0..<count { let v = a[k], m = b[k]; out[k] = m > 0 ? v : 0 }
        }
        return
    }
    switch f {
    case .add: for k in 0..<count { out[k] = a[k &* sa] + b[k &* sb] }
    case .subtract: for k in 0..<count { out[k] = a[k &* sa] - b[k &* sb] }
    case .multiply: for k in 0..<count { out[k] = a[k &* sa] * b[k &* sb] }
    case .divide: for k in 0..<count { out[k] = a[k &* sa] / b[k &* sb] }
    // Both loads unconditional, so the ternary is a select the loop vectorises (a conditional
    // load compiles to a branch per element, mispredicted half the time on activations).
    case .gate: for k in 0..<count { let v = a[k &* sa], m = b[k &* sb]; out[k] = m > 0 ? v : 0 }
    }
}

/// The shape two shapes broadcast to, or nil if they are incompatible.
public func broadcastShape(_ a: [Int], _ b: [Int]) -> [Int]? {
    let rank = max(a.count, b.count)
    var out = [Int](repeating: 1, count: rank)
    for i in 0..<rank {
        let da = i < rank - a.count ? 1 : a[i - (rank - a.count)]
        let db = i < rank - b.count ? 1 : b[i - (rank - b.count)]
        if da == db || db == 1 { out[i] = da } else if da == 1 { out[i] = db } else { return nil }
    }
    return out
}

/// Element strides of `shape` viewed inside `target` (0 along broadcast axes).
func broadcastStrides(_ shape: [Int], in target: [Int]) -> [Int] {
    let pad = target.count - shape.count
    var strides = [Int](repeating: 0, count: target.count)
    var running = 1
    for i in stride(from: shape.count - 1, through: 0, by: -1) {
        strides[i + pad] = shape[i] == 1 ? 0 : running
        running *= shape[i]
    }
    return strides
}

@_specialize(where T == Float)
@_specialize(where T == Double)
func applyBinary<T: TensorScalar>(_ f: BinaryFunction, _ a: Tensor<T>, _ b: Tensor<T>) -> Tensor<T> {
    guard let shape = broadcastShape(a.shape, b.shape) else {
        preconditionFailure("cannot broadcast shapes \(a.shape) and \(b.shape)")
    }
    let count = shape.product
    guard count > 0 else { return Tensor(shape: shape, scalars: []) }
    // Every element is written below (the odometer visits every row), so skip the zero fill.
    let out = [T](unsafeUninitializedCapacity: count) { ob, initialized in
        a.withUnsafeBufferPointer { ab in
            b.withUnsafeBufferPointer { bb in
                binaryBroadcast(f, ab.baseAddress!, a.shape, bb.baseAddress!, b.shape, ob.baseAddress!, shape)
            }
        }
        initialized = count
    }
    return Tensor(shape: shape, scalars: out)
}

/// The loops of `applyBinary` over raw buffers: equal shapes and scalar operands as one row,
/// everything else row by row with an odometer over the leading axes.
@inline(__always)
func binaryBroadcast<T: TensorScalar>(_ f: BinaryFunction, _ ap: UnsafePointer<T>, _ aShape: [Int],
                                      _ bp: UnsafePointer<T>, _ bShape: [Int],
                                      _ op: UnsafeMutablePointer<T>, _ shape: [Int]) {
    let count = shape.product
    if aShape == bShape {
        binaryRow(f, ap, 1, bp, 1, op, count)
    } else if bShape.product == 1 {
        binaryRow(f, ap, 1, bp, 0, op, count)
    } else if aShape.product == 1 {
        binaryRow(f, ap, 0, bp, 1, op, count)
    } else {
        let sa = broadcastStrides(aShape, in: shape), sb = broadcastStrides(bShape, in: shape)
        let inner = shape[shape.count - 1], ia = sa[shape.count - 1], ib = sb[shape.count - 1]
        let outerRank = shape.count - 1
        var index = [Int](repeating: 0, count: outerRank)
        var offA = 0, offB = 0, offOut = 0
        while offOut < count {
            binaryRow(f, ap + offA, ia, bp + offB, ib, op + offOut, inner)
            offOut += inner
            // Odometer increment over the leading axes.
            var axis = outerRank - 1
            while axis >= 0 {
                index[axis] += 1; offA += sa[axis]; offB += sb[axis]
                if index[axis] < shape[axis] { break }
                offA -= sa[axis] * shape[axis]; offB -= sb[axis] * shape[axis]
                index[axis] = 0; axis -= 1
            }
        }
    }
}
