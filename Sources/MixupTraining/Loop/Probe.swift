import MixupCore
import MixupNN

/// The model as a study sees it at the point where mixing happens: the inputs for input Mixup,
/// the graph readouts for readout Mixup. `model` maps `inputs` to logits, so q, q̄, α and the
/// Theorem-1 terms are computed the same way in every domain.
public struct Probe<Scalar: TensorScalar> {
    /// The part of the model after the mixing point (the whole model, or a GIN's head).
    public var model: any Layer<Scalar>
    /// Clean examples x_i at the mixing point, `[N, …]` (constants: a snapshot of the current model
    /// for readouts).
    public var inputs: Tensor<Scalar>
    /// Their one-hot (or 0/1) targets, shaped like the logits.
    public var targets: Tensor<Scalar>
    /// Their labels.
    public var labels: [Int]
    /// E[x̄] at the mixing point, shaped like one input: the training-set mean for inputs, the mean
    /// readout of the probed graphs for readouts (as the trainer's batch mean, detached).
    public var dataMean: Tensor<Scalar>

    /// A probe from its parts.
    public init(model: any Layer<Scalar>, inputs: Tensor<Scalar>, targets: Tensor<Scalar>, labels: [Int],
                dataMean: Tensor<Scalar>) {
        self.model = model
        self.inputs = inputs
        self.targets = targets
        self.labels = labels
        self.dataMean = dataMean
    }
}

extension InputMixing {
    /// The training examples `examples` as inputs, with the training-set mean.
    public func probe(examples: [Int]) throws -> Probe<Model.Scalar> {
        let sub = train.subset(examples)
        return Probe(model: model, inputs: sub.features, targets: configuration.loss.targets(sub.labels, classes: train.classCount),
                     labels: sub.labels, dataMean: train.mean)
    }
}

extension ReadoutMixing {
    /// The readouts of training graphs `examples`, computed now in evaluation mode (per-graph,
    /// running batch-norm statistics), with their mean as E[h̄].
    public func probe(examples: [Int]) throws -> Probe<Scalar> {
        let graphs = examples.map { trainIndices[$0] }
        let h = try model.evaluating { try readouts(graphs: graphs).value }
        let labels = graphs.map { source.labels[$0] }
        let mean = (h.sum(alongAxis: 0) * (1 / Scalar(max(graphs.count, 1)))).reshaped([h.shape[1]])
        return Probe(model: model.head, inputs: h, targets: configuration.loss.targets(labels, classes: source.classCount),
                     labels: labels, dataMean: mean)
    }
}
