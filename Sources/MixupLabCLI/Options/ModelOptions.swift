import ArgumentParser
import MixupExperiments
import MixupCore
import MixupNN

/// Which model to train and its shape: the same group on every command that trains.
public struct ModelOptions: ParsableArguments {
    @Option(help: "Model: mlp, lenet, vgg11, vgg13, preactresnet18/34/50, gin (default: mlp for tabular §3.2, lenet for images §3.1 and speech §3.3, gin for graphs §3.4).")
    public var model: ModelSpec.Kind?
    @Option(help: "MLP hidden widths, comma-separated (default 128,128, §3.2).")
    public var hidden: Widths?
    @Option(help: "Activation of MLP and LeNet: relu, gelu, tanh, softplus, sigmoid (default relu).")
    public var activation: Activation?
    /// `--bias/--no-bias`: whether the MLP has biases (`--no-bias`: bias-free, where q and q̄ coincide for ReLU).
    @Flag(inversion: .prefixedNo, help: "MLP biases; --no-bias makes the MLP bias-free (with centered data, approximate and exact q then coincide for ReLU).")
    public var bias = true
    @Option(help: "VGG width multiplier (default 1, the paper's widths; 0.25 is a CPU-sized variant).")
    public var widthMultiplier: Double?
    @Option(help: "PreActResNet base width (default 64 as in §3.1, ≈ 11 M parameters for ResNet-18; 16 is a CPU-sized variant, 0.7 M).")
    public var baseWidth: Int?
    @Option(help: "GIN message-passing layers (default 5, §3.4).")
    public var ginLayers: Int?
    @Option(help: "GIN hidden width (default 32).")
    public var ginHidden: Int?
    @Option(help: "GIN readout: concat (sums of all layers) or last (default concat).")
    public var readout: GINReadout?
    /// `--[no-]learn-epsilon`: GIN-ε instead of GIN-0.
    @Flag(inversion: .prefixedNo, help: "GIN: learn ε (GIN-ε) instead of GIN-0.")
    public var learnEpsilon = false
    /// `--batch-norm/--no-batch-norm`: whether GIN layers have batch normalization.
    @Flag(inversion: .prefixedNo, help: "GIN: batch normalization in every layer; --no-batch-norm leaves it out.")
    public var batchNorm = true

    public init() {}

    /// The model for `domain`, with `defaultActivation` unless --activation is given; throws for
    /// options the chosen model cannot use.
    func spec(for domain: DatasetKind.Domain, defaultActivation: Activation = .relu) throws -> ModelSpec {
        let kind = model ?? (domain == .tabular ? .mlp : domain == .graphs ? .gin : .lenet)
        func refuse(_ option: String, _ models: String) throws {
            throw ValidationError("\(option) applies to \(models), not --model \(kind.rawValue)")
        }
        if hidden != nil && kind != .mlp { try refuse("--hidden", "--model mlp") }
        if !bias && kind != .mlp { try refuse("--no-bias", "--model mlp") }
        if activation != nil && kind != .mlp && kind != .lenet { try refuse("--activation", "mlp and lenet") }
        if widthMultiplier != nil && kind != .vgg11 && kind != .vgg13 { try refuse("--width-multiplier", "vgg11 and vgg13") }
        if baseWidth != nil && ![.preactresnet18, .preactresnet34, .preactresnet50].contains(kind) {
            try refuse("--base-width", "the preactresnet models")
        }
        if (ginLayers != nil || ginHidden != nil || readout != nil || learnEpsilon || !batchNorm) && kind != .gin {
            try refuse("--gin-layers/--gin-hidden/--readout/--learn-epsilon/--no-batch-norm", "--model gin")
        }
        if domain == .graphs && kind != .gin {
            throw ValidationError("graphs are trained with --model gin (mixing on the readout), not --model \(kind.rawValue)")
        }
        if domain != .graphs && kind == .gin { throw ValidationError("--model gin reads graphs; use --dataset tu") }
        if domain == .tabular && kind.readsImages {
            throw ValidationError("--model \(kind.rawValue) reads images [C, H, W]; tabular rows need --model mlp")
        }
        var spec = ModelSpec(kind: kind)
        if let hidden { spec.hiddenWidths = hidden.values }
        spec.activation = activation ?? defaultActivation
        spec.bias = bias
        if let widthMultiplier {
            guard widthMultiplier > 0, widthMultiplier.isFinite else { throw ValidationError("--width-multiplier must be positive") }
            spec.widthMultiplier = widthMultiplier
        }
        if let baseWidth {
            guard baseWidth >= 1 else { throw ValidationError("--base-width must be ≥ 1") }
            spec.baseWidth = baseWidth
        }
        if let ginLayers {
            guard ginLayers >= 1 else { throw ValidationError("--gin-layers must be ≥ 1") }
            spec.gin.layerCount = ginLayers
        }
        if let ginHidden {
            guard ginHidden >= 1 else { throw ValidationError("--gin-hidden must be ≥ 1") }
            spec.gin.hiddenWidth = ginHidden
        }
        if let readout { spec.gin.readout = readout }
        spec.gin.learnsEpsilon = learnEpsilon
        spec.gin.batchNorm = batchNorm
        return spec
    }
}
