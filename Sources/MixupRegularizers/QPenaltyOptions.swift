import MixupCore

/// How a per-sample score q̃(x_i) becomes R(θ) = E[a_λ]·mean_i φ(q̃(x_i)).
///
/// The paper (eq. 4) uses φ = |·| with the residual attached. The options cover variants seen in
/// public code: the signed score, a dead zone (only the part of φ(q̃) above `threshold` is
/// penalised: max(φ(q̃) − τ, 0)), and a residual y − g(f) cut off from the gradient.
public struct QPenaltyOptions: Sendable, Equatable {
    /// Penalise |q̃| (paper) rather than q̃.
    public var absolute: Bool = true
    /// Penalise only max(φ(q̃) − τ, 0); nil means no threshold (paper).
    public var threshold: Double? = nil
    /// Treat the residual y − g(f(x)) as a constant (default: attached, as in the paper).
    public var detachResidual: Bool = false

    /// The paper's choice.
    public init() {}

    /// Reads `absolute`, `threshold`, `detach` from options.
    public init(_ options: RegularizerOptions, for name: String) throws {
        try options.requireOnly(["absolute", "threshold", "detach"], for: name)
        absolute = try options.bool("absolute", default: true)
        threshold = try options.double("threshold")
        detachResidual = try options.bool("detach", default: false)
        if let t = threshold, t < 0 { throw RegularizerError("\(name): threshold must be ≥ 0, got \(t)") }
    }

    /// weight · mean_i φ(q_i) with φ from the options.
    public func aggregate<S: TensorScalar>(_ q: Variable<S>, weight: Double) -> Variable<S> {
        var phi = absolute ? q.abs() : q
        if let t = threshold { phi = (phi - S(t)).relu() }
        return phi.mean() * S(weight)
    }

    /// The residual as configured: attached, or detached.
    func residual<S: TensorScalar>(_ r: Variable<S>) -> Variable<S> { detachResidual ? r.detached() : r }
}
