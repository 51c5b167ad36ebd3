import MixupCore
import MixupNN

/// An exponential moving average of a model's weights, as timm's `ModelEmaV2` keeps: after every
/// optimisation step, shadow ← d·shadow + (1 − d)·current for every parameter and batch-norm
/// buffer. Evaluating with the average often generalises better than the raw weights; the loop
/// evaluates both and checkpoints both.
public final class WeightAverage<Scalar: TensorScalar> {
    /// d, in (0, 1): the weight of the past.
    public let decay: Double
    private let parameters: [(name: String, variable: Variable<Scalar>)]
    private var shadow: [String: Tensor<Scalar>]

    /// An average of `model`'s current weights (parameters and buffers) with decay `decay`.
    public init<M: Layer>(model: M, decay: Double) where M.Scalar == Scalar {
        precondition(decay > 0 && decay < 1, "EMA decay must lie in (0, 1), got \(decay)")
        self.decay = decay
        parameters = model.namedParameters
        shadow = Dictionary(uniqueKeysWithValues: parameters.map { ($0.name, $0.variable.value) }
                                                  + model.namedBuffers.map { ($0.name, $0.value) })
    }

    /// Moves the average toward `model`'s current weights.
    public func update<M: Layer>(from model: M) where M.Scalar == Scalar {
        let d = Scalar(decay), e = Scalar(1 - decay)
        for (name, v) in parameters { shadow[name] = shadow[name]! * d + v.value * e }
        for (name, t) in model.namedBuffers { shadow[name] = shadow[name]! * d + t * e }
    }

    /// The averaged weights by name (for checkpoints).
    public var tensors: [String: Tensor<Scalar>] { shadow }

    /// Replaces the average with saved weights; every name must be present with its shape (all are
    /// checked before any is replaced).
    public func load(_ tensors: [String: Tensor<Scalar>]) throws {
        try checkShapes(tensors)
        for name in shadow.keys { shadow[name] = tensors[name]! }
    }

    /// Throws unless `tensors` has every averaged weight with its shape.
    public func checkShapes(_ tensors: [String: Tensor<Scalar>]) throws {
        for (name, current) in shadow.sorted(by: { $0.key < $1.key }) {
            guard let t = tensors[name] else { throw CheckpointError("the checkpoint has no EMA weights for '\(name)'") }
            guard t.shape == current.shape else {
                throw CheckpointError("EMA weights '\(name)' have shape \(t.shape), the model expects \(current.shape)")
            }
        }
    }

    /// Runs `body` with the averaged weights in `model`, then puts the raw weights back.
    public func withAveragedWeights<M: Layer, R>(in model: M, _ body: () throws -> R) throws -> R where M.Scalar == Scalar {
        let raw = Dictionary(uniqueKeysWithValues: parameters.map { ($0.name, $0.variable.value) }
                                                + model.namedBuffers.map { ($0.name, $0.value) })
        for (name, v) in parameters { v.assign(shadow[name]!) }
        try model.loadBuffers(shadow)
        defer {
            for (name, v) in parameters { v.assign(raw[name]!) }
            try? model.loadBuffers(raw)
        }
        return try body()
    }
}
