/// Taylor rules for the image ops, so conv nets run in Taylor mode too. Convolution and the
/// poolings are linear in x (max pooling routes through the primal's argmax, exact away from
/// ties), so every coefficient goes through the same map; batch normalization is affine when its
/// statistics are held fixed and a composition of jet ops when they are batch-coupled.
extension Jet {
    /// conv(c₀, W) + b for the value, conv(c_k, W) without bias for every higher coefficient.
    public func conv2d(weight: Variable<Scalar>, bias: Variable<Scalar>?, stride: Int, padding: Int) -> Jet {
        Jet(coefficients: coefficients.indices.map { k in
            .conv2d(coefficients[k], weight: weight, bias: k == 0 ? bias : nil, stride: stride, padding: padding)
        })
    }

    /// Max pooling: every coefficient is read at the primal's argmax positions (constant indices).
    public func maxPool2d(kernel: Int, stride: Int, padding: Int) -> Jet {
        let (y, argmax) = primal.maxPool2dWithIndices(kernel: kernel, stride: stride, padding: padding)
        return Jet(coefficients: [y] + coefficients.dropFirst().map { $0.gatheringElements(at: argmax, shape: y.shape) })
    }

    /// Average pooling, linear: each coefficient is pooled the same way.
    public func avgPool2d(kernel: Int, stride: Int, padding: Int) -> Jet {
        mapCoefficients { $0.avgPool2d(kernel: kernel, stride: stride, padding: padding) }
    }

    /// Spatial mean `[N, C, H, W]` → `[N, C]`, for every coefficient.
    public func globalAvgPool2d() -> Jet { mapCoefficients { $0.globalAvgPool2d() } }

    /// The same constant mask on every coefficient.
    public func dropout(mask: Tensor<Scalar>) -> Jet { mapCoefficients { $0.dropout(mask: mask) } }

    /// Batch normalization with the semantics of the `Dual` rule: running statistics or
    /// `.fixedStatistics` make it affine along the direction (c_k·γ/√(σ² + ε) for k ≥ 1);
    /// `.batchCoupled` differentiates through the batch mean and variance with jet ops.
    public func batchNormalized(scale: Variable<Scalar>, shift: Variable<Scalar>,
                                statistics: NormalizationStatistics<Scalar>, epsilon: Scalar) -> Jet {
        switch statistics {
        case .running(_, let variance):
            let y = primal.batchNormalized(scale: scale, shift: shift, statistics: statistics, epsilon: epsilon)
            let multiplier = primal.fixedMultiplier(scale: scale, variance: variance, epsilon: epsilon)
            return Jet(coefficients: [y] + coefficients.dropFirst().map { $0 * multiplier })
        case .batch(.fixedStatistics):
            let (y, multiplier) = primal.batchNormalizedWithScale(scale: scale, shift: shift, epsilon: epsilon)
            return Jet(coefficients: [y] + coefficients.dropFirst().map { $0 * multiplier })
        case .batch(.batchCoupled):
            precondition(shape.count >= 2 && scale.shape == [shape[1]] && shift.shape == [shape[1]],
                         "batch norm: value \(shape) needs scale and shift of one entry per channel")
            let b = primal.channelBroadcastShape(shape[1])
            let centered = self - mapCoefficients { $0.channelMean() }.reshaped(b)
            let deviation = (centered.square().mapCoefficients { $0.channelMean() } + epsilon).sqrt()
            return centered / deviation.reshaped(b) * scale.reshaped(b) + shift.reshaped(b)
        }
    }
}
