import MixupLab

/// R(θ) = mean over the clean batch and the classes of the squared logits f(x_i)_k².
///
/// A logit-norm penalty: it pulls logits towards zero, discouraging over-confident predictions
/// (the effect label smoothing and logit normalisation aim at). It is small on purpose — it shows
/// the `Regularizer` protocol end to end: a name for `--regularizer`, a one-line summary for
/// `mixuplab regularizers`, option checking, and R(θ) as a scalar on the tape.
public struct LogitPenalty: Regularizer {
    /// `--regularizer logit-l2`.
    public static let name = "logit-l2"
    /// Shown by `mixuplab regularizers`.
    public static let summary = "mean squared clean logit (example in Examples/CustomRegularizer)"

    /// Takes no options; any `--regularizer-options` key is an error naming the known ones.
    public init(options: RegularizerOptions) throws {
        try options.requireOnly([], for: Self.name)
    }

    /// mean_{i,k} f(x_i)_k² on the clean batch (the trainer applies η and κ).
    public func penalty<S: TensorScalar>(_ context: RegularizerContext<S>) -> Variable<S> {
        context.logits().square().mean()
    }
}
