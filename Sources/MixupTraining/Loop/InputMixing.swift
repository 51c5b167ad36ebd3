import MixupCore
import MixupNN
import MixupRegularizers

/// The objective of input Mixup (tabular data, images, speech): x̃ = λx_i + (1−λ)x_j is the
/// model's input, and MixupE's q is taken at the clean x_i with E[x̄] the training-set mean.
public struct InputMixing<Model: Layer>: TrainingObjective {
    /// The model being trained.
    public let model: Model
    /// The penalty of the "+R" arms, nil for ERM and Mixup.
    public let regularizer: (any Regularizer)?
    /// Applied to every clean and partner batch's inputs before mixing (e.g. random crop and
    /// flip for images), with the step's seeded generator so runs stay reproducible.
    public var augmentation: ((inout Tensor<Model.Scalar>, inout SeededGenerator) -> Void)?
    /// The training set.
    public let train: ClassificationData<Model.Scalar>
    /// Optional held-out sets, evaluated after every epoch.
    public let validation: ClassificationData<Model.Scalar>?
    public let test: ClassificationData<Model.Scalar>?

    /// The configuration it was built with (method, α, loss, clean pass, regularizer).
    public let configuration: TrainingConfiguration
    private let policy: any MixingPolicy
    private let mixing: MixingDistribution
    private let dataMean: Tensor<Model.Scalar>
    private let targetsByIndex: Tensor<Model.Scalar>

    /// The objective for `model` on `train`; the regularizer defaults to the one the configuration names.
    public init(model: Model, configuration: TrainingConfiguration, train: ClassificationData<Model.Scalar>,
                validation: ClassificationData<Model.Scalar>? = nil, test: ClassificationData<Model.Scalar>? = nil,
                regularizer: (any Regularizer)? = nil) throws {
        guard train.count > 0 else { throw TrainingError.invalidConfiguration("the training set is empty") }
        for (name, split) in [("validation", validation), ("test", test)] {
            if let split, split.count > 0, split.sampleShape != train.sampleShape {
                throw TrainingError.invalidConfiguration(
                    "\(name) samples have shape \(split.sampleShape), training samples \(train.sampleShape)")
            }
        }
        self.model = model
        self.configuration = configuration
        self.train = train
        self.validation = validation
        self.test = test
        self.regularizer = try configuration.makeRegularizer(given: regularizer)
        mixing = MixingDistribution(alpha: configuration.alpha)
        policy = configuration.method.mixes ? InputMixup(mixing) : NoMixing()
        dataMean = train.mean
        targetsByIndex = configuration.loss.targets(train.labels, classes: train.classCount)
    }

    public var trainingCount: Int { train.count }
    public var allowsPartnersOutsideBatch: Bool { true }

    /// Whether the clean pass is batched with the mixed pass for this model and configuration.
    public var batchesCleanPass: Bool {
        switch configuration.cleanPass {
        case .automatic: return !model.usesBatchStatistics
        case .batched: return true
        case .separate: return false
        }
    }

    public func cost(batch indices: [Int], partner: [Int], rng: inout SeededGenerator) throws -> BatchCost<Model.Scalar> {
        var clean = batch(indices), partnerBatch = batch(partner)
        if let augmentation {
            augmentation(&clean.inputs, &rng)
            augmentation(&partnerBatch.inputs, &rng)
        }
        let (mixed, lambda) = policy.mix(clean, partner: partnerBatch, using: &rng)
        let needClean = regularizer?.usesCleanLogits ?? false
        let logits: Variable<Model.Scalar>
        var cleanLogits: Variable<Model.Scalar>? = nil
        if needClean && !configuration.method.mixes {
            logits = model(Variable(constant: clean.inputs))   // ERM+R: the training batch is the clean batch
            cleanLogits = logits
        } else if needClean && batchesCleanPass {
            let both = model(Variable(constant: Tensor.concatenating(rows: [mixed.inputs, clean.inputs])))
            logits = both.slicing(rows: 0..<indices.count)
            cleanLogits = both.slicing(rows: indices.count..<(2 * indices.count))
        } else {
            logits = model(Variable(constant: mixed.inputs))
            // A separate clean pass must not move batch-norm running statistics.
            if needClean { cleanLogits = model.withoutUpdatingRunningStatistics { model(Variable(constant: clean.inputs)) } }
        }
        let loss = configuration.loss(logits, mixed.targets)
        guard let regularizer else { return BatchCost(loss: loss, penalty: nil, lambda: lambda) }
        // Theorem 1's E_x̄ by Monte Carlo: independent training samples x̄ for every clean x_i.
        let partners = (0..<regularizer.partnerSampleCount).map { _ in
            train.features.gathering(rows: indices.map { _ in rng.bounded(train.count) })
        }
        let context = RegularizerContext(model: model, inputs: clean.inputs, targets: clean.targets,
                                         dataMean: dataMean, mixing: mixing, loss: configuration.loss,
                                         cleanLogits: cleanLogits, partners: partners)
        return BatchCost(loss: loss, penalty: regularizer.penalty(context), lambda: lambda)
    }

    public func evaluate(_ split: DataSplit) throws -> Evaluation? {
        let data: ClassificationData<Model.Scalar>?
        switch split {
        case .train: data = train
        case .validation: data = validation
        case .test: data = test
        }
        guard let data, data.count > 0 else { return nil }
        return model.evaluating {
            Evaluation.scoring(count: data.count, chunkSize: 500, loss: configuration.loss, classes: data.classCount) { range in
                let sub = data.subset(Array(range))
                return (model(Variable(constant: sub.features)), sub.labels)
            }
        }
    }

    private func batch(_ indices: [Int]) -> TrainingBatch<Model.Scalar> {
        TrainingBatch(inputs: train.features.gathering(rows: indices), targets: targetsByIndex.gathering(rows: indices))
    }
}

/// The loop of input Mixup: tabular, image and speech runs.
public typealias Trainer<Model: Layer> = TrainingLoop<InputMixing<Model>>

extension TrainingLoop {
    /// A loop training `model` on `train` with input mixing (see `InputMixing`).
    public convenience init<M: Layer>(model: M, configuration: TrainingConfiguration, train: ClassificationData<M.Scalar>,
                                      validation: ClassificationData<M.Scalar>? = nil,
                                      test: ClassificationData<M.Scalar>? = nil,
                                      regularizer: (any Regularizer)? = nil) throws where Objective == InputMixing<M> {
        try configuration.validate()
        try self.init(objective: InputMixing(model: model, configuration: configuration, train: train,
                                             validation: validation, test: test, regularizer: regularizer),
                      configuration: configuration)
    }
}

extension TrainingConfiguration {
    /// The regularizer of the "+R" arms (`given`, or the one this configuration names), nil otherwise.
    func makeRegularizer(given: (any Regularizer)?) throws -> (any Regularizer)? {
        guard method.regularized else { return nil }
        return try given ?? RegularizerRegistry.make(regularizer, options: RegularizerOptions(parsing: regularizerOptions))
    }
}
