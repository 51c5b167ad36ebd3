import MixupCore

/// Inverted dropout: in training mode each element is zeroed with probability p and the rest
/// scaled by 1/(1 − p); in evaluation mode it is the identity. Masks come from the layer's own
/// seeded generator (drawn once from the caller's generator at construction), so runs repeat.
/// A JVP applies the same mask to value and tangent.
public struct Dropout<Scalar: TensorScalar>: Layer {
    /// Probability of zeroing an element, in [0, 1).
    public let probability: Double
    /// The generator the masks are drawn from (shared by copies of the layer).
    public let noise: DropoutNoise
    /// The model's train/eval switch.
    public let mode: ModelMode

    /// A dropout layer; its mask stream is seeded from `rng`.
    public init<G: RandomNumberGenerator>(probability: Double, mode: ModelMode, using rng: inout G) {
        precondition(probability >= 0 && probability < 1, "dropout probability must be in [0, 1), got \(probability)")
        self.probability = probability
        self.mode = mode
        noise = DropoutNoise(seed: rng.next())
    }

    public func callAsFunction<V: ModelValue>(_ x: V) -> V where V.Scalar == Scalar {
        guard mode.isTraining, probability > 0 else { return x }
        return x.dropout(mask: noise.mask(shape: x.shape, probability: probability))
    }
}

/// The mutable generator behind a `Dropout` layer.
public final class DropoutNoise {
    /// The generator's current state.
    public var generator: SeededGenerator

    /// A stream seeded with `seed`.
    public init(seed: UInt64) { generator = SeededGenerator(seed: seed) }

    /// A fresh mask: 0 with probability p, else 1/(1 − p).
    public func mask<Scalar: TensorScalar>(shape: [Int], probability: Double) -> Tensor<Scalar> {
        Tensor(shape: shape, scalars: dropoutMask(count: shape.reduce(1, *), probability: probability, using: &generator))
    }
}

@_specialize(where T == Float)
@_specialize(where T == Double)
func dropoutMask<T: TensorScalar>(count: Int, probability: Double, using rng: inout SeededGenerator) -> [T] {
    let keep = T(1 / (1 - probability))
    var out = [T](repeating: 0, count: count)
    out.withUnsafeMutableBufferPointer { ob in
        for i in 0..<count where rng.uniform() >= probability { ob[i] = keep }
    }
    return out
}
