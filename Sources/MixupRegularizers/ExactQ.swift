import MixupCore

/// MixupE's exact score (eq. 1): q(x_i) = (g(f(x_i)) − y_i)ᵀ J_f(x_i)(E[x̄] − x_i), with the
/// Jacobian-vector product from forward mode. Its tangent is built from taped ops, so R(θ)
/// trains like any loss (reverse-over-forward). Costs about one extra forward+backward.
public struct ExactQ: PerSampleRegularizer {
    public static let name = "exact"
    public static let summary = "MixupE with the exact q(x) = (g(f(x)) − y)ᵀ J_f(x)(E[x̄] − x) (eq. 1) via a JVP; options: absolute, threshold, detach"
    /// How q becomes R(θ).
    public var options: QPenaltyOptions

    /// The paper's configuration.
    public init(options: QPenaltyOptions = QPenaltyOptions()) { self.options = options }
    public init(options: RegularizerOptions) throws { self.options = try QPenaltyOptions(options, for: Self.name) }

    /// The JVP's primal pass gives f(x_i) itself, so no separate clean pass is needed.
    public var usesCleanLogits: Bool { false }

    public func perSample<S: TensorScalar>(_ context: RegularizerContext<S>) -> Variable<S> {
        // Taped x_i and direction: with readout inputs (h_i from an encoder) R trains the encoder too.
        let seed = Dual(context.inputVariable, direction: context.directionVariable)
        let out = context.jvp(seed)
        if context.loss == .crossEntropy && !options.detachResidual {
            // q_i is the JVP of sample i's cross-entropy along its tangent: one fused tape node.
            return out.primal.crossEntropyDirectionalDerivative(targets: context.targets, tangent: out.tangent)
        }
        let r = options.residual(context.loss.link(out.primal) - Variable(constant: context.targets))
        return (r * out.tangent).sum(alongAxis: 1)
    }

    public func penalty<S: TensorScalar>(_ context: RegularizerContext<S>) -> Variable<S> {
        options.aggregate(perSample(context), weight: context.mixing.momentOfA(order: 1))
    }
}
