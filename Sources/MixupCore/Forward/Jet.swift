/// Taylor mode that trains: the first J+1 Taylor coefficients of a value moving along a direction.
///
/// For φ(t) = f(x + t·v) a jet holds c_k = φ⁽ᵏ⁾(0)/k!, k = 0…J, each a taped `Variable`, so a
/// penalty built from c_J backpropagates to the parameters (reverse-over-Taylor), exactly as
/// `Dual` does for J = 1. Linear ops map every coefficient (a bias only moves c₀), products use
/// the Cauchy product, and nonlinear elementwise ops use the ODE recurrences of
/// `Jet+Elementwise.swift`; every recurrence is written with taped ops, never raw loops.
///
/// Why ReLU nets give c_j = 0 for j ≥ 2: ReLU is piecewise linear, so away from its kinks the
/// whole network is affine along a short segment x + t·v and φ is a degree-1 polynomial in t.
/// Smooth activations (tanh, GELU, softplus, sigmoid) have non-zero higher derivatives, which is
/// what makes the higher-order terms of MixupE's Theorem 1 live.
public struct Jet<Scalar: TensorScalar> {
    /// c₀…c_J, all of the same shape: c_k = φ⁽ᵏ⁾(0)/k!.
    public private(set) var coefficients: [Variable<Scalar>]

    /// A jet from explicit coefficients (c₀ first); all must share one shape.
    public init(coefficients: [Variable<Scalar>]) {
        precondition(!coefficients.isEmpty, "Jet needs at least the zeroth coefficient")
        let shape = coefficients[0].shape
        precondition(coefficients.allSatisfy { $0.shape == shape },
                     "Jet coefficients must share one shape, got \(coefficients.map(\.shape))")
        self.coefficients = coefficients
    }

    /// The seed of Taylor mode: input `x` moving along `v` (c₀ = x, c₁ = v, higher ones 0),
    /// carrying coefficients up to `order` J ≥ 1.
    public init(_ x: Variable<Scalar>, direction v: Variable<Scalar>, order: Int) {
        precondition(order >= 1, "a jet along a direction needs order ≥ 1, got \(order)")
        precondition(x.shape == v.shape, "Jet: point \(x.shape) and direction \(v.shape) differ")
        let zero = Variable<Scalar>(constant: Tensor(zeros: x.shape))
        self.coefficients = [x, v] + Array(repeating: zero, count: order - 1)
    }

    /// A value that does not move along the direction (all higher coefficients 0).
    public init(constant x: Variable<Scalar>, order: Int) {
        precondition(order >= 0, "jet order must be ≥ 0, got \(order)")
        let zero = Variable<Scalar>(constant: Tensor(zeros: x.shape))
        self.coefficients = [x] + Array(repeating: zero, count: order)
    }

    /// J, the highest coefficient carried.
    public var order: Int { coefficients.count - 1 }
    /// The plain value f(x) (c₀).
    public var primal: Variable<Scalar> { coefficients[0] }
    /// Shape of the value (and of every coefficient).
    public var shape: [Int] { coefficients[0].shape }

    /// c_k, the k-th Taylor coefficient φ⁽ᵏ⁾(0)/k!.
    public subscript(_ k: Int) -> Variable<Scalar> { coefficients[k] }

    /// The k-th directional derivative ∂ᵏf(x)[v, …, v] = k!·c_k, on the tape.
    public func derivative(order k: Int) -> Variable<Scalar> {
        precondition(k >= 0 && k <= order, "derivative order \(k) outside 0…\(order)")
        var factorial: Scalar = 1
        for m in stride(from: 2, through: k, by: 1) { factorial *= Scalar(m) }
        return k < 2 ? coefficients[k] : coefficients[k] * factorial
    }

    /// The same jet keeping only c₀…c_`order` (a truncation is still exact up to that order).
    public func truncated(toOrder newOrder: Int) -> Jet {
        precondition(newOrder >= 0 && newOrder <= order, "cannot truncate an order-\(order) jet to \(newOrder)")
        return Jet(coefficients: Array(coefficients[0...newOrder]))
    }

    /// Applies one linear map to every coefficient.
    func mapCoefficients(_ f: (Variable<Scalar>) -> Variable<Scalar>) -> Jet {
        Jet(coefficients: coefficients.map(f))
    }

    /// Makes a coefficient match a (possibly broadcast) result shape.
    static func broadcast(_ c: Variable<Scalar>, to shape: [Int]) -> Variable<Scalar> {
        c.shape == shape ? c : c + Variable(constant: Tensor(zeros: shape))
    }

    /// The common order of two jets: combining them is exact up to the lower one.
    static func commonOrder(_ a: Jet, _ b: Jet) -> Int { Swift.min(a.order, b.order) }

    /// Cauchy product coefficients (a·b)_k = Σ_{i≤k} a_i·b_{k−i}, k = 0…n.
    static func cauchyProduct(_ a: [Variable<Scalar>], _ b: [Variable<Scalar>], upTo n: Int) -> [Variable<Scalar>] {
        var out: [Variable<Scalar>] = []
        out.reserveCapacity(n + 1)
        for k in 0...n {
            var acc = a[0] * b[k]
            for i in stride(from: 1, through: k, by: 1) { acc = acc + a[i] * b[k - i] }
            out.append(acc)
        }
        return out
    }
}

// MARK: Arithmetic: sums coefficientwise, products by Cauchy, quotients by back-substitution
extension Jet {
    public static func + (a: Jet, b: Jet) -> Jet {
        Jet(coefficients: (0...commonOrder(a, b)).map { a[$0] + b[$0] })
    }
    public static func - (a: Jet, b: Jet) -> Jet {
        Jet(coefficients: (0...commonOrder(a, b)).map { a[$0] - b[$0] })
    }
    /// (a·b)_k = Σ_{i≤k} a_i·b_{k−i}.
    public static func * (a: Jet, b: Jet) -> Jet {
        Jet(coefficients: cauchyProduct(a.coefficients, b.coefficients, upTo: commonOrder(a, b)))
    }
    /// y = a/b from a = y·b: y_k = (a_k − Σ_{j<k} y_j·b_{k−j}) / b₀.
    public static func / (a: Jet, b: Jet) -> Jet {
        let n = commonOrder(a, b)
        var y = [a[0] / b[0]]
        for k in stride(from: 1, through: n, by: 1) {
            var acc = a[k]
            for j in 0..<k { acc = acc - y[j] * b[k - j] }
            y.append(acc / b[0])
        }
        return Jet(coefficients: y)
    }
    /// Adds something that does not move along the direction (a bias, a constant): only c₀ changes.
    public static func + (a: Jet, b: Variable<Scalar>) -> Jet {
        let c0 = a[0] + b
        return Jet(coefficients: [c0] + a.coefficients.dropFirst().map { broadcast($0, to: c0.shape) })
    }
    /// Multiplies by something that does not move along the direction.
    public static func * (a: Jet, b: Variable<Scalar>) -> Jet { a.mapCoefficients { $0 * b } }
    /// Scales every coefficient.
    public static func * (a: Jet, c: Scalar) -> Jet { a.mapCoefficients { $0 * c } }
    /// Shifts the value; the higher coefficients do not move.
    public static func + (a: Jet, c: Scalar) -> Jet {
        Jet(coefficients: [a[0] + c] + a.coefficients.dropFirst())
    }
    public static prefix func - (a: Jet) -> Jet { a.mapCoefficients { -$0 } }

    /// op(self)·op(w) for a matrix `w` that does not move: every coefficient goes through it.
    public func matmul(_ w: Variable<Scalar>, transposeSelf: Bool = false, transposeOther: Bool = false) -> Jet {
        mapCoefficients { .matmul($0, w, transposeA: transposeSelf, transposeB: transposeOther) }
    }
}

// MARK: Linear maps (sums, shapes): each coefficient goes through the same map
extension Jet {
    public func sum(alongAxis axis: Int, keepingDimension: Bool = false) -> Jet {
        mapCoefficients { $0.sum(alongAxis: axis, keepingDimension: keepingDimension) }
    }
    public func mean(alongAxis axis: Int, keepingDimension: Bool = false) -> Jet {
        mapCoefficients { $0.mean(alongAxis: axis, keepingDimension: keepingDimension) }
    }
    public func sum() -> Jet { mapCoefficients { $0.sum() } }
    public func mean() -> Jet { mapCoefficients { $0.mean() } }
    public func reshaped(_ shape: [Int]) -> Jet { mapCoefficients { $0.reshaped(shape) } }
    public func transposed() -> Jet { mapCoefficients { $0.transposed() } }
    public func slicing(rows range: Range<Int>) -> Jet { mapCoefficients { $0.slicing(rows: range) } }
    public func gathering(rows indices: [Int]) -> Jet { mapCoefficients { $0.gathering(rows: indices) } }
    /// Concatenation along axis 0, exact up to the lowest order among the parts.
    public static func concatenating(rows parts: [Jet]) -> Jet {
        precondition(!parts.isEmpty, "concatenating needs at least one jet")
        let n = parts.map(\.order).min() ?? 0
        return Jet(coefficients: (0...n).map { k in .concatenating(rows: parts.map { $0[k] }) })
    }
}
