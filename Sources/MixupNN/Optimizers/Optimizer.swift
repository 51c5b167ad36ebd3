import MixupCore

/// Updates parameters from their gradients. State (momenta, moments) is keyed by the
/// parameter's position in `parameters`, and exported as named tensors so that a checkpoint
/// resumes exactly.
public protocol Optimizer<Scalar> {
    associatedtype Scalar: TensorScalar
    /// The step size used by the next `update`; schedules set it each step.
    var learningRate: Double { get set }
    /// Applies one step to `parameters` given `gradients` of the loss.
    mutating func update(_ parameters: [Variable<Scalar>], with gradients: Gradients<Scalar>)
    /// The optimizer's state as named tensors (for checkpoints); the step counter as a 1-element tensor.
    func stateTensors() -> [String: Tensor<Scalar>]
    /// Restores what `stateTensors()` exported; throws when names or shapes do not fit.
    mutating func loadState(_ tensors: [String: Tensor<Scalar>], parameters: [Variable<Scalar>]) throws
}

/// A checkpoint's optimizer state does not fit the model or optimizer being resumed.
public struct OptimizerStateError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// Reads a per-parameter state list `prefix.i` from `tensors`, checking shapes.
func loadSlots<S: TensorScalar>(_ prefix: String, from tensors: [String: Tensor<S>],
                                parameters: [Variable<S>]) throws -> [Tensor<S>] {
    try parameters.indices.map { i in
        guard let t = tensors["\(prefix).\(i)"] else {
            throw OptimizerStateError("optimizer state '\(prefix).\(i)' is missing")
        }
        guard t.shape == parameters[i].shape else {
            throw OptimizerStateError("optimizer state '\(prefix).\(i)' has shape \(t.shape), parameter has \(parameters[i].shape)")
        }
        return t
    }
}

func exportSlots<S: TensorScalar>(_ prefix: String, _ slots: [Tensor<S>], into out: inout [String: Tensor<S>]) {
    for (i, t) in slots.enumerated() { out["\(prefix).\(i)"] = t }
}
