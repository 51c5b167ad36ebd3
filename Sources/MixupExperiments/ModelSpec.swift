import MixupCore
import MixupNN

/// Which classifier to build, by name, for any input shape: the MLP for tabular data, the conv
/// nets of the paper's image (§3.1) and speech (§3.3) experiments, GIN for graphs (§3.4).
public struct ModelSpec: Sendable {
    /// The architectures the command line knows.
    public enum Kind: String, CaseIterable, Sendable {
        case mlp, lenet, vgg11, vgg13, preactresnet18, preactresnet34, preactresnet50, gin

        /// Whether the architecture reads images (`[C, H, W]` samples: pictures or spectrograms).
        public var readsImages: Bool { self != .mlp && self != .gin }
    }
    public var kind: Kind = .mlp
    /// MLP hidden widths.
    public var hiddenWidths: [Int] = [128, 128]
    /// Activation of MLP and LeNet.
    public var activation: Activation = .relu
    /// MLP biases (bias-free + centered data make approx and exact q coincide for ReLU).
    public var bias = true
    /// VGG channel multiplier: 1, the original widths the paper uses (§3.1, §3.3); 0.25 is a CPU-sized variant.
    public var widthMultiplier: Double = 1
    /// PreActResNet first-stage width: 64 as in the paper (§3.1, ≈ 11 M parameters for ResNet-18);
    /// 16 is a CPU-sized variant (0.7 M).
    public var baseWidth: Int = 64
    /// GIN depth, width, readout, ε and batch norm.
    public var gin = GINConfiguration()

    /// A spec of `kind` with the defaults above.
    public init(kind: Kind = .mlp) { self.kind = kind }

    /// A freshly initialised model for samples of `inputShape` and `outputs` logits, in precision `S`.
    /// For GIN, `inputShape` is `[node features]`.
    public func make<S: TensorScalar>(inputShape: [Int], outputs: Int, seed: UInt64, as scalar: S.Type = Float.self) throws
        -> any Layer<S> {
        var rng = SeededGenerator(seed: seed)
        switch kind {
        case .mlp:
            return MLP<S>(widths: [inputShape.reduce(1, *)] + hiddenWidths + [outputs], activation: activation,
                          bias: bias, using: &rng)
        case .lenet:
            let padding = inputShape.count == 3 && inputShape[1] == 28 && inputShape[2] == 28 ? 2 : 0
            return try LeNet5<S>(inputShape: inputShape, classCount: outputs, activation: activation,
                                 firstPadding: padding, using: &rng)
        case .vgg11, .vgg13:
            return try VGG<S>(depth: kind == .vgg11 ? .vgg11 : .vgg13, inputShape: inputShape, classCount: outputs,
                              widthMultiplier: widthMultiplier, using: &rng)
        case .preactresnet18, .preactresnet34, .preactresnet50:
            let depth: PreActResNetDepth = kind == .preactresnet18 ? .resnet18 : kind == .preactresnet34 ? .resnet34 : .resnet50
            return try PreActResNet<S>(depth: depth, inputShape: inputShape, classCount: outputs,
                                       baseWidth: baseWidth, using: &rng)
        case .gin:
            return makeGIN(nodeFeatures: inputShape.reduce(1, *), outputs: outputs, seed: seed, as: S.self)
        }
    }

    /// A GIN for `nodeFeatures` node features (the graph domain's model).
    public func makeGIN<S: TensorScalar>(nodeFeatures: Int, outputs: Int, seed: UInt64, as scalar: S.Type = Float.self) -> GIN<S> {
        var rng = SeededGenerator(seed: seed)
        return GIN<S>(inputWidth: nodeFeatures, outputCount: outputs, configuration: gin, using: &rng)
    }

    /// A one-line description for logs.
    public var summary: String {
        switch kind {
        case .mlp: return "MLP hidden \(hiddenWidths.map(String.init).joined(separator: "×")) \(activation.rawValue)\(bias ? "" : " bias-free")"
        case .lenet: return "LeNet-5 \(activation.rawValue)"
        case .vgg11, .vgg13: return "\(kind.rawValue) ×\(widthMultiplier) widths"
        case .gin: return "GIN \(gin.layerCount)×\(gin.hiddenWidth), readout \(gin.readout.rawValue)\(gin.batchNorm ? "" : ", no batch norm")"
        default: return "\(kind.rawValue) base width \(baseWidth)"
        }
    }
}
