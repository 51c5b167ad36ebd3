import RealModule

/// Elementwise nonlinearities on the tape, each with its pullback in plain tensor math.
extension Variable {
    /// Applies `f` elementwise, with `derivative(x, y)` giving ∂y/∂x from input and output.
    private func elementwise(_ f: UnaryFunction,
                             derivative: @escaping (Tensor<Scalar>, Tensor<Scalar>) -> Tensor<Scalar>) -> Variable {
        let x = value, y = x.map(f)
        return Variable.record(y, parents: [self]) { g in [g * derivative(x, y)] }
    }

    public func exp() -> Variable { elementwise(.exp) { _, y in y } }
    public func log() -> Variable { elementwise(.log) { x, _ in x.map(.reciprocal) } }
    public func tanh() -> Variable { elementwise(.tanh) { _, y in (-y.map(.square)) + 1 } }
    public func sigmoid() -> Variable { elementwise(.sigmoid) { _, y in y * ((-y) + 1) } }
    /// log(1 + eˣ), computed stably; its derivative is the sigmoid.
    public func softplus() -> Variable { elementwise(.softplus) { x, _ in x.map(.sigmoid) } }
    /// max(x, 0); the derivative at 0 is taken as 0.
    /// The pullback gates g by x > 0 in one pass instead of building the step mask and multiplying.
    public func relu() -> Variable {
        let x = value
        return Variable.record(x.map(.relu), parents: [self]) { g in [.apply(.gate, g, x)] }
    }
    /// The value where `mask` > 0 and 0 elsewhere, for a constant `mask` of the same shape: ReLU's
    /// tangent rule t ⊙ 1[x > 0] in one pass (the pullback gates g the same way).
    public func gated(by mask: Tensor<Scalar>) -> Variable {
        precondition(mask.shape == shape, "gated(by:): mask \(mask.shape) must match the value \(shape)")
        return Variable.record(.apply(.gate, value, mask), parents: [self]) { g in [.apply(.gate, g, mask)] }
    }
    /// |x|; the derivative at 0 is taken as 0.
    public func abs() -> Variable { elementwise(.abs) { x, _ in x.map(.sign) } }
    public func square() -> Variable { elementwise(.square) { x, _ in x * 2 } }
    public func sqrt() -> Variable { elementwise(.sqrt) { _, y in (y * 2).map(.reciprocal) } }
    /// Φ(x), the standard normal CDF; its derivative is the density φ(x).
    public func normalCDF() -> Variable { elementwise(.normalCDF) { x, _ in normalDensity(x) } }
    /// GELU(x) = x·Φ(x) (the exact form, not the tanh approximation).
    public func gelu() -> Variable { self * normalCDF() }
}

/// φ(x) = exp(−x²/2)/√(2π).
func normalDensity<T: TensorScalar>(_ x: Tensor<T>) -> Tensor<T> {
    (x.map(.square) * T(-0.5)).map(.exp) * (1 / T.sqrt(2 * T.pi))
}
