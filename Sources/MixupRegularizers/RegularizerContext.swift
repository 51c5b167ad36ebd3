import MixupCore
import MixupNN

/// Everything a regularizer may look at for one clean batch: the model (as a plain forward
/// and a forward-mode JVP), the clean inputs x_i and labels y_i, the training-set mean E[x̄],
/// the mixing distribution (so E[a_λ^j] is known), the loss and its link g, the clean
/// logits when the trainer already computed them in a batched pass, and — for penalties that
/// need Theorem 1's expectation over x̄ rather than E[x̄] — partner samples x̄ drawn by the trainer.
public struct RegularizerContext<Scalar: TensorScalar> {
    /// The model's plain forward pass.
    public let forward: (Variable<Scalar>) -> Variable<Scalar>
    /// The model's forward pass carrying a tangent (J_f(x)·v).
    public let jvp: (Dual<Scalar>) -> Dual<Scalar>
    /// The model's forward pass carrying Taylor coefficients along a direction (Theorem 1's terms).
    public let jet: (Jet<Scalar>) -> Jet<Scalar>
    /// Clean inputs x_i, `[N, …]`.
    public let inputs: Tensor<Scalar>
    /// x_i on the tape: a constant for input-space penalties, or a taped value (e.g. a graph readout
    /// h_i from an encoder) through which R's gradient must reach the parameters that produced it.
    public private(set) var inputVariable: Variable<Scalar>
    /// Their (one-hot or soft) labels y_i, shaped like the logits.
    public let targets: Tensor<Scalar>
    /// E_{x̄~D_X}[x̄]: the training-set mean, shaped like one sample.
    public let dataMean: Tensor<Scalar>
    /// The mixing distribution Beta(α, β) (its D_λ moments weight the penalty).
    public let mixing: MixingDistribution
    /// The loss, whose link g is softmax or sigmoid.
    public let loss: ClassificationLoss
    /// f(x_i), if the trainer computed it already; nil otherwise.
    public let cleanLogits: Variable<Scalar>?
    /// K tensors shaped like `inputs`; row i of each is an x̄ drawn from the training data for x_i;
    /// empty unless the regularizer asked for partner samples (`Regularizer.partnerSampleCount`).
    /// They let a penalty estimate E_x̄[·] terms (Theorem 1's E_x̄[(x̄ − x_i)^{⊗j}]) by Monte Carlo.
    public let partners: [Tensor<Scalar>]

    /// A context for `model` on a clean batch.
    public init<M: Layer>(model: M, inputs: Tensor<Scalar>, targets: Tensor<Scalar>, dataMean: Tensor<Scalar>,
                          mixing: MixingDistribution, loss: ClassificationLoss,
                          cleanLogits: Variable<Scalar>? = nil,
                          partners: [Tensor<Scalar>] = []) where M.Scalar == Scalar {
        precondition(Array(inputs.shape.dropFirst()) == dataMean.shape,
                     "data mean \(dataMean.shape) must have the shape of one input \(Array(inputs.shape.dropFirst()))")
        for (k, partner) in partners.enumerated() {
            precondition(partner.shape == inputs.shape,
                         "partner sample \(k) has shape \(partner.shape); partners must be shaped like the inputs \(inputs.shape)")
        }
        self.forward = { model($0) }
        self.jvp = { model($0) }
        self.jet = { model($0) }
        self.inputs = inputs
        self.inputVariable = Variable(constant: inputs)
        self.targets = targets
        self.dataMean = dataMean
        self.mixing = mixing
        self.loss = loss
        self.cleanLogits = cleanLogits
        self.partners = partners
    }

    /// A context whose inputs stay on the tape: `model` is then the part after them (e.g. the head
    /// on graph readouts, MixupE at the readout), and R trains whatever computed `inputs` too.
    public init<M: Layer>(model: M, inputs: Variable<Scalar>, targets: Tensor<Scalar>, dataMean: Tensor<Scalar>,
                          mixing: MixingDistribution, loss: ClassificationLoss,
                          cleanLogits: Variable<Scalar>? = nil,
                          partners: [Tensor<Scalar>] = []) where M.Scalar == Scalar {
        self.init(model: model, inputs: inputs.value, targets: targets, dataMean: dataMean, mixing: mixing,
                  loss: loss, cleanLogits: cleanLogits, partners: partners)
        self.inputVariable = inputs
    }

    /// f(x_i): the clean logits, computed now if the trainer did not pass them.
    public func logits() -> Variable<Scalar> { cleanLogits ?? forward(inputVariable) }

    /// E[x̄] − x_i for every sample: the direction of Theorem 1's derivatives.
    public var directionToMean: Tensor<Scalar> {
        dataMean.reshaped([1] + dataMean.shape) - inputs
    }

    /// E[x̄] − x_i on the tape (E[x̄] constant, x_i = `inputVariable`): equals `directionToMean`, and
    /// carries gradient to x_i's producer when the inputs are taped.
    public var directionVariable: Variable<Scalar> {
        Variable(constant: dataMean.reshaped([1] + dataMean.shape)) - inputVariable
    }
}
