import MixupCore
import MixupNN
import MixupRegularizers

/// The four arms of the ablation come from two switches: mix or not, regularize or not.
public enum Method: String, Codable, CaseIterable, Sendable {
    case erm
    case mixup
    case ermR = "erm+r"
    case mixupE = "mixupe"

    /// Whether the training batch is mixed (input Mixup).
    public var mixes: Bool { self == .mixup || self == .mixupE }
    /// Whether the MixupE penalty R is added.
    public var regularized: Bool { self == .ermR || self == .mixupE }
}

/// Which optimizer to build, with its hyperparameters.
public enum OptimizerConfiguration: Codable, Equatable, Sendable {
    case sgd(learningRate: Double, momentum: Double, nesterov: Bool, weightDecay: Double)
    case adam(learningRate: Double, weightDecay: Double)
    case adamW(learningRate: Double, weightDecay: Double)

    /// The base learning rate.
    public var learningRate: Double {
        switch self {
        case let .sgd(lr, _, _, _), let .adam(lr, _), let .adamW(lr, _): return lr
        }
    }

    /// A fresh optimizer.
    public func make<S: TensorScalar>() -> any Optimizer<S> {
        switch self {
        case let .sgd(lr, m, n, wd): return SGD<S>(learningRate: lr, momentum: m, nesterov: n, weightDecay: wd)
        case let .adam(lr, wd): return Adam<S>(learningRate: lr, weightDecay: wd)
        case let .adamW(lr, wd): return Adam<S>.adamW(learningRate: lr, weightDecay: wd)
        }
    }
}

/// Whether MixupE's clean forward pass shares one batched pass with the mixed batch.
public enum CleanPass: String, Codable, CaseIterable, Sendable {
    /// Batched (x̃ ‖ x₁) unless the model uses batch statistics, then separate.
    case automatic
    /// Always one pass over x̃ ‖ x₁ (the authors' effective behaviour; with BatchNorm the
    /// statistics then mix clean and mixed samples).
    case batched
    /// Always a separate pass over x₁.
    case separate
}

/// Everything that determines a training run (written to the run directory as JSON).
public struct TrainingConfiguration: Codable, Equatable, Sendable {
    /// ERM, Mixup, ERM+R or MixupE.
    public var method: Method = .mixupE
    /// Registered regularizer used by the "+R" arms.
    public var regularizer: String = ApproximateQ.name
    /// Its `key=value,…` options.
    public var regularizerOptions: String = ""
    /// Beta(α, α) for λ (also weights R through E_{D_λ}[a_λ]).
    public var alpha: Double = 1.0
    /// η, the weight of R.
    public var eta: Double = 0.01
    public var epochs: Int = 25
    public var batchSize: Int = 100
    /// Seed of initialisation, shuffling and λ draws.
    public var seed: UInt64 = 0
    public var optimizer: OptimizerConfiguration = .adam(learningRate: 1e-3, weightDecay: 0)
    public var schedule: LearningRateSchedule = .constant
    public var partner: PartnerSelection = .permutation
    public var loss: ClassificationLoss = .crossEntropy
    public var cleanPass: CleanPass = .automatic
    /// Compute threads: the C kernels, and OpenBLAS unless `blasThreads` says otherwise (results
    /// are reproducible for a fixed count).
    public var threads: Int = 1
    /// OpenBLAS threads when they should differ from `threads` (nil: the same). On LeNet-sized
    /// models OpenBLAS's idle workers spin and slow the kernels' threads; 1 is then faster.
    public var blasThreads: Int? = nil
    /// Decay d of an exponential moving average of the weights, evaluated and checkpointed beside
    /// the raw weights (nil: none). timm's usual values are 0.999–0.9999 per step.
    public var ema: Double? = nil

    /// The paper's tabular setting (§3.2): Adam 1e-3, batch 100, 25 epochs.
    public init() {}

    /// Throws a readable error for settings that cannot train.
    public func validate() throws {
        func fail(_ m: String) throws { throw TrainingError.invalidConfiguration(m) }
        if !(alpha > 0 && alpha.isFinite) { try fail("--alpha must be positive, got \(alpha)") }
        if !(eta >= 0 && eta.isFinite) { try fail("--eta must be ≥ 0, got \(eta)") }
        if epochs < 1 { try fail("--epochs must be ≥ 1, got \(epochs)") }
        if batchSize < 1 { try fail("--batch-size must be ≥ 1, got \(batchSize)") }
        if !(optimizer.learningRate > 0 && optimizer.learningRate.isFinite) {
            try fail("--lr must be positive and finite, got \(optimizer.learningRate)")
        }
        switch optimizer {
        case let .sgd(_, momentum, nesterov, weightDecay):
            if !(momentum >= 0 && momentum.isFinite) { try fail("--momentum must be ≥ 0 and finite, got \(momentum)") }
            if nesterov && !(momentum > 0) { try fail("--nesterov needs --momentum > 0, got \(momentum)") }
            if !(weightDecay >= 0 && weightDecay.isFinite) { try fail("--weight-decay must be ≥ 0 and finite, got \(weightDecay)") }
        case let .adam(_, weightDecay), let .adamW(_, weightDecay):
            if !(weightDecay >= 0 && weightDecay.isFinite) { try fail("--weight-decay must be ≥ 0 and finite, got \(weightDecay)") }
        }
        if threads < 1 { try fail("--threads must be ≥ 1") }
        if let b = blasThreads, b < 1 { try fail("--blas-threads must be ≥ 1") }
        if let d = ema, !(d > 0 && d < 1) { try fail("--ema must lie strictly between 0 and 1, got \(d)") }
    }
}
