import MixupCore

/// The higher-order generalisation of MixupE's exact q (Theorem 1's terms j = 1…J):
/// q_j(x_i) = (g(f(x_i)) − y_i)ᵀ ∂ʲf(x_i)(E[x̄] − x_i)^{⊗j} = (g − y)ᵀ·j!·c_j, with c_j the Taylor
/// coefficients of t ↦ f(x_i + t(E[x̄] − x_i)) from one `Jet` pass, penalised as
/// R(θ) = Σ_{j=1}^{J} E[a_λʲ]/j! · mean_i φ(q_j(x_i)), the moments E[a_λʲ] of D_λ in closed form.
///
/// J = 1 is exactly `ExactQ`. For ReLU networks q_j = 0 for j ≥ 2 almost everywhere (the net is
/// piecewise affine, so its higher directional derivatives vanish); the extra terms only act on
/// smooth activations (tanh, GELU, softplus, sigmoid). Note the direction is (E[x̄] − x_i)^{⊗j},
/// as in the issue, not Theorem 1's E[(x̄ − x_i)^{⊗j}] (they agree for j = 1). Costs O(J²)
/// elementwise products per activation on top of J + 1 passes through each linear layer.
public struct DirectionalTaylor: PerSampleRegularizer {
    public static let name = "taylor"
    public static let summary = "Theorem 1's directional terms q_j, j = 1…J, via Taylor mode (J = 1 is exact); options: order (default 2, 1…\(maximumOrder)), absolute, threshold, detach"
    /// The highest order the command line accepts (cost grows as J²; the moments shrink as 1/j!).
    public static let maximumOrder = 8

    /// J, the highest directional derivative penalised.
    public var order: Int
    /// How each q_j becomes its part of R(θ).
    public var options: QPenaltyOptions

    /// Terms j = 1…`order` with the paper's φ = |·| (order must be in 1…`maximumOrder`).
    public init(order: Int, options: QPenaltyOptions = QPenaltyOptions()) {
        precondition((1...Self.maximumOrder).contains(order),
                     "DirectionalTaylor order must be in 1…\(Self.maximumOrder), got \(order)")
        self.order = order
        self.options = options
    }

    /// Reads `order` (default 2) and the `QPenaltyOptions` keys `absolute`, `threshold`, `detach`.
    public init(options: RegularizerOptions) throws {
        try options.requireOnly(["order", "absolute", "threshold", "detach"], for: Self.name)
        let order = try options.int("order", default: 2)
        guard (1...Self.maximumOrder).contains(order) else {
            throw RegularizerError("\(Self.name): order must be between 1 and \(Self.maximumOrder), got \(order)")
        }
        var q = QPenaltyOptions()
        q.absolute = try options.bool("absolute", default: true)
        q.threshold = try options.double("threshold")
        q.detachResidual = try options.bool("detach", default: false)
        if let t = q.threshold, t < 0 { throw RegularizerError("\(Self.name): threshold must be ≥ 0, got \(t)") }
        self.init(order: order, options: q)
    }

    /// The jet's primal pass gives f(x_i) itself, so no separate clean pass is needed.
    public var usesCleanLogits: Bool { false }

    /// [q_1, …, q_J], each `[N]` on the tape: (g(f(x_i)) − y_i)ᵀ·j!·c_j(x_i) — the per-order
    /// scores a Theorem-1 study reads (before φ and before the E[a_λʲ]/j! weights).
    public func perOrder<S: TensorScalar>(_ context: RegularizerContext<S>) -> [Variable<S>] {
        // Taped x_i and direction (as in ExactQ): with readout inputs R also trains their producer.
        let seed = Jet(context.inputVariable, direction: context.directionVariable, order: order)
        let out = context.jet(seed)
        let r = options.residual(context.loss.link(out.primal) - Variable(constant: context.targets))
        return (1...order).map { j in (r * out.derivative(order: j)).sum(alongAxis: 1) }
    }

    /// E[a_λʲ]/j! for j = 1…J: the weight of each order in R(θ).
    public func weights(for mixing: MixingDistribution) -> [Double] {
        var factorial = 1.0
        return (1...order).map { j in
            factorial *= Double(j)
            return mixing.momentOfA(order: j) / factorial
        }
    }

    /// One score per sample, Σ_j (E[a_λʲ]/j!)/E[a_λ] · q_j(x_i): q corrected by the higher-order
    /// terms, equal to `ExactQ`'s q for J = 1. (R(θ) applies φ per order, not to this sum.)
    public func perSample<S: TensorScalar>(_ context: RegularizerContext<S>) -> Variable<S> {
        let qs = perOrder(context), w = weights(for: context.mixing)
        var total = qs[0]
        for j in stride(from: 1, to: qs.count, by: 1) { total = total + qs[j] * S(w[j] / w[0]) }
        return total
    }

    /// R(θ) = Σ_{j=1}^{J} E[a_λʲ]/j! · mean_i φ(q_j(x_i)).
    public func penalty<S: TensorScalar>(_ context: RegularizerContext<S>) -> Variable<S> {
        let qs = perOrder(context), w = weights(for: context.mixing)
        var total = options.aggregate(qs[0], weight: w[0])
        for j in stride(from: 1, to: qs.count, by: 1) { total = total + options.aggregate(qs[j], weight: w[j]) }
        return total
    }
}
