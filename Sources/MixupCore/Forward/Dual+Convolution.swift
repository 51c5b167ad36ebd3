/// Tangent rules for the image ops, each written with taped ops so a JVP through a conv net can
/// itself be backpropagated (MixupE's exact q on images).
extension Dual {
    /// Convolution is linear in x: the tangent is conv(t, W) without the bias. W stays on the
    /// tape in both halves, so ∂(JVP)/∂W is exact.
    public func conv2d(weight: Variable<Scalar>, bias: Variable<Scalar>?, stride: Int, padding: Int) -> Dual {
        Dual(primal: .conv2d(primal, weight: weight, bias: bias, stride: stride, padding: padding),
             tangent: .conv2d(tangent, weight: weight, bias: nil, stride: stride, padding: padding))
    }

    /// Max pooling routes the tangent through the primal's argmax positions (constant indices;
    /// the derivative of the selection is 0 almost everywhere).
    public func maxPool2d(kernel: Int, stride: Int, padding: Int) -> Dual {
        let (y, argmax) = primal.maxPool2dWithIndices(kernel: kernel, stride: stride, padding: padding)
        return Dual(primal: y, tangent: tangent.gatheringElements(at: argmax, shape: y.shape))
    }

    /// Average pooling is linear: the tangent is pooled the same way.
    public func avgPool2d(kernel: Int, stride: Int, padding: Int) -> Dual {
        Dual(primal: primal.avgPool2d(kernel: kernel, stride: stride, padding: padding),
             tangent: tangent.avgPool2d(kernel: kernel, stride: stride, padding: padding))
    }

    /// Spatial mean, linear: `[N, C, H, W]` → `[N, C]` for both halves.
    public func globalAvgPool2d() -> Dual {
        Dual(primal: primal.globalAvgPool2d(), tangent: tangent.globalAvgPool2d())
    }

    /// The same constant mask on value and tangent.
    public func dropout(mask: Tensor<Scalar>) -> Dual {
        Dual(primal: primal.dropout(mask: mask), tangent: tangent.dropout(mask: mask))
    }

    /// Batch normalization with the tangent rule chosen by `statistics`:
    /// running statistics → t·γ/√(v + ε); batch statistics with `.fixedStatistics` →
    /// t·γ/√(σ²_B + ε) with σ²_B the (taped) batch variance of the primal; `.batchCoupled` →
    /// the full derivative through μ_B and σ²_B.
    public func batchNormalized(scale: Variable<Scalar>, shift: Variable<Scalar>,
                                statistics: NormalizationStatistics<Scalar>, epsilon: Scalar) -> Dual {
        switch statistics {
        case .running(_, let variance):
            let y = primal.batchNormalized(scale: scale, shift: shift, statistics: statistics, epsilon: epsilon)
            return Dual(primal: y, tangent: tangent * primal.fixedMultiplier(scale: scale, variance: variance, epsilon: epsilon))
        case .batch(.fixedStatistics):
            let (y, multiplier) = primal.batchNormalizedWithScale(scale: scale, shift: shift, epsilon: epsilon)
            return Dual(primal: y, tangent: tangent * multiplier)
        case .batch(.batchCoupled):
            precondition(shape.count >= 2 && scale.shape == [shape[1]] && shift.shape == [shape[1]],
                         "batch norm: value \(shape) needs scale and shift of one entry per channel")
            let b = primal.channelBroadcastShape(shape[1])
            let centered = self - channelMean().reshaped(b)
            let deviation = (centered.square().channelMean() + epsilon).sqrt()
            return centered / deviation.reshaped(b) * scale.reshaped(b) + shift.reshaped(b)
        }
    }

    /// `batchNormalized(…).relu()`. With batch statistics and the fixed-statistics tangent, two fused
    /// ops: the primal z = ReLU(BN(x)) and the tangent 1[z > 0]·γ/√(σ²_B + ε)·t, whose pullback
    /// reaches x (through σ²_B), γ and t without the five full-size temporaries of the composition.
    public func batchNormalizedReLU(scale: Variable<Scalar>, shift: Variable<Scalar>,
                                    statistics: NormalizationStatistics<Scalar>, epsilon: Scalar) -> Dual {
        guard case .batch(.fixedStatistics) = statistics else {
            return batchNormalized(scale: scale, shift: shift, statistics: statistics, epsilon: epsilon).relu()
        }
        precondition(shape.count >= 2 && scale.shape == [shape[1]] && shift.shape == [shape[1]],
                     "batch norm: value \(shape) needs scale and shift of one entry per channel")
        let x = primal, t = tangent
        let (z, mean, inv) = x.batchNormalizedReLUFused(scale: scale, shift: shift, epsilon: epsilon)
        let xValue = x.value, zValue = z.value, tValue = t.value, gammaValue = scale.value
        let needT = t.requiresGradient, needX = x.requiresGradient
        let zDot = Variable.record(batchNormReLUTangent(tValue, output: zValue, inverseDeviation: inv, scale: gammaValue),
                                   parents: [t, x, scale]) { g in
            let (dt, dx, dgamma) = batchNormReLUTangentBackward(g, tangent: tValue, input: xValue, output: zValue,
                                                                mean: mean, inverseDeviation: inv, scale: gammaValue,
                                                                needTangent: needT, needInput: needX)
            return [dt, dx, dgamma]
        }
        return Dual(primal: z, tangent: zDot)
    }

    /// ReLU(BN(self)) fed to each of `convolutions`. With batch statistics and the fixed-statistics
    /// tangent, fused: the primal convolutions recompute z = ReLU(BN(x)) in their backward pass, and
    /// each tangent conv(ż, W) with ż = 1[z > 0]·γ/√(σ²_B + ε)·t is one op that recomputes ż, so
    /// neither z nor ż is kept between the passes.
    public func batchNormalizedReLUConvolutions(scale: Variable<Scalar>, shift: Variable<Scalar>,
                                                statistics: NormalizationStatistics<Scalar>, epsilon: Scalar,
                                                convolutions: [ConvolutionSpec<Scalar>]) -> [Dual] {
        guard case .batch(.fixedStatistics) = statistics else {
            let z = batchNormalizedReLU(scale: scale, shift: shift, statistics: statistics, epsilon: epsilon)
            return convolutions.map { z.conv2d(weight: $0.weight, bias: $0.bias, stride: $0.stride, padding: $0.padding) }
        }
        precondition(shape.count == 4 && scale.shape == [shape[1]] && shift.shape == [shape[1]],
                     "batch norm: value \(shape) needs NCHW and scale and shift of one entry per channel")
        let x = primal, t = tangent
        let xValue = x.value, tValue = t.value, gammaValue = scale.value, betaValue = shift.value
        let (mean, inv) = batchStatistics(xValue, epsilon: epsilon)
        let z = batchNormReLUForward(xValue, mean: mean, inverseDeviation: inv, scale: gammaValue, shift: betaValue)
        let primals = x.convolvingBatchNormalizedReLU(z, mean: mean, inverseDeviation: inv, scale: scale, shift: shift,
                                                      convolutions: convolutions)
        let zDot = batchNormReLUTangent(tValue, output: z, inverseDeviation: inv, scale: gammaValue)
        let needT = t.requiresGradient, needX = x.requiresGradient
        let needZDot = needT || needX || scale.requiresGradient
        let tangents = convolutions.map { c in
            let w = c.weight.value, needW = c.weight.requiresGradient
            let y = convolutionForward(zDot, w, nil, stride: c.stride, padding: c.padding)
            return Variable.record(y, parents: [t, x, scale, c.weight]) { g in
                let z = batchNormReLUForward(xValue, mean: mean, inverseDeviation: inv, scale: gammaValue, shift: betaValue)
                let zDot = batchNormReLUTangent(tValue, output: z, inverseDeviation: inv, scale: gammaValue)
                let (dzDot, dw, _) = convolutionBackward(g, input: zDot, weight: w, stride: c.stride, padding: c.padding,
                                                         needInput: needZDot, needWeight: needW, needBias: false)
                guard let dzDot else { return [nil, nil, nil, dw] }
                let (dt, dx, dgamma) = batchNormReLUTangentBackward(dzDot, tangent: tValue, input: xValue, output: z,
                                                                    mean: mean, inverseDeviation: inv, scale: gammaValue,
                                                                    needTangent: needT, needInput: needX)
                return [dt, dx, dgamma, dw]
            }
        }
        return zip(primals, tangents).map { Dual(primal: $0, tangent: $1) }
    }

    /// Per-channel mean over every axis but 1, for both halves (linear).
    func channelMean() -> Dual {
        Dual(primal: primal.channelMean(), tangent: tangent.channelMean())
    }
}
