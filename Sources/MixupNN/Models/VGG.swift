import MixupCore

/// The VGG configurations the paper uses.
public enum VGGDepth: Int, CaseIterable, Codable, Sendable {
    /// 8 convolutions.
    case vgg11 = 11
    /// 10 convolutions.
    case vgg13 = 13

    /// Output channels per convolution, 0 marking a 2×2 max pool (torchvision's "M").
    var configuration: [Int] {
        switch self {
        case .vgg11: return [64, 0, 128, 0, 256, 256, 0, 512, 512, 0, 512, 512, 0]
        case .vgg13: return [64, 64, 0, 128, 128, 0, 256, 256, 0, 512, 512, 0, 512, 512, 0]
        }
    }
}

/// One entry of VGG's `features` sequence. Its mirror exposes the wrapped layer's parameters
/// directly, so names come out PyTorch-style (`features.0.weight`, `features.1.bias`, …) with
/// ReLU and pooling entries taking their indices as in torchvision's `vgg11_bn`.
public enum VGGStage<Scalar: TensorScalar>: CustomReflectable {
    /// A 3×3 convolution (padding 1).
    case convolution(Conv2d<Scalar>)
    /// Batch norm after a convolution.
    case batchNorm(BatchNorm2d<Scalar>)
    /// ReLU.
    case relu
    /// 2×2 max pool, stride 2.
    case maxPool

    /// Exposes the wrapped layer's stored properties as this entry's children (parameter paths).
    public var customMirror: Mirror {
        switch self {
        case .convolution(let c): return Mirror(self, children: Mirror(reflecting: c).children, displayStyle: .struct)
        case .batchNorm(let b): return Mirror(self, children: Mirror(reflecting: b).children, displayStyle: .struct)
        case .relu, .maxPool: return Mirror(self, children: [], displayStyle: .struct)
        }
    }
}

/// VGG-11/13 with batch norm (conv → BN → ReLU, 2×2 max pools) and a single linear classifier
/// on the flattened features, as in the CIFAR versions the Mixup papers train. The width
/// multiplier scales every channel count so the nets fit a small CPU.
public struct VGG<Scalar: TensorScalar>: Layer {
    /// Convolutions, batch norms, ReLUs and pools, in order.
    public let features: [VGGStage<Scalar>]
    /// Flattened features → logits.
    public let classifier: Linear<Scalar>
    /// The train/eval switch of every batch norm.
    public let mode: ModelMode
    /// Per-sample input shape `[C, H, W]`.
    public let inputShape: [Int]
    /// Features entering the classifier.
    public let flattenedSize: Int

    /// A VGG for inputs `[C, H, W]` (each pool halves H and W, so 32×32 is the smallest input
    /// that survives all five pools).
    public init<G: RandomNumberGenerator>(depth: VGGDepth, inputShape: [Int], classCount: Int,
                                          widthMultiplier: Double = 1, mode: ModelMode = ModelMode(),
                                          using rng: inout G) throws {
        let name = "VGG-\(depth.rawValue)"
        try validateImageShape(inputShape, model: name)
        guard widthMultiplier > 0, widthMultiplier.isFinite else {
            throw ImageModelError(model: name, detail: "width multiplier must be positive, got \(widthMultiplier)")
        }
        guard classCount > 0 else { throw ImageModelError(model: name, detail: "class count must be positive, got \(classCount)") }
        var stages: [VGGStage<Scalar>] = []
        var shape = inputShape
        for entry in depth.configuration {
            if entry == 0 {
                guard shape[1] >= 2 && shape[2] >= 2 else {
                    throw ImageModelError(model: name, detail: "input \(inputShape[1])×\(inputShape[2]) is too small: feature map \(shape[1])×\(shape[2]) cannot be max-pooled 2×2 (use at least 32×32)")
                }
                shape = [shape[0], shape[1] / 2, shape[2] / 2]
                stages.append(.maxPool)
            } else {
                let width = scaledWidth(entry, widthMultiplier)
                stages.append(.convolution(Conv2d(inputChannels: shape[0], outputChannels: width, kernelSize: 3,
                                                  padding: 1, using: &rng)))
                stages.append(.batchNorm(BatchNorm2d(channels: width, mode: mode)))
                stages.append(.relu)
                shape[0] = width
            }
        }
        features = stages
        flattenedSize = shape.reduce(1, *)
        classifier = Linear(inputSize: flattenedSize, outputSize: classCount, using: &rng)
        self.mode = mode
        self.inputShape = inputShape
    }

    /// Batch statistics couple the samples in training mode.
    public var usesBatchStatistics: Bool { mode.isTraining }

    public func callAsFunction<V: ModelValue>(_ x: V) -> V where V.Scalar == Scalar {
        precondition(Array(x.shape.dropFirst()) == inputShape, "VGG was built for inputs \(inputShape), got \(x.shape)")
        var h = x
        for stage in features {
            switch stage {
            case .convolution(let c): h = c(h)
            case .batchNorm(let b): h = b(h)
            case .relu: h = h.activated(.relu)
            case .maxPool: h = h.maxPool2d(kernel: 2, stride: 2, padding: 0)
            }
        }
        return classifier(h.reshaped([x.shape[0], flattenedSize]))
    }
}
