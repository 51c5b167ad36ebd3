import MixupCore

/// MixupE's cheap score (eq. 2): q̄(x_i) = (y_i − g(f(x_i)))ᵀ f(x_i), from the clean logits.
/// It equals the exact q when E[x̄] = 0 and J_f(x)·x = f(x) (bias-free ReLU networks).
public struct ApproximateQ: PerSampleRegularizer {
    public static let name = "approx"
    public static let summary = "MixupE with q̄(x) = (y − g(f(x)))ᵀ f(x) (eq. 2); options: absolute, threshold, detach"
    /// How q̄ becomes R(θ).
    public var options: QPenaltyOptions

    /// The paper's configuration.
    public init(options: QPenaltyOptions = QPenaltyOptions()) { self.options = options }
    public init(options: RegularizerOptions) throws { self.options = try QPenaltyOptions(options, for: Self.name) }

    public func perSample<S: TensorScalar>(_ context: RegularizerContext<S>) -> Variable<S> {
        let f = context.logits()
        if context.loss == .crossEntropy && !options.detachResidual {
            // (y − softmax(f))ᵀ f = −Σ_c (softmax(f) − y)_c f_c: the fused node with the logits as tangent.
            return -f.crossEntropyDirectionalDerivative(targets: context.targets, tangent: f)
        }
        let r = options.residual(Variable(constant: context.targets) - context.loss.link(f))
        return (r * f).sum(alongAxis: 1)
    }

    public func penalty<S: TensorScalar>(_ context: RegularizerContext<S>) -> Variable<S> {
        options.aggregate(perSample(context), weight: context.mixing.momentOfA(order: 1))
    }
}
