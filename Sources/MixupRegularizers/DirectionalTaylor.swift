import MixupCore

/// The higher-order generalisation of MixupE's exact q (Theorem 1's terms j = 1…J):
/// q_j(x_i) = (g(f(x_i)) − y_i)ᵀ ∂ʲf(x_i)[D_j(x_i)] = (g − y)ᵀ·j!·c_j, with c_j Taylor coefficients
/// from `Jet` passes, penalised as R(θ) = Σ_{j=1}^{J} E[a_λʲ]/j! · mean_i φ(q_j(x_i)), the moments
/// E[a_λʲ] of D_λ in closed form. The j-th order "direction" D_j depends on `expectation`:
/// - `.mean` (default): D_j = (E[x̄] − x_i)^{⊗j}, one jet pass along E[x̄] − x_i. This is the
///   issue's shortcut, not Theorem 1 as written: it drops the spread of x̄ for j ≥ 2.
/// - `.partners(samples: K)`: D_j = (1/K) Σ_k (x̄_k − x_i)^{⊗j} over K partner samples the trainer
///   draws from the training data (`RegularizerContext.partners`), one jet pass per sample. By
///   multilinearity this is an unbiased Monte-Carlo estimate of Theorem 1's
///   ∂ʲf(x_i)[E_x̄(x̄ − x_i)^{⊗j}]; for j = 1 it estimates the exact q's E[x̄] − x_i term.
///
/// With `.mean`, J = 1 is exactly `ExactQ`. For ReLU networks q_j = 0 for j ≥ 2 almost everywhere
/// (the net is piecewise affine, so its higher directional derivatives vanish); the extra terms
/// only act on smooth activations (tanh, GELU, softplus, sigmoid). Each jet pass costs O(J²)
/// elementwise products per activation on top of J + 1 passes through each linear layer.
public struct DirectionalTaylor: PerSampleRegularizer {
    public static let name = "taylor"
    public static let summary = "Theorem 1's directional terms q_j, j = 1…J, via Taylor mode (J = 1 is exact); options: order (default 2, 1…\(maximumOrder)), expectation (mean: along E[x̄] − x, default; partners: Theorem 1's E_x̄[(x̄ − x)^{⊗j}] by Monte Carlo), samples (partners per sample, default \(defaultPartnerSamples), 1…\(maximumPartnerSamples)), absolute, threshold, detach"
    /// The highest order the command line accepts (cost grows as J²; the moments shrink as 1/j!).
    public static let maximumOrder = 8
    /// The most partner samples K the command line accepts (cost grows linearly in K: one jet pass each).
    public static let maximumPartnerSamples = 64
    /// K when `expectation=partners` is given without `samples`.
    public static let defaultPartnerSamples = 4

    /// Which expectation over the mixing partner x̄ the j-th term contracts ∂ʲf(x_i) with.
    public enum Expectation: Equatable, Sendable {
        /// (E[x̄] − x_i)^{⊗j}: the training-set mean only (one jet pass; Theorem 1's term for j = 1).
        case mean
        /// (1/K) Σ_k (x̄_k − x_i)^{⊗j} over K partner samples from the context: Theorem 1's
        /// E_x̄[(x̄ − x_i)^{⊗j}] by Monte Carlo (K jet passes).
        case partners(samples: Int)
    }

    /// J, the highest directional derivative penalised.
    public var order: Int
    /// Whether the j-th term uses E[x̄] or partner samples x̄ (Theorem 1 as written).
    public var expectation: Expectation
    /// How each q_j becomes its part of R(θ).
    public var options: QPenaltyOptions

    /// Terms j = 1…`order` with the paper's φ = |·| (order must be in 1…`maximumOrder`; partner
    /// samples, if any, in 1…`maximumPartnerSamples`).
    public init(order: Int, expectation: Expectation = .mean, options: QPenaltyOptions = QPenaltyOptions()) {
        precondition((1...Self.maximumOrder).contains(order),
                     "DirectionalTaylor order must be in 1…\(Self.maximumOrder), got \(order)")
        if case .partners(let k) = expectation {
            precondition((1...Self.maximumPartnerSamples).contains(k),
                         "DirectionalTaylor partner samples must be in 1…\(Self.maximumPartnerSamples), got \(k)")
        }
        self.order = order
        self.expectation = expectation
        self.options = options
    }

    /// Reads `order` (default 2), `expectation` (`mean`, default, or `partners`), `samples` (K,
    /// default `defaultPartnerSamples`, only with `expectation=partners`) and the
    /// `QPenaltyOptions` keys `absolute`, `threshold`, `detach`.
    public init(options: RegularizerOptions) throws {
        try options.requireOnly(["order", "expectation", "samples", "absolute", "threshold", "detach"], for: Self.name)
        let order = try options.int("order", default: 2)
        guard (1...Self.maximumOrder).contains(order) else {
            throw RegularizerError("\(Self.name): order must be between 1 and \(Self.maximumOrder), got \(order)")
        }
        let expectation: Expectation
        switch try options.choice("expectation", among: ["mean", "partners"], default: "mean") {
        case "partners":
            let k = try options.int("samples", default: Self.defaultPartnerSamples)
            guard (1...Self.maximumPartnerSamples).contains(k) else {
                throw RegularizerError("\(Self.name): samples must be between 1 and \(Self.maximumPartnerSamples), got \(k)")
            }
            expectation = .partners(samples: k)
        default:
            if options.contains("samples") {
                throw RegularizerError("\(Self.name): samples only applies with expectation=partners "
                                       + "(expectation=mean uses E[x̄] and draws no partner samples)")
            }
            expectation = .mean
        }
        var q = QPenaltyOptions()
        q.absolute = try options.bool("absolute", default: true)
        q.threshold = try options.double("threshold")
        q.detachResidual = try options.bool("detach", default: false)
        if let t = q.threshold, t < 0 { throw RegularizerError("\(Self.name): threshold must be ≥ 0, got \(t)") }
        self.init(order: order, expectation: expectation, options: q)
    }

    /// The jet's primal pass gives f(x_i) itself, so no separate clean pass is needed.
    public var usesCleanLogits: Bool { false }

    /// K with `expectation = .partners(samples: K)` (the trainer must then pass K partner tensors), else 0.
    public var partnerSampleCount: Int {
        if case .partners(let k) = expectation { return k }
        return 0
    }

    /// [q_1, …, q_J], each `[N]` on the tape: (g(f(x_i)) − y_i)ᵀ·j!·c_j(x_i) — the per-order
    /// scores a Theorem-1 study reads (before φ and before the E[a_λʲ]/j! weights). With partners,
    /// c_j is averaged over the first K tensors of `context.partners` (a precondition requires K).
    public func perOrder<S: TensorScalar>(_ context: RegularizerContext<S>) -> [Variable<S>] {
        let out: Jet<S>
        switch expectation {
        case .mean:
            // Taped x_i and direction (as in ExactQ): with readout inputs R also trains their producer.
            out = context.jet(Jet(context.inputVariable, direction: context.directionVariable, order: order))
        case .partners(let k):
            precondition(context.partners.count >= k,
                         "taylor expectation=partners,samples=\(k) needs \(k) partner tensors in RegularizerContext.partners, "
                         + "got \(context.partners.count): the trainer must draw partnerSampleCount (\(k)) partner samples per clean sample")
            out = Jet(coefficients: Self.partnerAveragedCoefficients(at: context.inputVariable,
                                                                     partners: Array(context.partners.prefix(k)),
                                                                     order: order, through: context.jet))
        }
        let r = options.residual(context.loss.link(out.primal) - Variable(constant: context.targets))
        return (1...order).map { j in (r * out.derivative(order: j)).sum(alongAxis: 1) }
    }

    /// c̄_0…c̄_J: the Taylor coefficients of t ↦ F(x + t(x̄_k − x)) averaged over the partner tensors
    /// x̄_k (shaped like x), one jet pass of `f` per partner; c̄_0 = F(x). By multilinearity
    /// j!·c̄_j = ∂ʲF(x)[(1/K) Σ_k (x̄_k − x)^{⊗j}], the Monte-Carlo estimate of Theorem 1's
    /// ∂ʲF(x)[E_x̄(x̄ − x)^{⊗j}]. Shared by `taylor` (F = the model) and the Theorem-1 study
    /// (F = model then loss). Sums pairwise, so K equal partners give one pass's coefficients bit
    /// for bit when K is a power of two. Gradients reach x (when taped) and F's parameters.
    public static func partnerAveragedCoefficients<S: TensorScalar>(
        at x: Variable<S>, partners: [Tensor<S>], order: Int, through f: (Jet<S>) -> Jet<S>
    ) -> [Variable<S>] {
        precondition(!partners.isEmpty, "partner-averaged Taylor coefficients need at least one partner sample")
        let passes = partners.map { partner -> Jet<S> in
            precondition(partner.shape == x.shape, "partner \(partner.shape) must be shaped like the point \(x.shape)")
            return f(Jet(x, direction: Variable(constant: partner) - x, order: order))
        }
        let scale = S(1) / S(partners.count)
        return (0...order).map { j in
            if j == 0 { return passes[0][0] }   // F(x): the same in every pass
            let total = pairwiseSum(passes.map { $0[j] })
            return partners.count == 1 ? total : total * scale
        }
    }

    /// Σ of the terms by pairwise halving: error O(log K) ulps, and exact for equal terms when the count is a power of two.
    static func pairwiseSum<S: TensorScalar>(_ terms: [Variable<S>]) -> Variable<S> {
        var level = terms
        while level.count > 1 {
            var next: [Variable<S>] = []
            next.reserveCapacity((level.count + 1) / 2)
            for i in stride(from: 0, to: level.count, by: 2) {
                next.append(i + 1 < level.count ? level[i] + level[i + 1] : level[i])
            }
            level = next
        }
        return level[0]
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
    /// terms, equal to `ExactQ`'s q for J = 1 with `.mean`. (R(θ) applies φ per order, not to this sum.)
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
