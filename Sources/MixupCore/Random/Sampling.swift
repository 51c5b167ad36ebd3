import RealModule

/// Distributions sampled with explicit, version-stable algorithms.
extension RandomNumberGenerator {
    /// Standard normal N(0, 1) by the Box–Muller transform.
    public mutating func normal() -> Double {
        let u1 = uniformPositive(), u2 = uniform()
        return (-2 * Double.log(u1)).squareRoot() * Double.cos(2 * Double.pi * u2)
    }

    /// log of a Gamma(shape, 1) draw. Working in logs keeps tiny shapes (α = 0.01, common in
    /// Mixup sweeps) from underflowing to 0, which would make Beta draws 0/0.
    public mutating func logGamma(shape a: Double) -> Double {
        precondition(a > 0 && a.isFinite, "Gamma shape must be positive and finite, got \(a)")
        if a < 1 {
            // Gamma(a) = Gamma(a + 1) · U^{1/a}  (Marsaglia & Tsang, 2000, §6)
            return logGamma(shape: a + 1) + Double.log(uniformPositive()) / a
        }
        // Marsaglia & Tsang's squeeze method for a ≥ 1.
        let d = a - 1.0 / 3.0, c = 1.0 / (9 * d).squareRoot()
        while true {
            var x = 0.0, v = 0.0
            repeat { x = normal(); v = 1 + c * x } while v <= 0
            v = v * v * v
            let u = uniformPositive()
            if u < 1 - 0.0331 * x * x * x * x { return Double.log(d * v) }
            if Double.log(u) < 0.5 * x * x + d * (1 - v + Double.log(v)) { return Double.log(d * v) }
        }
    }

    /// A Gamma(shape, 1) draw.
    public mutating func gamma(shape a: Double) -> Double { Double.exp(logGamma(shape: a)) }

    /// A Beta(α, β) draw as X/(X+Y), X ~ Gamma(α), Y ~ Gamma(β), computed in logs.
    public mutating func beta(_ alpha: Double, _ beta: Double) -> Double {
        let lx = logGamma(shape: alpha), ly = logGamma(shape: beta)
        // X/(X+Y) = 1/(1 + e^{ly − lx}) = sigmoid(lx − ly)
        let d = lx - ly
        return d >= 0 ? 1 / (1 + Double.exp(-d)) : Double.exp(d) / (1 + Double.exp(d))
    }

}

extension Tensor {
    /// Samples of N(mean, std²).
    public static func normal<G: RandomNumberGenerator>(shape: [Int], mean: Scalar = 0, standardDeviation: Scalar = 1,
                                                         using rng: inout G) -> Tensor {
        let n = shape.reduce(1, *)
        var s = [Scalar](); s.reserveCapacity(n)
        for _ in 0..<n { s.append(mean + standardDeviation * Scalar(rng.normal())) }
        return Tensor(shape: shape, scalars: s)
    }

    /// Samples of U[low, high).
    public static func uniform<G: RandomNumberGenerator>(shape: [Int], low: Scalar = 0, high: Scalar = 1,
                                                          using rng: inout G) -> Tensor {
        let n = shape.reduce(1, *)
        var s = [Scalar](); s.reserveCapacity(n)
        for _ in 0..<n { s.append(low + (high - low) * Scalar(rng.uniform())) }
        return Tensor(shape: shape, scalars: s)
    }
}
