import MixupCore
import MixupNN
import MixupRegularizers

/// The data splits a training loop evaluates after every epoch.
public enum DataSplit: String, CaseIterable, Sendable {
    case train, validation, test
}

/// What one batch costs before η and κ: the mixing loss L and, for the "+R" arms, the penalty R,
/// both on the tape, and the λ that formed the batch.
public struct BatchCost<Scalar: TensorScalar> {
    /// L: the loss on the (mixed) training batch.
    public var loss: Variable<Scalar>
    /// R(θ) including its E[a_λʲ] weights; nil without a regularizer.
    public var penalty: Variable<Scalar>?
    /// λ used for this batch (1 without mixing).
    public var lambda: Double

    /// A cost from its parts.
    public init(loss: Variable<Scalar>, penalty: Variable<Scalar>?, lambda: Double) {
        self.loss = loss
        self.penalty = penalty
        self.lambda = lambda
    }
}

/// Accuracy and mean clean loss of a model on one split.
public struct Evaluation: Equatable, Sendable {
    /// Fraction of correctly classified examples.
    public var accuracy: Double
    /// Mean loss against the clean (one-hot) labels.
    public var loss: Double

    /// An evaluation from its parts.
    public init(accuracy: Double, loss: Double) {
        self.accuracy = accuracy
        self.loss = loss
    }
}

extension Evaluation {
    /// Accuracy and mean clean loss over `count` examples scored in chunks of `chunkSize`:
    /// `score(range)` gives the logits and labels of examples `range`. Both objectives evaluate
    /// through this, so loss weighting and counting are written once.
    static func scoring<S: TensorScalar>(count: Int, chunkSize: Int, loss: ClassificationLoss, classes: Int,
                                         _ score: (Range<Int>) throws -> (logits: Variable<S>, labels: [Int])) rethrows
        -> Evaluation {
        var correct = 0, lossSum = 0.0
        for start in stride(from: 0, to: count, by: chunkSize) {
            let range = start..<min(start + chunkSize, count)
            let (logits, labels) = try score(range)
            let targets: Tensor<S> = loss.targets(labels, classes: classes)
            lossSum += Double(loss(logits, targets).scalar) * Double(range.count)
            for (p, y) in zip(loss.predictions(logits.value), labels) where p == y { correct += 1 }
        }
        return Evaluation(accuracy: Double(correct) / Double(count), loss: lossSum / Double(count))
    }
}

/// What one batch costs and how a model is evaluated — the part of training that differs between
/// input mixing (`InputMixing`: tabular, images, speech) and readout mixing (`ReadoutMixing`: graphs).
/// Everything else — batches, seeds, schedule, η and κ, divergence checks, run directories,
/// checkpoints, resume, observers — is `TrainingLoop`'s, written once.
///
/// Training examples are numbered `0..<trainingCount`; the loop draws batches of these numbers.
public protocol TrainingObjective {
    /// The trained model.
    associatedtype Model: Layer
    /// The model being trained (its parameters are updated in place).
    var model: Model { get }
    /// The penalty of the "+R" arms, nil for ERM and Mixup.
    var regularizer: (any Regularizer)? { get }
    /// Number of training examples.
    var trainingCount: Int { get }
    /// Whether partners may come from outside the clean batch (`--partner second-loader`).
    var allowsPartnersOutsideBatch: Bool { get }
    /// L, R and λ for the clean examples `batch` paired with the examples `partner`
    /// (same length; partner k mixes with clean k).
    func cost(batch: [Int], partner: [Int], rng: inout SeededGenerator) throws -> BatchCost<Model.Scalar>
    /// Accuracy and clean loss on `split` in evaluation mode; nil when the split is absent or empty.
    func evaluate(_ split: DataSplit) throws -> Evaluation?
    /// The training examples `examples` at the mixing point, for studies of q, α and Theorem 1.
    func probe(examples: [Int]) throws -> Probe<Model.Scalar>
}
