import MixupCore

/// Stochastic gradient descent with (optionally Nesterov) momentum and L2 weight decay, as
/// `torch.optim.SGD`: g ← ∇ + wd·θ; v ← μ·v + g; θ ← θ − lr·(Nesterov ? g + μ·v : v).
public struct SGD<Scalar: TensorScalar>: Optimizer {
    public var learningRate: Double
    public var momentum: Double
    public var nesterov: Bool
    public var weightDecay: Double
    private var velocity: [Tensor<Scalar>] = []

    /// The paper's image setting is `SGD(learningRate: 0.1, momentum: 0.9, weightDecay: 1e-4)`.
    public init(learningRate: Double, momentum: Double = 0, nesterov: Bool = false, weightDecay: Double = 0) {
        precondition(!nesterov || momentum > 0, "Nesterov momentum needs momentum > 0")
        self.learningRate = learningRate
        self.momentum = momentum
        self.nesterov = nesterov
        self.weightDecay = weightDecay
    }

    public mutating func update(_ parameters: [Variable<Scalar>], with gradients: Gradients<Scalar>) {
        if velocity.count != parameters.count { velocity = parameters.map { Tensor(zeros: $0.shape) } }
        for (i, p) in parameters.enumerated() {
            let grad = gradients[p]
            p.updateValue { theta in
                sgdStep(&theta, grad, &velocity[i], lr: Scalar(learningRate), momentum: Scalar(momentum),
                        nesterov: nesterov, weightDecay: Scalar(weightDecay))
            }
        }
    }

    public func stateTensors() -> [String: Tensor<Scalar>] {
        var out: [String: Tensor<Scalar>] = [:]
        exportSlots("sgd.velocity", velocity, into: &out)
        return out
    }

    public mutating func loadState(_ tensors: [String: Tensor<Scalar>], parameters: [Variable<Scalar>]) throws {
        velocity = try loadSlots("sgd.velocity", from: tensors, parameters: parameters)
    }
}

@_specialize(where S == Float)
@_specialize(where S == Double)
func sgdStep<S: TensorScalar>(_ theta: inout Tensor<S>, _ grad: Tensor<S>, _ velocity: inout Tensor<S>,
                              lr: S, momentum: S, nesterov: Bool, weightDecay: S) {
    theta.withUnsafeMutableBufferPointer { t in
        velocity.withUnsafeMutableBufferPointer { v in
            grad.withUnsafeBufferPointer { g in
                for k in 0..<t.count {
                    let gk = g[k] + weightDecay * t[k]
                    if momentum == 0 { t[k] -= lr * gk; continue }
                    v[k] = momentum * v[k] + gk
                    t[k] -= lr * (nesterov ? gk + momentum * v[k] : v[k])
                }
            }
        }
    }
}
