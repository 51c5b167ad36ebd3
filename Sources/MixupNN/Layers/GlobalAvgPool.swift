import MixupCore

/// Mean over all spatial positions, `[N, C, H, W]` → `[N, C]`: the head of ResNets, which makes
/// them independent of the input resolution.
public struct GlobalAvgPool<Scalar: TensorScalar>: Layer {
    /// The layer has no settings.
    public init() {}

    public func callAsFunction<V: ModelValue>(_ x: V) -> V where V.Scalar == Scalar {
        x.globalAvgPool2d()
    }
}
