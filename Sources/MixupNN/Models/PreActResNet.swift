import MixupCore

/// The pre-activation ResNet depths: 18 and 34 use basic blocks, 50 bottleneck blocks.
public enum PreActResNetDepth: Int, CaseIterable, Codable, Sendable {
    /// Basic blocks [2, 2, 2, 2].
    case resnet18 = 18
    /// Basic blocks [3, 4, 6, 3].
    case resnet34 = 34
    /// Bottleneck blocks [3, 4, 6, 3].
    case resnet50 = 50

    /// Blocks per stage.
    var blockCounts: [Int] {
        switch self {
        case .resnet18: return [2, 2, 2, 2]
        case .resnet34, .resnet50: return [3, 4, 6, 3]
        }
    }

    /// Whether the stages use bottleneck blocks (expansion 4).
    var usesBottleneck: Bool { self == .resnet50 }
}

/// A pre-activation residual block (He et al. 2016): BN → ReLU → conv, twice (basic) or three
/// times with 1×1/3×3/1×1 convolutions (bottleneck, `conv3`/`bn3` present). The shortcut is a
/// 1×1 convolution of the pre-activated input when the shape changes, else the identity.
public struct PreActBlock<Scalar: TensorScalar>: Layer {
    /// Pre-activation of the block input (its output also feeds a projection shortcut).
    public let bn1: BatchNorm2d<Scalar>
    /// First convolution (3×3, strided, or 1×1 in a bottleneck).
    public let conv1: Conv2d<Scalar>
    /// Pre-activation of `conv1`'s output.
    public let bn2: BatchNorm2d<Scalar>
    /// Second convolution (3×3; strided in a bottleneck).
    public let conv2: Conv2d<Scalar>
    /// Bottleneck blocks only.
    public let bn3: BatchNorm2d<Scalar>?
    /// Bottleneck blocks only.
    public let conv3: Conv2d<Scalar>?
    /// Empty for the identity shortcut, else one 1×1 convolution (named `shortcut.0`, as in PyTorch).
    public let shortcut: [Conv2d<Scalar>]

    /// A block from `inputChannels` to `planes` (basic) or 4·`planes` (bottleneck) channels.
    public init<G: RandomNumberGenerator>(inputChannels: Int, planes: Int, stride: Int, bottleneck: Bool,
                                          mode: ModelMode, using rng: inout G) {
        let out = bottleneck ? 4 * planes : planes
        bn1 = BatchNorm2d(channels: inputChannels, mode: mode)
        if bottleneck {
            conv1 = Conv2d(inputChannels: inputChannels, outputChannels: planes, kernelSize: 1, bias: false, using: &rng)
            bn2 = BatchNorm2d(channels: planes, mode: mode)
            conv2 = Conv2d(inputChannels: planes, outputChannels: planes, kernelSize: 3, stride: stride, padding: 1,
                           bias: false, using: &rng)
            bn3 = BatchNorm2d(channels: planes, mode: mode)
            conv3 = Conv2d(inputChannels: planes, outputChannels: out, kernelSize: 1, bias: false, using: &rng)
        } else {
            conv1 = Conv2d(inputChannels: inputChannels, outputChannels: planes, kernelSize: 3, stride: stride, padding: 1,
                           bias: false, using: &rng)
            bn2 = BatchNorm2d(channels: planes, mode: mode)
            conv2 = Conv2d(inputChannels: planes, outputChannels: planes, kernelSize: 3, padding: 1, bias: false, using: &rng)
            bn3 = nil
            conv3 = nil
        }
        shortcut = (stride != 1 || inputChannels != out)
            ? [Conv2d(inputChannels: inputChannels, outputChannels: out, kernelSize: 1, stride: stride, bias: false, using: &rng)]
            : []
    }

    /// Output channels.
    public var outputChannels: Int { (conv3 ?? conv2).outputChannels }

    /// Batch norm in training mode couples the samples.
    public var usesBatchStatistics: Bool { bn1.usesBatchStatistics }

    public func callAsFunction<V: ModelValue>(_ x: V) -> V where V.Scalar == Scalar {
        // BN → ReLU → conv runs as one op per convolution that recomputes the activation in the
        // backward pass (training mode), so the block keeps only its convolutions' outputs.
        let first = bn1(x, reluInto: [conv1] + shortcut)
        let skip = first.count > 1 ? first[1] : x
        var h = bn2(first[0], reluInto: [conv2])[0]
        if let bn3, let conv3 { h = bn3(h, reluInto: [conv3])[0] }
        return h + skip
    }
}

/// PreActResNet-18/34/50 for images `[C, H, W]`: 3×3 stem → four stages (strides 1, 2, 2, 2;
/// widths w, 2w, 4w, 8w for base width w) → BN → ReLU → global average pool → linear.
/// Names follow the common PyTorch CIFAR code: `conv1.weight`, `layer1.0.bn1.weight`,
/// `layer2.0.shortcut.0.weight`, `bn.weight`, `linear.weight`.
public struct PreActResNet<Scalar: TensorScalar>: Layer {
    /// The 3×3 stem convolution.
    public let conv1: Conv2d<Scalar>
    /// Stage 1 (stride 1, width w).
    public let layer1: [PreActBlock<Scalar>]
    /// Stage 2 (stride 2, width 2w).
    public let layer2: [PreActBlock<Scalar>]
    /// Stage 3 (stride 2, width 4w).
    public let layer3: [PreActBlock<Scalar>]
    /// Stage 4 (stride 2, width 8w).
    public let layer4: [PreActBlock<Scalar>]
    /// The final pre-activation's batch norm.
    public let bn: BatchNorm2d<Scalar>
    /// Pooled features → logits.
    public let linear: Linear<Scalar>
    /// The train/eval switch of every batch norm.
    public let mode: ModelMode
    /// Per-sample input shape `[C, H, W]`.
    public let inputShape: [Int]

    /// A PreActResNet with `baseWidth` channels in the first stage (64 in the paper).
    public init<G: RandomNumberGenerator>(depth: PreActResNetDepth, inputShape: [Int], classCount: Int,
                                          baseWidth: Int = 64, mode: ModelMode = ModelMode(), using rng: inout G) throws {
        let name = "PreActResNet-\(depth.rawValue)"
        try validateImageShape(inputShape, model: name)
        guard baseWidth > 0 else { throw ImageModelError(model: name, detail: "base width must be positive, got \(baseWidth)") }
        guard classCount > 0 else { throw ImageModelError(model: name, detail: "class count must be positive, got \(classCount)") }
        conv1 = Conv2d(inputChannels: inputShape[0], outputChannels: baseWidth, kernelSize: 3, padding: 1, bias: false, using: &rng)
        var channels = baseWidth
        var stages: [[PreActBlock<Scalar>]] = []
        for (k, count) in depth.blockCounts.enumerated() {
            var blocks: [PreActBlock<Scalar>] = []
            for b in 0..<count {
                let block = PreActBlock<Scalar>(inputChannels: channels, planes: baseWidth << k,
                                                stride: (b == 0 && k > 0) ? 2 : 1, bottleneck: depth.usesBottleneck,
                                                mode: mode, using: &rng)
                channels = block.outputChannels
                blocks.append(block)
            }
            stages.append(blocks)
        }
        layer1 = stages[0]; layer2 = stages[1]; layer3 = stages[2]; layer4 = stages[3]
        bn = BatchNorm2d(channels: channels, mode: mode)
        linear = Linear(inputSize: channels, outputSize: classCount, using: &rng)
        self.mode = mode
        self.inputShape = inputShape
    }

    /// Batch statistics couple the samples in training mode.
    public var usesBatchStatistics: Bool { mode.isTraining }

    public func callAsFunction<V: ModelValue>(_ x: V) -> V where V.Scalar == Scalar {
        precondition(Array(x.shape.dropFirst()) == inputShape, "PreActResNet was built for inputs \(inputShape), got \(x.shape)")
        var h = conv1(x)
        for stage in [layer1, layer2, layer3, layer4] { for block in stage { h = block(h) } }
        return linear(bn(h, then: .relu).globalAvgPool2d())
    }
}
