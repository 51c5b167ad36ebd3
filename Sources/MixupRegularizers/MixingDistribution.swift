import MixupCore

/// Mixup's λ ~ Beta(α, β) and the Beta mixture D_λ of the paper's §2.1,
/// D_λ = α/(α+β)·Beta(α+1, β) + β/(α+β)·Beta(β+1, α), whose moments of a_λ = 1 − λ weight the
/// directional-derivative terms of Theorem 1.
public struct MixingDistribution: Codable, Equatable, Sendable {
    /// First Beta parameter.
    public var alpha: Double
    /// Second Beta parameter (Mixup uses β = α).
    public var beta: Double

    /// Beta(α, β); both must be positive.
    public init(alpha: Double, beta: Double) {
        precondition(alpha > 0 && beta > 0 && alpha.isFinite && beta.isFinite,
                     "Beta parameters must be positive and finite, got (\(alpha), \(beta))")
        self.alpha = alpha
        self.beta = beta
    }

    /// Symmetric Beta(α, α), as in Mixup.
    public init(alpha: Double) { self.init(alpha: alpha, beta: alpha) }

    /// Draws λ ~ Beta(α, β).
    public func sample<G: RandomNumberGenerator>(using rng: inout G) -> Double { rng.beta(alpha, beta) }

    /// E_{λ~D_λ}[a_λ^j], a_λ = 1 − λ, in closed form. For λ ~ Beta(p, q),
    /// E[(1−λ)^j] = Π_{m<j} (q+m)/(p+q+m); D_λ mixes two such Betas.
    /// For Beta(α, α) and j = 1 this is α/(2α+1).
    public func momentOfA(order j: Int) -> Double {
        precondition(j >= 0, "moment order must be ≥ 0")
        let (a, b) = (alpha, beta)
        func moment(p: Double, q: Double) -> Double {
            (0..<j).reduce(1.0) { $0 * (q + Double($1)) / (p + q + Double($1)) }
        }
        return a / (a + b) * moment(p: a + 1, q: b) + b / (a + b) * moment(p: b + 1, q: a)
    }

    /// Draws a_λ = 1 − λ with λ ~ D_λ (for Monte-Carlo checks of the closed forms).
    public func sampleA<G: RandomNumberGenerator>(using rng: inout G) -> Double {
        let first = rng.uniform() < alpha / (alpha + beta)
        let lambda = first ? rng.beta(alpha + 1, beta) : rng.beta(beta + 1, alpha)
        return 1 - lambda
    }
}
