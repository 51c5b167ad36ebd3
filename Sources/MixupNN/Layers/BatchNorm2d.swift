import MixupCore

/// Batch normalization over channel axis 1 of `[N, C, H, W]` (or `[N, C]`), with learnable
/// scale (`weight`, γ) and shift (`bias`, β) and running statistics.
///
/// Training mode normalizes with batch statistics, and plain passes fold them into the running
/// averages (unless `mode.updatesRunningStatistics` is off); JVP passes never update them.
/// Evaluation mode uses the running averages. The JVP rule in training mode is
/// `mode.batchNormTangent` (default `.fixedStatistics`, the per-sample q of eq. (1)).
public struct BatchNorm2d<Scalar: TensorScalar>: Layer {
    /// γ, `[C]`, initialised to 1.
    public let weight: Variable<Scalar>
    /// β, `[C]`, initialised to 0.
    public let bias: Variable<Scalar>
    /// Running mean and variance (shared by copies of the layer).
    public let running: RunningStatistics<Scalar>
    /// The model's train/eval switch.
    public let mode: ModelMode
    /// Added to the variance before the square root.
    public let epsilon: Scalar

    /// A batch-norm layer for `channels` channels, driven by `mode`.
    public init(channels: Int, mode: ModelMode, epsilon: Scalar = 1e-5, momentum: Scalar = 0.1) {
        precondition(channels > 0, "BatchNorm2d needs a positive channel count, got \(channels)")
        weight = Variable(parameter: Tensor(repeating: 1, shape: [channels]))
        bias = Variable(parameter: Tensor(zeros: [channels]))
        running = RunningStatistics(channels: channels, momentum: momentum)
        self.mode = mode
        self.epsilon = epsilon
    }

    /// Number of channels.
    public var channels: Int { weight.shape[0] }

    /// In training mode one sample's output depends on the whole batch.
    public var usesBatchStatistics: Bool { mode.isTraining }

    public func callAsFunction<V: ModelValue>(_ x: V) -> V where V.Scalar == Scalar {
        guard mode.isTraining else {
            return x.batchNormalized(scale: weight, shift: bias,
                                     statistics: .running(mean: running.mean, variance: running.variance), epsilon: epsilon)
        }
        if mode.updatesRunningStatistics, x is Variable<Scalar> { running.update(with: x.primal.value) }
        return x.batchNormalized(scale: weight, shift: bias, statistics: .batch(tangent: mode.batchNormTangent),
                                 epsilon: epsilon)
    }

    /// The layer followed by `activation`. In training mode ReLU runs fused with the normalization
    /// (`ModelValue.batchNormalizedReLU`): one output buffer per pass instead of three, and for a
    /// JVP one tangent op instead of five — what PreAct blocks (BN → ReLU → conv) spend memory on.
    public func callAsFunction<V: ModelValue>(_ x: V, then activation: Activation) -> V where V.Scalar == Scalar {
        guard activation == .relu, mode.isTraining else { return self(x).activated(activation) }
        if mode.updatesRunningStatistics, x is Variable<Scalar> { running.update(with: x.primal.value) }
        return x.batchNormalizedReLU(scale: weight, shift: bias, statistics: .batch(tangent: mode.batchNormTangent),
                                     epsilon: epsilon)
    }

    /// The layer, ReLU, then each of `convolutions` on the activation (a PreAct block's conv and its
    /// projection shortcut). In training mode one fused op per convolution that recomputes the
    /// activation in the backward pass instead of keeping it (`ModelValue.batchNormalizedReLUConvolutions`);
    /// the running statistics are updated once.
    public func callAsFunction<V: ModelValue>(_ x: V, reluInto convolutions: [Conv2d<Scalar>]) -> [V] where V.Scalar == Scalar {
        guard mode.isTraining else {
            let z = self(x).activated(.relu)
            return convolutions.map { $0(z) }
        }
        if mode.updatesRunningStatistics, x is Variable<Scalar> { running.update(with: x.primal.value) }
        return x.batchNormalizedReLUConvolutions(
            scale: weight, shift: bias, statistics: .batch(tangent: mode.batchNormTangent), epsilon: epsilon,
            convolutions: convolutions.map { ConvolutionSpec(weight: $0.weight, bias: $0.bias, stride: $0.stride, padding: $0.padding) })
    }
}
