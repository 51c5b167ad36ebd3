import MixupCore

/// A penalty R(θ) added to the training loss: total = κ(L + η·R), κ = |L|/|L + ηR| detached.
///
/// Conformers are small value types built from command-line options. Register a type once with
/// `RegularizerRegistry.register(MyPenalty.self)` and it can be named like a built-in.
public protocol Regularizer {
    /// The key the registry and the command line know it by (e.g. "approx").
    static var name: String { get }
    /// One line for `mixuplab regularizers`.
    static var summary: String { get }
    /// Builds the regularizer from `key=value` options; throws on unknown keys or bad values.
    init(options: RegularizerOptions) throws
    /// True when the penalty reads `context.cleanLogits` (so the trainer should compute them,
    /// batched with the mixed pass when the model allows).
    var usesCleanLogits: Bool { get }
    /// How many independent partner samples x̄ per clean sample the penalty needs; the trainer
    /// draws them from the training data and passes them as `RegularizerContext.partners`.
    /// 0 (the default) means none: the penalty only uses E[x̄].
    var partnerSampleCount: Int { get }
    /// R(θ) for the clean batch — including its E[a_λ^j] weights — as a scalar on the tape.
    func penalty<S: TensorScalar>(_ context: RegularizerContext<S>) -> Variable<S>
}

extension Regularizer {
    /// By default a penalty may read the clean logits, so the trainer computes them.
    public var usesCleanLogits: Bool { true }
    /// By default a penalty needs no partner samples (it uses E[x̄] only).
    public var partnerSampleCount: Int { 0 }
}

/// A regularizer built on a per-sample score q̃(x_i) (MixupE's q, q̄, and their relatives).
public protocol PerSampleRegularizer: Regularizer {
    /// q̃(x_i) for each clean sample, `[N]`, on the tape (before |·|, threshold or weighting).
    func perSample<S: TensorScalar>(_ context: RegularizerContext<S>) -> Variable<S>
}
