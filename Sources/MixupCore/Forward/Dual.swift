/// Forward mode that trains: a primal value and its directional derivative (tangent), both on
/// the tape. Each tangent rule below is written with ordinary taped ops, so the tangent —
/// a Jacobian-vector product J_f(x)·v — can itself be backpropagated (reverse-over-forward),
/// which is what MixupE's exact q(x_i) needs.
public struct Dual<Scalar: TensorScalar> {
    /// The value f(x).
    public var primal: Variable<Scalar>
    /// The directional derivative J_f(x)·v, same shape as `primal`.
    public var tangent: Variable<Scalar>

    /// Pairs a value with its tangent.
    public init(primal: Variable<Scalar>, tangent: Variable<Scalar>) {
        precondition(primal.shape == tangent.shape, "Dual: primal \(primal.shape) and tangent \(tangent.shape) differ")
        self.primal = primal
        self.tangent = tangent
    }

    /// The seed of a JVP: input `x` moving in direction `v`.
    public init(_ x: Variable<Scalar>, direction v: Variable<Scalar>) {
        self.init(primal: x, tangent: v)
    }

    /// A value that does not move along the direction (zero tangent).
    public init(constant x: Variable<Scalar>) {
        self.init(primal: x, tangent: Variable(constant: Tensor(zeros: x.shape)))
    }

    /// Shape of the value.
    public var shape: [Int] { primal.shape }

    /// Makes a tangent match a (possibly broadcast) result shape.
    private static func broadcastTangent(_ t: Variable<Scalar>, to shape: [Int]) -> Variable<Scalar> {
        t.shape == shape ? t : t + Variable(constant: Tensor(zeros: shape))
    }
}

// MARK: Arithmetic (product rule, quotient rule)
extension Dual {
    public static func + (a: Dual, b: Dual) -> Dual {
        Dual(primal: a.primal + b.primal, tangent: a.tangent + b.tangent)
    }
    public static func - (a: Dual, b: Dual) -> Dual {
        Dual(primal: a.primal - b.primal, tangent: a.tangent - b.tangent)
    }
    public static func * (a: Dual, b: Dual) -> Dual {
        Dual(primal: a.primal * b.primal, tangent: a.tangent * b.primal + a.primal * b.tangent)
    }
    public static func / (a: Dual, b: Dual) -> Dual {
        let y = a.primal / b.primal
        return Dual(primal: y, tangent: (a.tangent - y * b.tangent) / b.primal)
    }
    /// Adds something that does not move along the direction (a bias, a constant).
    public static func + (a: Dual, b: Variable<Scalar>) -> Dual {
        let p = a.primal + b
        return Dual(primal: p, tangent: broadcastTangent(a.tangent, to: p.shape))
    }
    /// Multiplies by something that does not move along the direction.
    public static func * (a: Dual, b: Variable<Scalar>) -> Dual {
        Dual(primal: a.primal * b, tangent: a.tangent * b)
    }
    public static func * (a: Dual, c: Scalar) -> Dual { Dual(primal: a.primal * c, tangent: a.tangent * c) }
    public static func + (a: Dual, c: Scalar) -> Dual { Dual(primal: a.primal + c, tangent: a.tangent) }
    public static prefix func - (a: Dual) -> Dual { Dual(primal: -a.primal, tangent: -a.tangent) }

    /// op(self)·op(w) for a matrix `w` that does not move: the tangent is op(t)·op(w).
    public func matmul(_ w: Variable<Scalar>, transposeSelf: Bool = false, transposeOther: Bool = false) -> Dual {
        Dual(primal: .matmul(primal, w, transposeA: transposeSelf, transposeB: transposeOther),
             tangent: .matmul(tangent, w, transposeA: transposeSelf, transposeB: transposeOther))
    }
}

// MARK: Elementwise functions: tangent = f′(x) ⊙ t, with f′ built from taped ops
extension Dual {
    public func exp() -> Dual { let y = primal.exp(); return Dual(primal: y, tangent: tangent * y) }
    public func log() -> Dual { Dual(primal: primal.log(), tangent: tangent / primal) }
    public func tanh() -> Dual {
        let y = primal.tanh()
        return Dual(primal: y, tangent: tangent * (1 - y.square()))
    }
    public func sigmoid() -> Dual {
        let y = primal.sigmoid()
        return Dual(primal: y, tangent: tangent * (y * (1 - y)))
    }
    public func softplus() -> Dual { Dual(primal: primal.softplus(), tangent: tangent * primal.sigmoid()) }
    /// ReLU: the tangent is masked by 1[x > 0], a constant (its derivative is 0 a.e.), in one
    /// gating pass instead of building the 0/1 mask and multiplying.
    public func relu() -> Dual {
        Dual(primal: primal.relu(), tangent: tangent.gated(by: primal.value))
    }
    /// |x|: the tangent is multiplied by sign(x), a constant a.e.
    public func abs() -> Dual {
        Dual(primal: primal.abs(), tangent: tangent * Variable(constant: primal.value.map(.sign)))
    }
    public func square() -> Dual { Dual(primal: primal.square(), tangent: tangent * primal * 2) }
    public func sqrt() -> Dual { let y = primal.sqrt(); return Dual(primal: y, tangent: tangent / (y * 2)) }
    /// Φ(x): tangent φ(x)·t with φ(x) = exp(−x²/2)/√(2π) on the tape.
    public func normalCDF() -> Dual {
        let density = (primal.square() * Scalar(-0.5)).exp() * (1 / Scalar.sqrt(2 * Scalar.pi))
        return Dual(primal: primal.normalCDF(), tangent: tangent * density)
    }
    /// GELU(x) = x·Φ(x), by the product rule.
    public func gelu() -> Dual { self * normalCDF() }

}

// MARK: Linear maps (sums, shapes): the tangent goes through the same map
extension Dual {
    public func sum(alongAxis axis: Int, keepingDimension: Bool = false) -> Dual {
        Dual(primal: primal.sum(alongAxis: axis, keepingDimension: keepingDimension),
             tangent: tangent.sum(alongAxis: axis, keepingDimension: keepingDimension))
    }
    public func mean(alongAxis axis: Int, keepingDimension: Bool = false) -> Dual {
        Dual(primal: primal.mean(alongAxis: axis, keepingDimension: keepingDimension),
             tangent: tangent.mean(alongAxis: axis, keepingDimension: keepingDimension))
    }
    public func sum() -> Dual { Dual(primal: primal.sum(), tangent: tangent.sum()) }
    public func mean() -> Dual { Dual(primal: primal.mean(), tangent: tangent.mean()) }
    public func reshaped(_ shape: [Int]) -> Dual {
        Dual(primal: primal.reshaped(shape), tangent: tangent.reshaped(shape))
    }
    public func transposed() -> Dual { Dual(primal: primal.transposed(), tangent: tangent.transposed()) }
    public func slicing(rows range: Range<Int>) -> Dual {
        Dual(primal: primal.slicing(rows: range), tangent: tangent.slicing(rows: range))
    }
    public func gathering(rows indices: [Int]) -> Dual {
        Dual(primal: primal.gathering(rows: indices), tangent: tangent.gathering(rows: indices))
    }
    public static func concatenating(rows parts: [Dual]) -> Dual {
        Dual(primal: .concatenating(rows: parts.map(\.primal)), tangent: .concatenating(rows: parts.map(\.tangent)))
    }
}

// MARK: The softmax family
extension Dual {
    /// logsumexp: tangent Σ softmax(x)⊙t.
    public func logSumExp(alongAxis axis: Int) -> Dual {
        let s = primal.softmax(alongAxis: axis)
        return Dual(primal: primal.logSumExp(alongAxis: axis), tangent: (s * tangent).sum(alongAxis: axis))
    }
    /// softmax: tangent s ⊙ (t − Σ s⊙t).
    public func softmax(alongAxis axis: Int) -> Dual {
        let s = primal.softmax(alongAxis: axis)
        return Dual(primal: s, tangent: s * (tangent - (s * tangent).sum(alongAxis: axis, keepingDimension: true)))
    }
    /// Mean softmax cross-entropy against constant (soft) targets `[N, D]`, both parts fused: the
    /// primal is `Variable.softmaxCrossEntropy`, the tangent Σ_i Σ_c (s − y)⊙t / N from
    /// `crossEntropyDirectionalDerivative` (one node for the rows, then their mean).
    public func softmaxCrossEntropy(targets: Tensor<Scalar>) -> Dual {
        let rows = primal.crossEntropyDirectionalDerivative(targets: targets, tangent: tangent)
        return Dual(primal: primal.softmaxCrossEntropy(targets: targets),
                    tangent: rows.sum() * (1 / Scalar(Swift.max(shape[0], 1))))
    }
    /// log-softmax: tangent t − Σ s⊙t.
    public func logSoftmax(alongAxis axis: Int) -> Dual {
        let s = primal.softmax(alongAxis: axis)
        return Dual(primal: primal.logSoftmax(alongAxis: axis),
                    tangent: tangent - (s * tangent).sum(alongAxis: axis, keepingDimension: true))
    }
}
