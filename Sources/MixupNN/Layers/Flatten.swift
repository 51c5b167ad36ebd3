import MixupCore

/// `[N, d₁, d₂, …]` → `[N, d₁·d₂·…]`: the bridge from feature maps to linear layers.
public struct Flatten<Scalar: TensorScalar>: Layer {
    /// The layer has no settings.
    public init() {}

    public func callAsFunction<V: ModelValue>(_ x: V) -> V where V.Scalar == Scalar {
        let shape = x.shape
        precondition(!shape.isEmpty, "Flatten needs a batch axis")
        return x.reshaped([shape[0], shape.dropFirst().reduce(1, *)])
    }
}
