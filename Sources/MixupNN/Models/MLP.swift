import MixupCore

/// A multi-layer perceptron: Linear → activation → … → Linear (logits, no final activation).
/// Inputs of rank > 2 (images, spectrograms) are flattened to `[N, features]` first.
/// The paper's tabular model is `MLP(widths: [d, 128, 128, classes], activation: .relu)`.
public struct MLP<Scalar: TensorScalar>: Layer {
    /// The linear layers, input to output.
    public var layers: [Linear<Scalar>]
    /// The activation between layers.
    public var activation: Activation

    /// An MLP through `widths` (input, hidden…, output).
    public init<G: RandomNumberGenerator>(widths: [Int], activation: Activation = .relu, bias: Bool = true,
                                          using rng: inout G) {
        precondition(widths.count >= 2, "MLP needs at least input and output widths, got \(widths)")
        precondition(widths.allSatisfy { $0 > 0 }, "MLP widths must be positive, got \(widths)")
        layers = zip(widths, widths.dropFirst()).map {
            Linear(inputSize: $0, outputSize: $1, bias: bias, using: &rng)
        }
        self.activation = activation
    }

    /// The widths the model was built with.
    public var widths: [Int] { [layers[0].inputSize] + layers.map(\.outputSize) }

    public func callAsFunction<V: ModelValue>(_ x: V) -> V where V.Scalar == Scalar {
        var h = x
        if x.shape.count > 2 { h = x.reshaped([x.shape[0], x.shape.dropFirst().reduce(1, *)]) }
        for (k, layer) in layers.enumerated() {
            h = k < layers.count - 1 ? layer(h, then: activation) : layer(h)
        }
        return h
    }
}
