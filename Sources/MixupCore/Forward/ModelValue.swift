/// What flows through a model: a taped tensor (`Variable`), a tensor with its JVP (`Dual`) or a
/// Taylor jet (`Jet`). Layers are written once against this protocol, so the same model runs
/// plainly, with a JVP, or with higher-order coefficients. There are no default rules: a conformer
/// that lacks one fails to compile rather than crashing when a model first reaches that layer. The
/// one exception is a fused pair (`batchNormalizedReLU`), whose default is the composition itself.
public protocol ModelValue {
    associatedtype Scalar: TensorScalar
    /// The plain value (the primal / zeroth coefficient).
    var primal: Variable<Scalar> { get }
    /// Shape of the value.
    var shape: [Int] { get }
    /// x·Wᵀ + b for a weight `[out, in]` (PyTorch layout) and an optional bias `[out]`.
    func linear(weight: Variable<Scalar>, bias: Variable<Scalar>?) -> Self
    /// ReLU(x·Wᵀ + b): a hidden layer and its activation, which conformers may fuse into one node
    /// (an MLP's step is bound by per-op cost); the default is the composition.
    func linearReLU(weight: Variable<Scalar>, bias: Variable<Scalar>?) -> Self
    /// The elementwise nonlinearities an `Activation` names (see `activated(_:)`).
    func relu() -> Self
    func gelu() -> Self
    func tanh() -> Self
    func softplus() -> Self
    func sigmoid() -> Self
    /// The same elements with another shape.
    func reshaped(_ shape: [Int]) -> Self
    /// Elementwise sum (residual connections).
    static func + (lhs: Self, rhs: Self) -> Self

    /// 2-D convolution of an NCHW value with weight `[out, in, kh, kw]` and optional bias `[out]`.
    func conv2d(weight: Variable<Scalar>, bias: Variable<Scalar>?, stride: Int, padding: Int) -> Self
    /// Max pooling over `kernel`×`kernel` windows of an NCHW value.
    func maxPool2d(kernel: Int, stride: Int, padding: Int) -> Self
    /// Average pooling over `kernel`×`kernel` windows of an NCHW value (zero padding counted).
    func avgPool2d(kernel: Int, stride: Int, padding: Int) -> Self
    /// Mean over the spatial axes: `[N, C, H, W]` → `[N, C]`.
    func globalAvgPool2d() -> Self
    /// Batch normalization over channel axis 1 with scale γ and shift β (`[C]` each).
    func batchNormalized(scale: Variable<Scalar>, shift: Variable<Scalar>,
                         statistics: NormalizationStatistics<Scalar>, epsilon: Scalar) -> Self
    /// `batchNormalized(…)` then ReLU. Conformers may fuse the two (PreAct blocks run BN → ReLU); the
    /// default is the composition.
    func batchNormalizedReLU(scale: Variable<Scalar>, shift: Variable<Scalar>,
                             statistics: NormalizationStatistics<Scalar>, epsilon: Scalar) -> Self
    /// ReLU(`batchNormalized(…)`) fed to each of `convolutions` (a PreAct block's conv and its
    /// projection shortcut read the same activation). Conformers may fuse them so the activation is
    /// recomputed in the backward pass instead of kept; the default is the composition.
    func batchNormalizedReLUConvolutions(scale: Variable<Scalar>, shift: Variable<Scalar>,
                                         statistics: NormalizationStatistics<Scalar>, epsilon: Scalar,
                                         convolutions: [ConvolutionSpec<Scalar>]) -> [Self]
    /// Elementwise product with a constant mask (dropout).
    func dropout(mask: Tensor<Scalar>) -> Self
}

extension ModelValue {
    /// The composition `linear(weight:bias:).relu()`, for conformers without a fused rule (jets).
    public func linearReLU(weight: Variable<Scalar>, bias: Variable<Scalar>?) -> Self {
        linear(weight: weight, bias: bias).relu()
    }

    /// The composition `batchNormalized(…).relu()`, for conformers without a fused rule (jets).
    public func batchNormalizedReLU(scale: Variable<Scalar>, shift: Variable<Scalar>,
                                    statistics: NormalizationStatistics<Scalar>, epsilon: Scalar) -> Self {
        batchNormalized(scale: scale, shift: shift, statistics: statistics, epsilon: epsilon).relu()
    }

    /// The composition: one `batchNormalizedReLU`, then each convolution of it.
    public func batchNormalizedReLUConvolutions(scale: Variable<Scalar>, shift: Variable<Scalar>,
                                                statistics: NormalizationStatistics<Scalar>, epsilon: Scalar,
                                                convolutions: [ConvolutionSpec<Scalar>]) -> [Self] {
        let z = batchNormalizedReLU(scale: scale, shift: shift, statistics: statistics, epsilon: epsilon)
        return convolutions.map { z.conv2d(weight: $0.weight, bias: $0.bias, stride: $0.stride, padding: $0.padding) }
    }
}

/// One convolution's parameters, for ops that apply several to the same input
/// (`ModelValue.batchNormalizedReLUConvolutions`).
public struct ConvolutionSpec<Scalar: TensorScalar> {
    /// `[out, in, kh, kw]`.
    public var weight: Variable<Scalar>
    /// `[out]`, or nil.
    public var bias: Variable<Scalar>?
    /// Step between windows.
    public var stride: Int
    /// Zero rows/columns on each side.
    public var padding: Int

    /// Bundles a convolution's weight, bias, stride and padding.
    public init(weight: Variable<Scalar>, bias: Variable<Scalar>?, stride: Int, padding: Int) {
        self.weight = weight
        self.bias = bias
        self.stride = stride
        self.padding = padding
    }
}

extension Variable: ModelValue {
    /// A variable is its own primal.
    public var primal: Variable { self }

    public func linear(weight: Variable, bias: Variable?) -> Variable {
        Variable.linear(self, weight: weight, bias: bias)
    }

    /// One fused node (`Variable.linearReLU`).
    public func linearReLU(weight: Variable, bias: Variable?) -> Variable {
        Variable.linearReLU(self, weight: weight, bias: bias)
    }
}

extension Dual: ModelValue {
    public func linear(weight: Variable<Scalar>, bias: Variable<Scalar>?) -> Dual {
        // The bias does not move along the direction: it only enters the primal's fused node.
        Dual(primal: .linear(primal, weight: weight, bias: bias),
             tangent: .matmul(tangent, weight, transposeB: true))
    }

    /// Two fused nodes: the primal ReLU(x·Wᵀ + b) (`Variable.linearReLU`) and the tangent
    /// (t·Wᵀ) ⊙ 1[x·Wᵀ + b > 0], gated inside its GEMM node (`Variable.linear(_:weight:bias:gatedBy:)`).
    public func linearReLU(weight: Variable<Scalar>, bias: Variable<Scalar>?) -> Dual {
        let y = Variable.linearReLU(primal, weight: weight, bias: bias)
        return Dual(primal: y, tangent: .linear(tangent, weight: weight, bias: nil, gatedBy: y.value))
    }
}
