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
    /// R(θ) for the clean batch — including its E[a_λ^j] weights — as a scalar on the tape.
    func penalty<S: TensorScalar>(_ context: RegularizerContext<S>) -> Variable<S>
}

extension Regularizer {
    public var usesCleanLogits: Bool { true }
}

/// A regularizer built on a per-sample score q̃(x_i) (MixupE's q, q̄, and their relatives).
public protocol PerSampleRegularizer: Regularizer {
    /// q̃(x_i) for each clean sample, `[N]`, on the tape (before |·|, threshold or weighting).
    func perSample<S: TensorScalar>(_ context: RegularizerContext<S>) -> Variable<S>
}
