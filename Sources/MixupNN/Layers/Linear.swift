import MixupCore

/// A fully connected layer y = x·Wᵀ + b, with W stored `[out, in]` as PyTorch does.
public struct Linear<Scalar: TensorScalar>: Layer {
    /// `[outputSize, inputSize]`.
    public let weight: Variable<Scalar>
    /// `[outputSize]`, or nil for a bias-free layer.
    public let bias: Variable<Scalar>?

    /// PyTorch's default initialisation: W, b ~ U(−1/√in, 1/√in).
    public init<G: RandomNumberGenerator>(inputSize: Int, outputSize: Int, bias: Bool = true, using rng: inout G) {
        let bound = 1 / Scalar(inputSize).squareRoot()
        weight = Variable(parameter: .uniform(shape: [outputSize, inputSize], low: -bound, high: bound, using: &rng))
        self.bias = bias ? Variable(parameter: .uniform(shape: [outputSize], low: -bound, high: bound, using: &rng)) : nil
    }

    /// Wraps existing tensors (e.g. loaded weights).
    public init(weight: Tensor<Scalar>, bias: Tensor<Scalar>?) {
        precondition(weight.rank == 2, "Linear weight must be [out, in], got \(weight.shape)")
        precondition(bias == nil || bias!.shape == [weight.shape[0]], "Linear bias must be [out]")
        self.weight = Variable(parameter: weight)
        self.bias = bias.map { Variable(parameter: $0) }
    }

    public var inputSize: Int { weight.shape[1] }
    public var outputSize: Int { weight.shape[0] }

    public func callAsFunction<V: ModelValue>(_ x: V) -> V where V.Scalar == Scalar {
        x.linear(weight: weight, bias: bias)
    }

    /// The layer followed by `activation`; ReLU runs fused with the product
    /// (`ModelValue.linearReLU`), the others after it.
    public func callAsFunction<V: ModelValue>(_ x: V, then activation: Activation) -> V where V.Scalar == Scalar {
        activation == .relu ? x.linearReLU(weight: weight, bias: bias) : x.linear(weight: weight, bias: bias).activated(activation)
    }
}
