/// Image ops on the tape (NCHW): convolution, pooling, batch normalization and dropout masks.
/// Forward and pullbacks run on the kernels in `Kernels/ConvolutionKernels.swift`.
extension Variable {
    /// 2-D cross-correlation (PyTorch's `conv2d`, no groups): x `[N, C, H, W]`, weight
    /// `[O, C, kh, kw]`, optional bias `[O]` → `[N, O, OH, OW]`. Linear in x and in weight,
    /// so its pullbacks are the transposed convolutions computed by one GEMM per chunk.
    public static func conv2d(_ x: Variable, weight: Variable, bias: Variable?,
                              stride: Int = 1, padding: Int = 0) -> Variable {
        let xv = x.value, wv = weight.value
        let y = convolutionForward(xv, wv, bias?.value, stride: stride, padding: padding)
        let needX = x.requiresGradient, needW = weight.requiresGradient, needB = bias?.requiresGradient ?? false
        let parents = bias.map { [x, weight, $0] } ?? [x, weight]
        return record(y, parents: parents) { g in
            let (dx, dw, db) = convolutionBackward(g, input: xv, weight: wv, stride: stride, padding: padding,
                                                   needInput: needX, needWeight: needW, needBias: needB)
            return bias == nil ? [dx, dw] : [dx, dw, db]
        }
    }

    /// `conv2d` as a method on the input (the `ModelValue` form layers call).
    public func conv2d(weight: Variable, bias: Variable?, stride: Int, padding: Int) -> Variable {
        Variable.conv2d(self, weight: weight, bias: bias, stride: stride, padding: padding)
    }

    /// Max pooling over `kernel`×`kernel` windows, with the flat input index of each maximum
    /// (the routing a JVP reuses as constant indices).
    public func maxPool2dWithIndices(kernel: Int, stride: Int, padding: Int = 0) -> (output: Variable, argmax: [Int]) {
        let inputShape = shape
        let (y, arg) = maxPoolForward(value, kernel: kernel, stride: stride, padding: padding)
        let out = Variable.record(y, parents: [self]) { g in [scatterAddElements(g, arg, shape: inputShape)] }
        return (out, arg)
    }

    /// Max pooling over `kernel`×`kernel` windows (padding counts as −∞); the gradient goes to
    /// the position of each maximum.
    public func maxPool2d(kernel: Int, stride: Int, padding: Int = 0) -> Variable {
        maxPool2dWithIndices(kernel: kernel, stride: stride, padding: padding).output
    }

    /// The elements at flat `indices`, as a tensor of `shape`; the pullback adds back into
    /// those positions (repeats accumulate). Max pooling's tangent rule.
    public func gatheringElements(at indices: [Int], shape outShape: [Int]) -> Variable {
        let inputShape = shape
        return Variable.record(gatherElements(value, indices, shape: outShape), parents: [self]) { g in
            [scatterAddElements(g, indices, shape: inputShape)]
        }
    }

    /// Average pooling over `kernel`×`kernel` windows (zero padding included in the count).
    public func avgPool2d(kernel: Int, stride: Int, padding: Int = 0) -> Variable {
        let inputShape = shape
        let y = averagePoolForward(value, kernel: kernel, stride: stride, padding: padding)
        return Variable.record(y, parents: [self]) { g in
            [averagePoolBackward(g, inputShape: inputShape, kernel: kernel, stride: stride, padding: padding)]
        }
    }

    /// Mean over all spatial positions: `[N, C, H, W]` → `[N, C]`.
    public func globalAvgPool2d() -> Variable {
        precondition(shape.count == 4, "global average pooling needs an NCHW input, got \(shape)")
        return reshaped([shape[0], shape[1], shape[2] * shape[3]]).mean(alongAxis: 2)
    }

    /// Multiplies by a constant mask (dropout: entries 0 or 1/(1−p)).
    public func dropout(mask: Tensor<Scalar>) -> Variable {
        precondition(mask.shape == shape, "dropout mask \(mask.shape) must match the value \(shape)")
        return self * Variable(constant: mask)
    }
}

// MARK: Batch normalization

/// Which statistics batch normalization divides by, and — for batch statistics — how a JVP
/// treats them.
public enum NormalizationStatistics<Scalar: TensorScalar> {
    /// Mean and (biased) variance of the current batch over every axis but the channel axis 1.
    case batch(tangent: BatchNormTangent)
    /// Fixed per-channel statistics (running averages in evaluation mode), each `[C]`.
    case running(mean: Tensor<Scalar>, variance: Tensor<Scalar>)
}

/// How the tangent (JVP) of a batch-normalized value treats the batch statistics. Matters only
/// in training mode, where the statistics depend on every sample of the batch.
public enum BatchNormTangent: String, Codable, CaseIterable, Sendable {
    /// Differentiate through the batch mean and variance: the JVP of the whole batch function
    /// along the per-sample directions. Couples samples (q(x_i) depends on the other x_j).
    case batchCoupled
    /// Treat the batch mean and variance as constants for the direction: each sample's tangent
    /// is the JVP of its own normalisation, matching the per-sample q(x_i) of eq. (1). The
    /// statistics still depend on the parameters, so ∂q/∂θ sees them. The default.
    case fixedStatistics
}

extension Variable {
    /// `[C]` → `[C, 1, …, 1]` so it broadcasts against an `[N, C, …]` value of this rank.
    func channelBroadcastShape(_ channels: Int) -> [Int] {
        [channels] + [Int](repeating: 1, count: Swift.max(0, shape.count - 2))
    }

    /// Per-channel mean over every axis but axis 1: `[N, C, …]` → `[C]`.
    func channelMean() -> Variable {
        precondition(shape.count >= 2, "batch normalization needs at least [N, C], got \(shape)")
        let n = shape[0], c = shape[1], rest = value.count / Swift.max(1, n * c)
        let perSample = reshaped([n, c, rest]).sum(alongAxis: 2).sum(alongAxis: 0)
        return perSample * (1 / Scalar(Swift.max(1, n * rest)))
    }

    /// γ/√(σ²_B + ε) with σ²_B the biased batch variance, on the tape (it depends on x and,
    /// through x, on earlier parameters), shaped to broadcast: the fixed-statistics tangent's factor.
    func batchMultiplier(scale gamma: Variable, epsilon: Scalar) -> Variable {
        let b = channelBroadcastShape(shape[1])
        let centered = self - channelMean().reshaped(b)
        return (gamma / (centered.square().channelMean() + epsilon).sqrt()).reshaped(b)
    }

    /// Batch-normalizes with batch statistics and also returns the taped multiplier
    /// γ/√(σ²_B + ε) that fixed-statistics tangent rules (Dual, Jet) scale coefficients by.
    func batchNormalizedWithScale(scale gamma: Variable, shift beta: Variable, epsilon: Scalar)
        -> (output: Variable, multiplier: Variable) {
        (batchNormalizedFused(scale: gamma, shift: beta, epsilon: epsilon), batchMultiplier(scale: gamma, epsilon: epsilon))
    }

    /// Batch-statistics normalization as one taped op (one kernel forward, one backward): the
    /// fast path for training.
    func batchNormalizedFused(scale gamma: Variable, shift beta: Variable, epsilon: Scalar) -> Variable {
        let (y, xhat, inv) = batchNormForward(value, scale: gamma.value, shift: beta.value, epsilon: epsilon)
        let needX = requiresGradient, gammaValue = gamma.value
        return Variable.record(y, parents: [self, gamma, beta]) { g in
            let (dx, dgamma, dbeta) = batchNormBackward(g, normalized: xhat, inverseDeviation: inv,
                                                        scale: gammaValue, needInput: needX)
            return [dx, dgamma, dbeta]
        }
    }

    /// ReLU of batch-statistics normalization as one taped op: one output buffer, no saved x̂ (the
    /// backward recomputes it from the input the tape holds anyway). Also returns the statistics,
    /// which the fused tangent rule (`Dual.batchNormalizedReLU`) shares.
    func batchNormalizedReLUFused(scale gamma: Variable, shift beta: Variable, epsilon: Scalar)
        -> (output: Variable, mean: [Scalar], inverseDeviation: [Scalar]) {
        let x = value, gammaValue = gamma.value, needX = requiresGradient
        let (mean, inv) = batchStatistics(x, epsilon: epsilon)
        let z = batchNormReLUForward(x, mean: mean, inverseDeviation: inv, scale: gammaValue, shift: beta.value)
        let output = Variable.record(z, parents: [self, gamma, beta]) { g in
            let (dx, dgamma, dbeta) = batchNormReLUBackward(g, input: x, output: z, mean: mean, inverseDeviation: inv,
                                                            scale: gammaValue, needInput: needX)
            return [dx, dgamma, dbeta]
        }
        return (output, mean, inv)
    }

    /// `batchNormalized(scale:shift:statistics:epsilon:).relu()`; with batch statistics one fused
    /// op (what PreAct blocks run), with running statistics the composition.
    public func batchNormalizedReLU(scale: Variable, shift: Variable, statistics: NormalizationStatistics<Scalar>,
                                    epsilon: Scalar) -> Variable {
        guard case .batch = statistics else {
            return batchNormalized(scale: scale, shift: shift, statistics: statistics, epsilon: epsilon).relu()
        }
        precondition(shape.count >= 2 && scale.shape == [shape[1]] && shift.shape == [shape[1]],
                     "batch norm: value \(shape) needs scale and shift of [\(shape.count >= 2 ? shape[1] : 0)], got \(scale.shape), \(shift.shape)")
        return batchNormalizedReLUFused(scale: scale, shift: shift, epsilon: epsilon).output
    }

    /// Convolutions of z = ReLU(BN(self)) (given with its statistics) as taped ops that do not keep z:
    /// each backward recomputes it from the input — one elementwise pass against a convolution — so
    /// a PreAct block stores its convolutions' outputs and not the activations between them.
    func convolvingBatchNormalizedReLU(_ z: Tensor<Scalar>, mean: [Scalar], inverseDeviation inv: [Scalar],
                                       scale gamma: Variable, shift beta: Variable,
                                       convolutions: [ConvolutionSpec<Scalar>]) -> [Variable] {
        let x = value, gammaValue = gamma.value, betaValue = beta.value
        let needX = requiresGradient, needZ = requiresGradient || gamma.requiresGradient || beta.requiresGradient
        return convolutions.map { c in
            let w = c.weight.value, needW = c.weight.requiresGradient, needB = c.bias?.requiresGradient ?? false
            let y = convolutionForward(z, w, c.bias?.value, stride: c.stride, padding: c.padding)
            let parents = [self, gamma, beta, c.weight] + (c.bias.map { [$0] } ?? [])
            return Variable.record(y, parents: parents) { g in
                let z = batchNormReLUForward(x, mean: mean, inverseDeviation: inv, scale: gammaValue, shift: betaValue)
                let (dz, dw, db) = convolutionBackward(g, input: z, weight: w, stride: c.stride, padding: c.padding,
                                                       needInput: needZ, needWeight: needW, needBias: needB)
                var upstream: [Tensor<Scalar>?] = [nil, nil, nil]
                if let dz {
                    let (dx, dgamma, dbeta) = batchNormReLUBackward(dz, input: x, output: z, mean: mean, inverseDeviation: inv,
                                                                    scale: gammaValue, needInput: needX)
                    upstream = [dx, dgamma, dbeta]
                }
                return upstream + [dw] + (c.bias == nil ? [] : [db])
            }
        }
    }

    /// ReLU(BN(self)) fed to each of `convolutions`; with batch statistics fused so the activation
    /// is never kept (see `ModelValue.batchNormalizedReLUConvolutions`).
    public func batchNormalizedReLUConvolutions(scale: Variable, shift: Variable, statistics: NormalizationStatistics<Scalar>,
                                                epsilon: Scalar, convolutions: [ConvolutionSpec<Scalar>]) -> [Variable] {
        guard case .batch = statistics else {
            let z = batchNormalizedReLU(scale: scale, shift: shift, statistics: statistics, epsilon: epsilon)
            return convolutions.map { z.conv2d(weight: $0.weight, bias: $0.bias, stride: $0.stride, padding: $0.padding) }
        }
        precondition(shape.count == 4 && scale.shape == [shape[1]] && shift.shape == [shape[1]],
                     "batch norm: value \(shape) needs NCHW and scale and shift of [\(shape.count >= 2 ? shape[1] : 0)], got \(scale.shape), \(shift.shape)")
        let (mean, inv) = batchStatistics(value, epsilon: epsilon)
        let z = batchNormReLUForward(value, mean: mean, inverseDeviation: inv, scale: scale.value, shift: shift.value)
        return convolvingBatchNormalizedReLU(z, mean: mean, inverseDeviation: inv, scale: scale, shift: shift,
                                             convolutions: convolutions)
    }

    /// γ/√(v + ε) for fixed variances `v`, shaped to broadcast over this value.
    func fixedMultiplier(scale gamma: Variable, variance: Tensor<Scalar>, epsilon: Scalar) -> Variable {
        (gamma * Variable(constant: (variance + epsilon).map(.sqrt).map(.reciprocal))).reshaped(channelBroadcastShape(shape[1]))
    }

    /// Batch normalization over channel axis 1: (x − μ)/√(σ² + ε)·γ + β with μ, σ² from the
    /// batch or from fixed running statistics. γ (`scale`) and β (`shift`) are `[C]`.
    public func batchNormalized(scale: Variable, shift: Variable, statistics: NormalizationStatistics<Scalar>,
                                epsilon: Scalar) -> Variable {
        precondition(shape.count >= 2 && scale.shape == [shape[1]] && shift.shape == [shape[1]],
                     "batch norm: value \(shape) needs scale and shift of [\(shape.count >= 2 ? shape[1] : 0)], got \(scale.shape), \(shift.shape)")
        switch statistics {
        case .batch:
            return batchNormalizedFused(scale: scale, shift: shift, epsilon: epsilon)
        case let .running(mean, variance):
            let b = channelBroadcastShape(shape[1])
            let multiplier = fixedMultiplier(scale: scale, variance: variance, epsilon: epsilon)
            return (self - Variable(constant: mean.reshaped(b))) * multiplier + shift.reshaped(b)
        }
    }
}

extension Tensor {
    /// Per-channel mean and unbiased variance over every axis but axis 1 (`[N, C, …]` → two
    /// `[C]`): what running statistics track.
    public func channelStatistics() -> (mean: Tensor, unbiasedVariance: Tensor) {
        channelMeanAndVariance(self)
    }
}

/// Mean and unbiased variance per channel, from `channelMeanAndSquaredDeviations`.
@_specialize(where T == Float)
@_specialize(where T == Double)
func channelMeanAndVariance<T: TensorScalar>(_ x: Tensor<T>) -> (mean: Tensor<T>, unbiasedVariance: Tensor<T>) {
    precondition(x.rank >= 2, "channel statistics need at least [N, C], got \(x.shape)")
    let (mean, squares, count) = channelMeanAndSquaredDeviations(x)
    let divisor = T(Swift.max(count - 1, 1))
    return (Tensor(shape: [x.shape[1]], scalars: mean), Tensor(shape: [x.shape[1]], scalars: squares.map { $0 / divisor }))
}
