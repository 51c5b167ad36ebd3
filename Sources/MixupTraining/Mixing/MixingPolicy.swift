import MixupCore
import MixupRegularizers

/// A batch as the loss sees it: inputs and (soft) targets.
public struct TrainingBatch<Scalar: TensorScalar> {
    /// Inputs `[B, …]`.
    public var inputs: Tensor<Scalar>
    /// Targets shaped like the logits (one-hot or mixed).
    public var targets: Tensor<Scalar>

    public init(inputs: Tensor<Scalar>, targets: Tensor<Scalar>) {
        self.inputs = inputs
        self.targets = targets
    }
}

/// How the training batch is formed from a clean batch and a partner batch. ERM returns the
/// clean batch; input Mixup interpolates. Further policies (manifold mixup, CutMix …) conform
/// to the same protocol.
public protocol MixingPolicy {
    /// Short name for logs and configs.
    var name: String { get }
    /// The distribution λ is drawn from, if the policy mixes (its D_λ moments weight MixupE's R).
    var distribution: MixingDistribution? { get }
    /// The batch to compute the loss on, and the λ used (1 for no mixing).
    func mix<S: TensorScalar, G: RandomNumberGenerator>(_ clean: TrainingBatch<S>, partner: TrainingBatch<S>,
                                                        using rng: inout G) -> (batch: TrainingBatch<S>, lambda: Double)
}

/// Empirical risk minimisation: train on the clean batch.
public struct NoMixing: MixingPolicy {
    public init() {}
    public var name: String { "erm" }
    public var distribution: MixingDistribution? { nil }
    public func mix<S: TensorScalar, G: RandomNumberGenerator>(_ clean: TrainingBatch<S>, partner: TrainingBatch<S>,
                                                               using rng: inout G) -> (batch: TrainingBatch<S>, lambda: Double) {
        (clean, 1)
    }
}

/// Input Mixup (Zhang et al. 2018): one λ ~ Beta(α, β) per batch,
/// x̃ = λx₁ + (1−λ)x₂, ỹ = λy₁ + (1−λ)y₂.
public struct InputMixup: MixingPolicy {
    /// λ's distribution.
    public var lambdaDistribution: MixingDistribution

    public init(_ distribution: MixingDistribution) { lambdaDistribution = distribution }
    public var name: String { "mixup" }
    public var distribution: MixingDistribution? { lambdaDistribution }

    public func mix<S: TensorScalar, G: RandomNumberGenerator>(_ clean: TrainingBatch<S>, partner: TrainingBatch<S>,
                                                               using rng: inout G) -> (batch: TrainingBatch<S>, lambda: Double) {
        precondition(clean.inputs.shape == partner.inputs.shape, "mixup: batch \(clean.inputs.shape) and partner \(partner.inputs.shape) differ")
        let lambda = lambdaDistribution.sample(using: &rng)
        let l = S(lambda), m = S(1 - lambda)
        return (TrainingBatch(inputs: clean.inputs * l + partner.inputs * m,
                              targets: clean.targets * l + partner.targets * m), lambda)
    }
}

/// Where a batch's Mixup partner comes from.
public enum PartnerSelection: String, Codable, CaseIterable, Sendable {
    /// A random permutation of the same batch (common practice).
    case permutation
    /// The same-position batch of a second, independently shuffled loader (the paper's Listing 1).
    case secondLoader = "second-loader"
}
