/// What flows through a model: a taped tensor (`Variable`), a tensor with its JVP (`Dual`) —
/// and, in time, a Taylor jet. Layers are written once against this protocol, so the same
/// model runs plainly, with a JVP, or with higher-order coefficients.
public protocol ModelValue {
    associatedtype Scalar: TensorScalar
    /// The plain value (the primal / zeroth coefficient).
    var primal: Variable<Scalar> { get }
    /// Shape of the value.
    var shape: [Int] { get }
    /// x·Wᵀ + b for a weight `[out, in]` (PyTorch layout) and an optional bias `[out]`.
    func linear(weight: Variable<Scalar>, bias: Variable<Scalar>?) -> Self
    /// An elementwise activation.
    func activated(_ f: Activation) -> Self
    /// The same elements with another shape.
    func reshaped(_ shape: [Int]) -> Self
    /// Elementwise sum (residual connections).
    static func + (lhs: Self, rhs: Self) -> Self
}

extension Variable: ModelValue {
    /// A variable is its own primal.
    public var primal: Variable { self }

    public func linear(weight: Variable, bias: Variable?) -> Variable {
        let y = Variable.matmul(self, weight, transposeB: true)
        return bias.map { y + $0 } ?? y
    }
}

extension Dual: ModelValue {
    public func linear(weight: Variable<Scalar>, bias: Variable<Scalar>?) -> Dual {
        let y = matmul(weight, transposeOther: true)
        return bias.map { y + $0 } ?? y
    }
}
