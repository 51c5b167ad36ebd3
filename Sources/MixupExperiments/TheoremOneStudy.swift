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
/// L_std + (1/n)Σ_i Σ_{j≤J} E_x̄[c_{j}(i, x̄)]·E[a_λ^j], with the D_λ moments in closed form. The
/// expectation over the partner x̄ is kept explicit, as Theorem 1 writes it: its j-th term holds
/// E_x̄[(x̄ − x_i)^{⊗j}], not (E[x̄] − x_i)^{⊗j}. The study draws `pairCount` anchors x_i and, for
/// each, `partnerSamples` (K) partners x̄_k from the data, and measures on these same samples:
/// - L_mix by Monte Carlo from the definition of §2.1 (λ ~ Beta(α, α), mixed labels),
/// - the same quantity along the line (the D_λ form, E over a by quadrature: no Taylor, no λ noise),
/// - the expansion for J = 1…maxOrder, with the partner-averaged Taylor coefficients
///   c̄_j(i) = (1/K)Σ_k c_j(i, x̄_k), and its truncation error against the line value, each with
///   its Monte-Carlo standard error over anchors (anchors and partners are the only noise there).
///
/// The coefficients c_j = φ⁽ʲ⁾(0)/j! come from Taylor-mode passes (`Jet`) of model and loss along
/// x̄_k − x_i, one per partner sample and averaged by the same
/// `DirectionalTaylor.partnerAveragedCoefficients` that the `taylor` regularizer's
/// `expectation=partners` uses; in Float64 they are exact up to rounding, with no step size to tune.
/// (`taylorCoefficients(maxOrder:step:_:)`, a degree-8 interpolation of φ on 9 points, stays as
/// an independent cross-check.) Use a smooth activation:
/// with ReLU, φ is piecewise linear in a, so c_j = 0 for j ≥ 2 almost everywhere and the
/// expansion says nothing beyond J = 1.
public struct TheoremOneStudy {
    /// Beta(α, α) parameters to study.
    public var alphas: [Double] = [0.05, 0.1, 0.2, 0.5, 1]
    /// Highest expansion order J (at most 6).
    public var maxOrder = 4
    /// Number of random anchors x_i (each with `partnerSamples` partners x̄): the units over which
    /// standard errors are taken.
    public var pairCount = 500
    /// K, partners x̄ drawn from the data for every anchor x_i: Theorem 1's E_x̄ is the average over them.
    public var partnerSamples = 4
    /// λ draws per (anchor, partner) pair for the Monte-Carlo Mixup loss.
    public var lambdaDraws = 64
    /// Gauss–Legendre nodes for E over a_λ along the line (half on each side of a = ½).
    public var quadratureNodes = 64
    /// Seed of anchors, partners and λ draws.
    public var seed: UInt64 = 0

    /// A study with the defaults above.
    public init() {}

    /// One α's numbers. Standard errors are over the `pairCount` anchors, each anchor's value being
    /// its average over its K partners (and λ draws).
    public struct Row: Codable, Equatable, Sendable {
        /// Beta(α, α).
        public var alpha: Double
        /// E_{D_λ}[a_λ].
        public var meanA: Double
        /// L_std on the sampled anchors (mean of φ(0) = l(x_i, y_i)).
        public var standardLoss: Double
        /// L_mix by Monte Carlo from the definition.
        public var mixupLossMonteCarlo: Double
        /// Standard error over anchors of the Monte-Carlo L_mix (λ noise and the sampling of pairs).
        public var monteCarloStandardError: Double
        /// Standard error over anchors of (definition's Monte-Carlo value − line value): the noise
        /// within which the two forms of L_mix must agree (they are equal in expectation over
        /// anchors and partners, not anchor by anchor).
        public var definitionMinusLineStandardError: Double
        /// L_mix along the line (D_λ form, quadrature over a): what the expansion approximates.
        public var lineLoss: Double
        /// L_std + expansion terms up to J, for J = 1…maxOrder.
        public var expansions: [Double]
        /// |lineLoss − expansion_J|, for J = 1…maxOrder.
        public var truncationErrors: [Double]
        /// Standard error over anchors of (line − expansion_J), for J = 1…maxOrder: a truncation
        /// error below about twice this is not resolved by the sample (below Monte-Carlo noise).
        public var truncationStandardErrors: [Double]

        /// True when truncation error J (1-based) is below two standard errors: indistinguishable
        /// from zero with this many anchors and partners.
        public func truncationErrorIsBelowNoise(order j: Int) -> Bool {
            truncationErrors[j - 1] < 2 * truncationStandardErrors[j - 1]
        }
    }

    /// Runs the study for `model` on `inputs` `[n, d]` with one-hot (or 0/1) `targets`.
    public func run<M: Layer>(model: M, inputs: Tensor<Double>, targets: Tensor<Double>,
                              loss: ClassificationLoss) throws -> [Row] where M.Scalar == Double {
        guard (1...6).contains(maxOrder) else { throw ExperimentError("theorem1: --max-order must be in 1…6, got \(maxOrder)") }
        guard pairCount >= 2, lambdaDraws >= 1, quadratureNodes >= 4 else {
            throw ExperimentError("theorem1: need ≥ 2 pairs, ≥ 1 λ draw and ≥ 4 quadrature nodes")
        }
        guard partnerSamples >= 1 else {
            throw ExperimentError("theorem1: need ≥ 1 partner sample per anchor, got \(partnerSamples)")
        }
        guard alphas.allSatisfy({ $0 > 0 && $0.isFinite }) else { throw ExperimentError("theorem1: every α must be positive") }
        let n = inputs.shape[0]
        guard n >= 2 else { throw ExperimentError("theorem1: need at least 2 samples, got \(n)") }
        let anchorCount = pairCount, k = partnerSamples
        var rng = SeededGenerator(seed: seed)
        let anchors = (0..<anchorCount).map { _ in rng.bounded(n) }
        let partnerIndices = (0..<k).map { _ in (0..<anchorCount).map { _ in rng.bounded(n) } }
        let xi = inputs.gathering(rows: anchors), yi = targets.gathering(rows: anchors)
        let partners = partnerIndices.map { inputs.gathering(rows: $0) }
        let partnerLabels = partnerIndices.map { targets.gathering(rows: $0) }
        // All K·P (anchor, partner) pairs stacked partner-major: row k·P + p is anchor p with partner k.
        let base = Tensor.concatenating(rows: Array(repeating: xi, count: k))
        let labels = Tensor.concatenating(rows: Array(repeating: yi, count: k))
        let direction = Tensor.concatenating(rows: partners.map { $0 - xi })
        let stackedPartners = Tensor.concatenating(rows: partners)
        let stackedPartnerLabels = Tensor.concatenating(rows: partnerLabels)
        /// Per-anchor average over the K partners of a stacked `[K·P]` vector.
        func perAnchor(_ stacked: Tensor<Double>) -> Tensor<Double> {
            k == 1 ? stacked : (stacked.reshaped([k, anchorCount]).sum(alongAxis: 0) * (1 / Double(k))).reshaped([anchorCount])
        }
        func phi(_ a: Double) -> Tensor<Double> {
            Self.perSampleLoss(model(Variable(constant: base + direction * a)).value, labels, loss)
        }
        // c̄_j per anchor: partner-averaged Taylor coefficients of the loss along x̄_k − x_i.
        let coefficients = Self.partnerAveragedTaylorCoefficients(model: model, at: xi, partners: partners,
                                                                  labels: yi, loss: loss, maxOrder: maxOrder)
        let phi0 = coefficients[0]
        let standard = phi0.mean()
        let nodes = Self.gaussLegendre(quadratureNodes / 2)

        var rows: [Row] = []
        for alpha in alphas {
            let mixing = MixingDistribution(alpha: alpha)
            // E_{a~D_λ} φ(a) with a ~ Beta(α, α+1), by the smooth split rule of `quadratureRule`.
            var weighted = Tensor<Double>(zeros: [k * anchorCount]), total = 0.0
            for (a, weight) in Self.quadratureRule(alpha: alpha, nodes: nodes) where weight > 0 {
                weighted = weighted + phi(a) * weight
                total += weight
            }
            let linePerAnchor = perAnchor(weighted * (1 / total))
            let line = linePerAnchor.mean()
            var expansion = phi0, expansions: [Double] = [], errors: [Double] = [], errorSEs: [Double] = []
            for j in 1...maxOrder {
                expansion = expansion + coefficients[j] * mixing.momentOfA(order: j)
                let (gap, se) = Self.meanAndStandardError(linePerAnchor - expansion)
                expansions.append(expansion.mean())
                errors.append(Swift.abs(gap))
                errorSEs.append(se)
            }
            // Monte Carlo from the definition: λ ~ Beta(α, α), x̃ = λx_i + (1−λ)x̄, ỹ likewise.
            var perPair = Tensor<Double>(zeros: [k * anchorCount])
            for _ in 0..<lambdaDraws {
                let lambdas = (0..<(k * anchorCount)).map { _ in rng.beta(alpha, alpha) }
                // λ per row, broadcast over every other axis of inputs (any rank) and labels.
                let inputShape = [k * anchorCount] + Array(repeating: 1, count: base.rank - 1)
                let column = Tensor(shape: [k * anchorCount, 1], scalars: lambdas)
                let complement = Tensor(shape: [k * anchorCount, 1], scalars: lambdas.map { 1 - $0 })
                let mixed = base * column.reshaped(inputShape) + stackedPartners * complement.reshaped(inputShape)
                let mixedLabels = labels * column + stackedPartnerLabels * complement
                perPair = perPair + Self.perSampleLoss(model(Variable(constant: mixed)).value, mixedLabels, loss)
            }
            let mcPerAnchor = perAnchor(perPair * (1 / Double(lambdaDraws)))
            let (mc, se) = Self.meanAndStandardError(mcPerAnchor)
            let (_, differenceSE) = Self.meanAndStandardError(mcPerAnchor - linePerAnchor)
            rows.append(Row(alpha: alpha, meanA: mixing.momentOfA(order: 1), standardLoss: standard,
                            mixupLossMonteCarlo: mc, monteCarloStandardError: se,
                            definitionMinusLineStandardError: differenceSE, lineLoss: line,
                            expansions: expansions, truncationErrors: errors, truncationStandardErrors: errorSEs))
        }
        return rows
    }

    /// The mean of `values` (`[P]`, one per independent unit) and its standard error sd/√P.
    static func meanAndStandardError(_ values: Tensor<Double>) -> (mean: Double, standardError: Double) {
        let count = values.count, mean = values.mean()
        guard count > 1 else { return (mean, .nan) }
        let centred = values + (-mean)
        return (mean, ((centred * centred).sum() / Double(count - 1) / Double(count)).squareRoot())
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
        return lossJet(z, labels: labels, loss: loss).coefficients.map { $0.value }
    }

    /// c̄_0…c̄_J per row: the Taylor coefficients of φ_k(a) = l(f(x + a(x̄_k − x)), y) averaged over
    /// the partner tensors x̄_k (Theorem 1's E_x̄ by Monte Carlo; c̄_0 = l(f(x), y)). One `Jet` pass per
    /// partner through `DirectionalTaylor.partnerAveragedCoefficients`, the code `taylor` uses.
    public static func partnerAveragedTaylorCoefficients<M: Layer>(
        model: M, at x: Tensor<Double>, partners: [Tensor<Double>], labels: Tensor<Double>,
        loss: ClassificationLoss, maxOrder: Int
    ) -> [Tensor<Double>] where M.Scalar == Double {
        DirectionalTaylor.partnerAveragedCoefficients(at: Variable(constant: x), partners: partners, order: maxOrder) {
            lossJet(model($0), labels: labels, loss: loss)
        }.map { $0.value }
    }

    /// l(z, y) per row along a jet of logits z: logsumexp(z) − yᵀz, or Σ softplus(z) − y·z.
    static func lossJet(_ z: Jet<Double>, labels: Tensor<Double>, loss: ClassificationLoss) -> Jet<Double> {
        let y = Variable(constant: labels)
        switch loss {
        case .crossEntropy: return z.logSumExp(alongAxis: 1) - (z * y).sum(alongAxis: 1)
        case .logistic: return (z.softplus() - z * y).sum(alongAxis: 1)
        }
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
    /// The marker after a truncation error that is below Monte-Carlo noise (< 2 standard errors).
    public static let belowNoiseMarker = "†"

    /// One row per α; each truncation error printed as `err ± se` (standard error over anchors),
    /// marked with `belowNoiseMarker` and explained under the table when it is below 2 standard errors.
    public static func markdown(_ rows: [TheoremOneStudy.Row]) -> String {
        let orders = rows.first?.expansions.count ?? 0
        var table = MarkdownTable(header: ["α", "E[a_λ]", "L_std", "L_mix (MC, def.)", "L_mix (line, D_λ)"]
                                  + (1...max(orders, 1)).prefix(orders).map { "|err| J=\($0)" })
        var anyBelowNoise = false
        for r in rows {
            let errors = (1...max(orders, 1)).prefix(orders).map { j -> String in
                let below = r.truncationErrorIsBelowNoise(order: j)
                anyBelowNoise = anyBelowNoise || below
                return String(format: "%.3e ± %.1e", r.truncationErrors[j - 1], r.truncationStandardErrors[j - 1])
                    + (below ? " " + belowNoiseMarker : "")
            }
            table.append([String(format: "%g", r.alpha), String(format: "%.4f", r.meanA), String(format: "%.6f", r.standardLoss),
                          String(format: "%.6f ± %.1e", r.mixupLossMonteCarlo, r.monteCarloStandardError),
                          String(format: "%.6f", r.lineLoss)] + errors)
        }
        var text = table.render()
        if anyBelowNoise {
            text += "\n\n\(belowNoiseMarker) below Monte-Carlo noise: |err| is less than 2 standard errors over the sampled "
                + "anchors, so this truncation error is not resolved; more anchors or partner samples are needed to measure it."
        }
        return text
    }

    /// All numbers, one line per α.
    public static func csv(_ rows: [TheoremOneStudy.Row]) -> String {
        let orders = rows.first?.expansions.count ?? 0
        var csv = CSVTable(header: ["alpha", "mean_a", "standard_loss", "mixup_loss_mc", "mc_standard_error", "line_loss"]
                           + (0..<orders).map { "expansion_J\($0 + 1)" } + (0..<orders).map { "abs_error_J\($0 + 1)" }
                           + (0..<orders).map { "abs_error_se_J\($0 + 1)" } + ["mc_minus_line_standard_error"])
        for r in rows {
            csv.append(numbers: [r.alpha, r.meanA, r.standardLoss, r.mixupLossMonteCarlo, r.monteCarloStandardError, r.lineLoss]
                       + r.expansions + r.truncationErrors + r.truncationStandardErrors + [r.definitionMinusLineStandardError])
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
