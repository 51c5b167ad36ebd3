import MixupCore

/// LeNet-5: conv(5×5, 6) → act → maxpool 2 → conv(5×5, 16) → act → maxpool 2 → flatten →
/// fc 120 → act → fc 84 → act → fc classes. The flatten size is computed from the input shape,
/// so the same model serves 28×28×1 (Fashion-MNIST), 32×32×3 (CIFAR) and 160×101×1
/// (spectrograms). Parameter names: `conv1.weight`, …, `fc3.bias`.
public struct LeNet5<Scalar: TensorScalar>: Layer {
    /// 5×5 convolution, input channels → 6.
    public let conv1: Conv2d<Scalar>
    /// 5×5 convolution, 6 → 16.
    public let conv2: Conv2d<Scalar>
    /// Flattened features → 120.
    public let fc1: Linear<Scalar>
    /// 120 → 84.
    public let fc2: Linear<Scalar>
    /// 84 → logits.
    public let fc3: Linear<Scalar>
    /// The nonlinearity after every hidden layer (ReLU by default; smooth ones make the
    /// higher-order Taylor terms non-zero).
    public let activation: Activation
    /// Per-sample input shape `[C, H, W]` the model was built for.
    public let inputShape: [Int]
    /// Features entering `fc1` (16·H′·W′).
    public let flattenedSize: Int

    /// A LeNet-5 for inputs of `inputShape` = `[C, H, W]`. `firstPadding` = 2 gives the classic
    /// 28×28 variant whose feature maps match the 32×32 original.
    public init<G: RandomNumberGenerator>(inputShape: [Int], classCount: Int, activation: Activation = .relu,
                                          firstPadding: Int = 0, using rng: inout G) throws {
        try validateImageShape(inputShape, model: "LeNet-5")
        guard classCount > 0 else { throw ImageModelError(model: "LeNet-5", detail: "class count must be positive, got \(classCount)") }
        conv1 = Conv2d(inputChannels: inputShape[0], outputChannels: 6, kernelSize: 5, padding: firstPadding, using: &rng)
        conv2 = Conv2d(inputChannels: 6, outputChannels: 16, kernelSize: 5, using: &rng)
        let pool = MaxPool2d<Scalar>(kernelSize: 2)
        guard let a = conv1.outputShape(for: inputShape), let b = pool.outputShape(for: a),
              let c = conv2.outputShape(for: b), let d = pool.outputShape(for: c) else {
            throw ImageModelError(model: "LeNet-5", detail: "input \(inputShape[1])×\(inputShape[2]) is too small for two 5×5 convolutions and two 2×2 poolings (needs at least \(16 - 2 * firstPadding)×\(16 - 2 * firstPadding))")
        }
        flattenedSize = d.reduce(1, *)
        fc1 = Linear(inputSize: flattenedSize, outputSize: 120, using: &rng)
        fc2 = Linear(inputSize: 120, outputSize: 84, using: &rng)
        fc3 = Linear(inputSize: 84, outputSize: classCount, using: &rng)
        self.activation = activation
        self.inputShape = inputShape
    }

    public func callAsFunction<V: ModelValue>(_ x: V) -> V where V.Scalar == Scalar {
        precondition(Array(x.shape.dropFirst()) == inputShape, "LeNet-5 was built for inputs \(inputShape), got \(x.shape)")
        var h = activatedAndPooled(conv1(x))
        h = activatedAndPooled(conv2(h))
        h = h.reshaped([x.shape[0], flattenedSize])
        h = fc2(fc1(h, then: activation), then: activation)
        return fc3(h)
    }

    /// activation → 2×2 max pool. ReLU runs after the pooling instead, on a quarter of the
    /// elements: max(ReLU(a), ReLU(b)) = ReLU(max(a, b)) exactly, and the gradient and tangent reach
    /// the same element (the window's maximum when it is positive, nothing otherwise).
    private func activatedAndPooled<V: ModelValue>(_ h: V) -> V where V.Scalar == Scalar {
        if activation == .relu { return h.maxPool2d(kernel: 2, stride: 2, padding: 0).relu() }
        return h.activated(activation).maxPool2d(kernel: 2, stride: 2, padding: 0)
    }
}
