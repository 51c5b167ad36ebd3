import CKernels
import MixupCore
import RealModule

/// Adam (Kingma & Ba) with bias correction, as `torch.optim.Adam`; with `decoupledWeightDecay`
/// it is AdamW (Loshchilov & Hutter): θ ← θ − lr·wd·θ before the Adam step, instead of adding
/// wd·θ to the gradient.
public struct Adam<Scalar: TensorScalar>: Optimizer {
    public var learningRate: Double
    public var beta1: Double
    public var beta2: Double
    public var epsilon: Double
    public var weightDecay: Double
    public var decoupledWeightDecay: Bool
    private var step = 0
    private var firstMoment: [Tensor<Scalar>] = []
    private var secondMoment: [Tensor<Scalar>] = []

    /// Adam; the paper's tabular and speech setting is `Adam(learningRate: 1e-3)`.
    public init(learningRate: Double = 1e-3, beta1: Double = 0.9, beta2: Double = 0.999, epsilon: Double = 1e-8,
                weightDecay: Double = 0, decoupledWeightDecay: Bool = false) {
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        self.decoupledWeightDecay = decoupledWeightDecay
    }

    /// AdamW with PyTorch's defaults (weight decay 0.01).
    public static func adamW(learningRate: Double = 1e-3, beta1: Double = 0.9, beta2: Double = 0.999,
                             weightDecay: Double = 0.01) -> Adam {
        Adam(learningRate: learningRate, beta1: beta1, beta2: beta2, weightDecay: weightDecay, decoupledWeightDecay: true)
    }

    public mutating func update(_ parameters: [Variable<Scalar>], with gradients: Gradients<Scalar>) {
        if firstMoment.count != parameters.count {
            firstMoment = parameters.map { Tensor(zeros: $0.shape) }
            secondMoment = firstMoment
        }
        step += 1
        let c1 = 1 - Double.pow(beta1, Double(step)), c2 = 1 - Double.pow(beta2, Double(step))
        for (i, p) in parameters.enumerated() {
            let grad = gradients[p]
            p.updateValue { theta in
                adamStep(&theta, grad, &firstMoment[i], &secondMoment[i],
                         lr: Scalar(learningRate), beta1: Scalar(beta1), beta2: Scalar(beta2), epsilon: Scalar(epsilon),
                         correction1: Scalar(c1), correction2: Scalar(c2),
                         weightDecay: Scalar(weightDecay), decoupled: decoupledWeightDecay)
            }
        }
    }

    public func stateTensors() -> [String: Tensor<Scalar>] {
        var out: [String: Tensor<Scalar>] = ["adam.step": Tensor(Scalar(step))]
        exportSlots("adam.exp_avg", firstMoment, into: &out)
        exportSlots("adam.exp_avg_sq", secondMoment, into: &out)
        return out
    }

    public mutating func loadState(_ tensors: [String: Tensor<Scalar>], parameters: [Variable<Scalar>]) throws {
        guard let s = tensors["adam.step"], s.count == 1 else { throw OptimizerStateError("optimizer state 'adam.step' is missing") }
        let stepValue = Double(s.scalar)
        // A corrupt checkpoint must not trap in Int(_:) or resume with a nonsense bias correction.
        guard stepValue.isFinite, stepValue >= 0, stepValue == stepValue.rounded(), stepValue < 1e15 else {
            throw OptimizerStateError("optimizer state 'adam.step' is \(s.scalar); expected a whole number of steps ≥ 0")
        }
        firstMoment = try loadSlots("adam.exp_avg", from: tensors, parameters: parameters)
        secondMoment = try loadSlots("adam.exp_avg_sq", from: tensors, parameters: parameters)
        step = Int(stepValue)
    }
}

/// One fused pass per parameter (`mixup_adam_f32/f64` in CKernels): θ, m and v are read and written
/// once, vectorised, with the same operations in the same order as the textbook loop. The new θ goes
/// into a fresh buffer: during a training step the tape still holds the old one, and updating it in
/// place would first copy it (copy-on-write, measured ~2 % of an MLP step).
@_specialize(where S == Float)
@_specialize(where S == Double)
func adamStep<S: TensorScalar>(_ theta: inout Tensor<S>, _ grad: Tensor<S>, _ m: inout Tensor<S>, _ v: inout Tensor<S>,
                               lr: S, beta1: S, beta2: S, epsilon: S, correction1: S, correction2: S,
                               weightDecay: S, decoupled: Bool) {
    precondition(theta.count == grad.count && m.count == grad.count && v.count == grad.count,
                 "Adam: parameter \(theta.shape), gradient \(grad.shape) and moments must have equal sizes")
    let stepSize = lr / correction1, rootCorrection2 = correction2.squareRoot()
    let n = theta.count
    guard n > 0 else { return }
    let old = theta
    let updated = [S](unsafeUninitializedCapacity: n) { t, initialized in
        old.withUnsafeBufferPointer { t0 in
            m.withUnsafeMutableBufferPointer { mb in
                v.withUnsafeMutableBufferPointer { vb in
                    grad.withUnsafeBufferPointer { g in
                        if S.self == Float.self {
                            func f(_ p: UnsafeMutablePointer<S>) -> UnsafeMutablePointer<Float> { UnsafeMutableRawPointer(p).assumingMemoryBound(to: Float.self) }
                            func f(_ p: UnsafePointer<S>) -> UnsafePointer<Float> { UnsafeRawPointer(p).assumingMemoryBound(to: Float.self) }
                            func f(_ x: S) -> Float { Float(x) }
                            mixup_adam_f32(f(t0.baseAddress!), f(t.baseAddress!), f(g.baseAddress!),
                                           f(mb.baseAddress!), f(vb.baseAddress!), n, f(lr), f(beta1), f(beta2), f(epsilon),
                                           f(stepSize), f(rootCorrection2), f(weightDecay), decoupled ? 1 : 0)
                        } else if S.self == Double.self {
                            func d(_ p: UnsafeMutablePointer<S>) -> UnsafeMutablePointer<Double> { UnsafeMutableRawPointer(p).assumingMemoryBound(to: Double.self) }
                            func d(_ p: UnsafePointer<S>) -> UnsafePointer<Double> { UnsafeRawPointer(p).assumingMemoryBound(to: Double.self) }
                            func d(_ x: S) -> Double { Double(x) }
                            mixup_adam_f64(d(t0.baseAddress!), d(t.baseAddress!), d(g.baseAddress!),
                                           d(mb.baseAddress!), d(vb.baseAddress!), n, d(lr), d(beta1), d(beta2), d(epsilon),
                                           d(stepSize), d(rootCorrection2), d(weightDecay), decoupled ? 1 : 0)
                        } else {
                            for k in 0..<n {
                                var gk = g[k], tk = t0[k]
                                if decoupled { tk -= lr * weightDecay * tk } else { gk += weightDecay * tk }
                                mb[k] = beta1 * mb[k] + (1 - beta1) * gk
                                vb[k] = beta2 * vb[k] + (1 - beta2) * gk * gk
                                (t.baseAddress! + k).initialize(to: tk - stepSize * mb[k] / (vb[k].squareRoot() / rootCorrection2 + epsilon))
                            }
                        }
                    }
                }
            }
        }
        initialized = n
    }
    theta = Tensor(shape: theta.shape, scalars: updated)
}
