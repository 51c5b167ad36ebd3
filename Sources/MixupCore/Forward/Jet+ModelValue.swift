/// Jets flow through any layer written against `ModelValue`, so one model definition gives
/// plain outputs, JVPs and Taylor coefficients (`model(Jet(x, direction: v, order: J))`).
extension Jet: ModelValue {
    /// x·Wᵀ + b: every coefficient goes through W, the bias only shifts c₀.
    public func linear(weight: Variable<Scalar>, bias: Variable<Scalar>?) -> Jet {
        let y = matmul(weight, transposeOther: true)
        return bias.map { y + $0 } ?? y
    }
}
