import Foundation
import MixupCore
import MixupNN
import MixupRegularizers
import MixupTraining

/// Theorem 1 on a trained model: the Mixup loss against L_std plus the order-J expansion.
///
/// The proof rewrites L_mix = (1/n)Σ_i E_{λ~D_λ} E_{x̄~D_X} φ_{i,x̄}(a_λ) with
/// φ_{i,x̄}(a) = l(x_i + a(x̄ − x_i), y_i) and a_λ = 1 − λ. Keeping the Taylor polynomial of φ up
/// to a^J (the paper's expansion with ψ dropped and every power above J discarded) gives
/// L_std + mean Σ_{j≤J} c_j·E[a_λ^j], with the D_λ moments in closed form. The study measures,
/// on the same random pairs (i, x̄):
/// - L_mix by Monte Carlo from the definition of §2.1 (λ ~ Beta(α, α), mixed labels),
/// - the same quantity along the line (the D_λ form, E over a by quadrature: no Taylor, no noise),
/// - the expansion for J = 1…maxOrder and its truncation error against the line value.
///
/// The coefficients c_j = φ⁽ʲ⁾(0)/j! come from one Taylor-mode pass (`Jet`) of model and loss
/// along x̄ − x_i, in Float64: exact up to rounding, no step size to tune.
/// (`taylorCoefficients(maxOrder:step:_:)`, a degree-8 interpolation of φ on 9 points, stays as
/// an independent cross-check.) Use a smooth activation:
/// with ReLU, φ is piecewise linear in a, so c_j = 0 for j ≥ 2 almost everywhere and the
/// expansion says nothing beyond J = 1.
public struct TheoremOneStudy {
    /// Beta(α, α) parameters to study.
    public var alphas: [Double] = [0.05, 0.1, 0.2, 0.5, 1]
    /// Highest expansion order J (at most 6).
    public var maxOrder = 4
    /// Number of random pairs (x_i, x̄).
    public var pairCount = 500
    /// λ draws per pair for the Monte-Carlo Mixup loss.
    public var lambdaDraws = 64
    /// Gauss–Legendre nodes for E over a_λ along the line (half on each side of a = ½).
    public var quadratureNodes = 64
    /// Seed of pairs and λ draws.
    public var seed: UInt64 = 0

    /// A study with the defaults above.
    public init() {}

    /// One α's numbers.
    public struct Row: Codable, Equatable, Sendable {
        /// Beta(α, α).
        public var alpha: Double
        /// E_{D_λ}[a_λ].
        public var meanA: Double
        /// L_std on the sampled points (mean of φ(0) over both ends of every pair).
        public var standardLoss: Double
        /// L_mix by Monte Carlo from the definition, and its standard error over pairs.
        public var mixupLossMonteCarlo: Double
        public var monteCarloStandardError: Double
        /// L_mix along the line (D_λ form, quadrature over a): what the expansion approximates.
        public var lineLoss: Double
        /// L_std + expansion terms up to J, for J = 1…maxOrder.
        public var expansions: [Double]
        /// |lineLoss − expansion_J|, for J = 1…maxOrder.
        public var truncationErrors: [Double]
    }

    /// Runs the study for `model` on `inputs` `[n, d]` with one-hot (or 0/1) `targets`.
    public func run<M: Layer>(model: M, inputs: Tensor<Double>, targets: Tensor<Double>,
                              loss: ClassificationLoss) throws -> [Row] where M.Scalar == Double {
        guard (1...6).contains(maxOrder) else { throw ExperimentError("theorem1: --max-order must be in 1…6, got \(maxOrder)") }
        guard pairCount >= 2, lambdaDraws >= 1, quadratureNodes >= 4 else {
            throw ExperimentError("theorem1: need ≥ 2 pairs, ≥ 1 λ draw and ≥ 4 quadrature nodes")
        }
        guard alphas.allSatisfy({ $0 > 0 && $0.isFinite }) else { throw ExperimentError("theorem1: every α must be positive") }
        let n = inputs.shape[0]
        guard n >= 2 else { throw ExperimentError("theorem1: need at least 2 samples, got \(n)") }
        var rng = SeededGenerator(seed: seed)
        let first = (0..<pairCount).map { _ in rng.bounded(n) }
        let second = (0..<pairCount).map { _ in rng.bounded(n) }
        let xi = inputs.gathering(rows: first), xj = inputs.gathering(rows: second)
        let yi = targets.gathering(rows: first), yj = targets.gathering(rows: second)
        // Both directions of every pair: φ_{i←j}(a) = l(x_i + a(x_j − x_i), y_i) and φ_{j←i}.
        let base = Tensor.concatenating(rows: [xi, xj]), labels = Tensor.concatenating(rows: [yi, yj])
        let direction = Tensor.concatenating(rows: [xj - xi, xi - xj])
        func phi(_ a: Double) -> Tensor<Double> {
            Self.perSampleLoss(model(Variable(constant: base + direction * a)).value, labels, loss)
        }
        let coefficients = Self.taylorCoefficients(model: model, at: base, along: direction, labels: labels,
                                                   loss: loss, maxOrder: maxOrder)
        let phi0 = coefficients[0]
        let standard = phi0.mean()
        let nodes = Self.gaussLegendre(quadratureNodes / 2)

        var rows: [Row] = []
        for alpha in alphas {
            let mixing = MixingDistribution(alpha: alpha)
            var expansion = phi0, expansions: [Double] = []
            for j in 1...maxOrder {
                expansion = expansion + coefficients[j] * mixing.momentOfA(order: j)
                expansions.append(expansion.mean())
            }
            // E_{a~D_λ} φ(a) with a ~ Beta(α, α+1), by the smooth split rule of `quadratureRule`.
            var weighted = Tensor<Double>(zeros: phi0.shape), total = 0.0
            for (a, weight) in Self.quadratureRule(alpha: alpha, nodes: nodes) where weight > 0 {
                weighted = weighted + phi(a) * weight
                total += weight
            }
            let line = (weighted * (1 / total)).mean()
            // Monte Carlo from the definition: λ ~ Beta(α, α), x̃ = λx_i + (1−λ)x_j, ỹ likewise.
            var perPair = Tensor<Double>(zeros: [pairCount])
            for _ in 0..<lambdaDraws {
                let lambdas = (0..<pairCount).map { _ in rng.beta(alpha, alpha) }
                let column = Tensor(shape: [pairCount, 1], scalars: lambdas)
                let complement = Tensor(shape: [pairCount, 1], scalars: lambdas.map { 1 - $0 })
                let mixed = xi * column + xj * complement, mixedLabels = yi * column + yj * complement
                perPair = perPair + Self.perSampleLoss(model(Variable(constant: mixed)).value, mixedLabels, loss)
            }
            perPair = perPair * (1 / Double(lambdaDraws))
            let mc = perPair.mean()
            let centred = perPair + (-mc)
            let se = ((centred * centred).sum() / Double(pairCount - 1) / Double(pairCount)).squareRoot()
            rows.append(Row(alpha: alpha, meanA: mixing.momentOfA(order: 1), standardLoss: standard,
                            mixupLossMonteCarlo: mc, monteCarloStandardError: se, lineLoss: line,
                            expansions: expansions, truncationErrors: expansions.map { Swift.abs(line - $0) }))
        }
        return rows
    }

    /// l(x, y) per row from logits: logsumexp(z) − yᵀz, or Σ softplus(z) − y·z.
    public static func perSampleLoss(_ logits: Tensor<Double>, _ targets: Tensor<Double>, _ loss: ClassificationLoss) -> Tensor<Double> {
        let z = Variable(constant: logits), y = Variable(constant: targets)
        switch loss {
        case .crossEntropy: return (z.logSumExp(alongAxis: 1) - (y * z).sum(alongAxis: 1)).value
        case .logistic: return (z.softplus() - y * z).sum(alongAxis: 1).value
        }
    }

    /// c_0…c_J of φ(a) = l(f(x + a·v), y) per row, from one Taylor-mode (`Jet`) pass through the
    /// model and the loss.
    public static func taylorCoefficients<M: Layer>(model: M, at x: Tensor<Double>, along v: Tensor<Double>,
                                                    labels: Tensor<Double>, loss: ClassificationLoss,
                                                    maxOrder: Int) -> [Tensor<Double>] where M.Scalar == Double {
        let z = model(Jet(Variable(constant: x), direction: Variable(constant: v), order: maxOrder))
        let y = Variable(constant: labels)
        let perSample: Jet<Double>
        switch loss {
        case .crossEntropy: perSample = z.logSumExp(alongAxis: 1) - (z * y).sum(alongAxis: 1)
        case .logistic: perSample = (z.softplus() - z * y).sum(alongAxis: 1)
        }
        return perSample.coefficients.map { $0.value }
    }

    /// c_0…c_J of φ at 0 from φ(kh), k = −4…4: the degree-8 interpolating polynomial's coefficients
    /// (error ≈ (h/r)⁵ for a radius of convergence r, plus ≈ 1e-16/h⁴ rounding). A cross-check of
    /// the Taylor-mode coefficients that shares no code with `Jet`.
    public static func taylorCoefficients(maxOrder: Int, step h: Double, _ phi: (Double) -> Tensor<Double>) -> [Tensor<Double>] {
        let offsets = Array(-4...4)
        let weights = interpolationWeights(offsets)
        let values = offsets.map { phi(Double($0) * h) }
        return (0...maxOrder).map { m in
            var c = values[0] * weights[m][0]
            for k in 1..<offsets.count { c = c + values[k] * weights[m][k] }
            return c * (1 / Foundation.pow(h, Double(m)))
        }
    }

    /// W = V⁻¹ for V[k][m] = s_k^m (Gauss–Jordan with partial pivoting): c_m = Σ_k W[m][k]·φ(s_k).
    static func interpolationWeights(_ offsets: [Int]) -> [[Double]] {
        let p = offsets.count
        var a = offsets.map { s in (0..<p).map { Foundation.pow(Double(s), Double($0)) } }
        var inv = (0..<p).map { r in (0..<p).map { $0 == r ? 1.0 : 0.0 } }
        for col in 0..<p {
            let pivot = (col..<p).max { Swift.abs(a[$0][col]) < Swift.abs(a[$1][col]) }!
            a.swapAt(col, pivot); inv.swapAt(col, pivot)
            let d = a[col][col]
            for c in 0..<p { a[col][c] /= d; inv[col][c] /= d }
            for r in 0..<p where r != col {
                let f = a[r][col]
                guard f != 0 else { continue }
                for c in 0..<p { a[r][c] -= f * a[col][c]; inv[r][c] -= f * inv[col][c] }
            }
        }
        return inv   // rows of V⁻¹ map values to coefficients
    }

    /// E_{a_λ}[f(a)] for λ ~ D_λ = Beta(α+1, α) (so a ~ Beta(α, α+1)) by `quadratureRule`,
    /// normalised by the same rule applied to f ≡ 1.
    public static func expectationOverA(alpha: Double, nodes count: Int = 64, _ f: (Double) -> Double) -> Double {
        var num = 0.0, den = 0.0
        for (a, weight) in quadratureRule(alpha: alpha, nodes: gaussLegendre(count)) {
            num += weight * f(a); den += weight
        }
        return num / den
    }

    /// Nodes and (unnormalised) weights for ∫ f(a) a^{α−1}(1−a)^α da. The density's endpoint
    /// singularities are removed by splitting at ½: on [0, ½] a = u^{1/α} (weight (1−a)^α/α),
    /// on [½, 1] b = 1 − a = v⁶ (weight 6v⁵·b^α(1−b)^{α−1}, whose b^α is now v^{6α}·smooth); both integrands are smooth enough
    /// so Gauss–Legendre converges fast even for α = 0.05.
    static func quadratureRule(alpha: Double, nodes: [(u: Double, w: Double)]) -> [(a: Double, weight: Double)] {
        var rule: [(Double, Double)] = []
        let uMax = Foundation.pow(0.5, alpha), vMax = Foundation.pow(0.5, 1.0 / 6)
        for (t, w) in nodes {
            let a = Foundation.pow(t * uMax, 1 / alpha)
            rule.append((a, w * uMax * Foundation.pow(1 - a, alpha) / alpha))
            let v = t * vMax, b = Foundation.pow(v, 6)
            rule.append((1 - b, w * vMax * 6 * Foundation.pow(v, 5) * Foundation.pow(b, alpha) * Foundation.pow(1 - b, alpha - 1)))
        }
        return rule
    }

    /// Gauss–Legendre nodes and weights on [0, 1].
    static func gaussLegendre(_ m: Int) -> [(u: Double, w: Double)] {
        var out: [(Double, Double)] = []
        for i in 1...((m + 1) / 2) {
            var z = Foundation.cos(Double.pi * (Double(i) - 0.25) / (Double(m) + 0.5)), pp = 0.0
            for _ in 0..<100 {
                var p1 = 1.0, p2 = 0.0
                for j in 1...m {
                    let p3 = p2; p2 = p1
                    p1 = ((2 * Double(j) - 1) * z * p2 - (Double(j) - 1) * p3) / Double(j)
                }
                pp = Double(m) * (z * p1 - p2) / (z * z - 1)
                let previous = z
                z = previous - p1 / pp
                if Swift.abs(z - previous) < 1e-15 { break }
            }
            let w = 2 / ((1 - z * z) * pp * pp)
            out.append(((1 - z) / 2, w / 2))
            if 2 * i - 1 != m { out.append(((1 + z) / 2, w / 2)) }
        }
        return out.sorted { $0.0 < $1.0 }
    }
}

/// Tables and the truncation-error plot of a Theorem-1 study.
public enum TheoremOneReport {
    /// One row per α.
    public static func markdown(_ rows: [TheoremOneStudy.Row]) -> String {
        let orders = rows.first?.expansions.count ?? 0
        var table = MarkdownTable(header: ["α", "E[a_λ]", "L_std", "L_mix (MC, def.)", "L_mix (line, D_λ)"]
                                  + (1...max(orders, 1)).prefix(orders).map { "|err| J=\($0)" })
        for r in rows {
            table.append([String(format: "%g", r.alpha), String(format: "%.4f", r.meanA), String(format: "%.6f", r.standardLoss),
                          String(format: "%.6f ± %.1e", r.mixupLossMonteCarlo, r.monteCarloStandardError),
                          String(format: "%.6f", r.lineLoss)] + r.truncationErrors.map { String(format: "%.3e", $0) })
        }
        return table.render()
    }

    /// All numbers, one line per α.
    public static func csv(_ rows: [TheoremOneStudy.Row]) -> String {
        let orders = rows.first?.expansions.count ?? 0
        var csv = CSVTable(header: ["alpha", "mean_a", "standard_loss", "mixup_loss_mc", "mc_standard_error", "line_loss"]
                           + (0..<orders).map { "expansion_J\($0 + 1)" } + (0..<orders).map { "abs_error_J\($0 + 1)" })
        for r in rows {
            csv.append(numbers: [r.alpha, r.meanA, r.standardLoss, r.mixupLossMonteCarlo, r.monteCarloStandardError, r.lineLoss]
                       + r.expansions + r.truncationErrors)
        }
        return csv.render()
    }

    /// |truncation error| against J, one line per α, log scale.
    public static func plot(_ rows: [TheoremOneStudy.Row], title: String) -> SVGPlot {
        var plot = SVGPlot(title: title, xLabel: "expansion order J", yLabel: "|L_mix(line) − expansion_J| (nats)")
        plot.logarithmicY = true
        plot.series = rows.map { r in
            .init(name: "α = \(r.alpha)", points: r.truncationErrors.enumerated().map { (Double($0.offset + 1), $0.element) },
                  style: .lineAndMarkers)
        }
        return plot
    }
}
