import MixupCore

/// How a GIN turns node embeddings into one vector per graph.
public enum GINReadout: String, Codable, CaseIterable, Sendable {
    /// Sum over nodes of every layer's embeddings, input features included, concatenated
    /// (Xu et al. 2018, eq. 4.2: their per-layer linear scores equal one linear map of this).
    case concatenatedSums = "concat"
    /// Sum over nodes of the last layer's embeddings only.
    case lastLayerSum = "last"
}

/// Shape of a GIN: depth, width, ε, batch norm, readout and head.
public struct GINConfiguration: Codable, Equatable, Sendable {
    /// Message-passing layers K (Xu et al. count the input layer too and use 5 in total; here
    /// K = 5 aggregation layers follow the input features).
    public var layerCount: Int = 5
    /// Width of every hidden node embedding (Xu et al.: 16 or 32 on small sets, 64 on larger).
    public var hiddenWidth: Int = 32
    /// Learn ε per layer (GIN-ε) instead of fixing ε = 0 (GIN-0, their best variant).
    public var learnsEpsilon: Bool = false
    /// Batch norm after each hidden linear map, over all nodes of the batch (as in Xu et al.).
    public var batchNorm: Bool = true
    /// Readout over nodes.
    public var readout: GINReadout = .concatenatedSums
    /// Hidden widths of the head MLP on the readout ([] is Xu et al.'s linear scoring).
    public var headHiddenWidths: [Int] = [32]

    /// The defaults above.
    public init() {}
}

/// One GIN layer: h ← ReLU(BN(MLP((1+ε)·h + Σ_{u∈N(v)} h_u))) with MLP = Linear→BN→ReLU→Linear.
public struct GINLayer<Scalar: TensorScalar> {
    /// First linear map of the MLP.
    public let first: Linear<Scalar>
    /// Second linear map of the MLP.
    public let second: Linear<Scalar>
    /// Batch norm after `first` (nil without batch norm).
    public let firstNorm: BatchNorm2d<Scalar>?
    /// Batch norm after `second` (nil without batch norm).
    public let secondNorm: BatchNorm2d<Scalar>?
    /// ε as a `[1]` parameter (GIN-ε), or nil for GIN-0.
    public let epsilon: Variable<Scalar>?

    /// A layer from `inputWidth` to `outputWidth` node features.
    public init<G: RandomNumberGenerator>(inputWidth: Int, outputWidth: Int, learnsEpsilon: Bool,
                                          batchNorm: Bool, mode: ModelMode, using rng: inout G) {
        first = Linear(inputSize: inputWidth, outputSize: outputWidth, using: &rng)
        second = Linear(inputSize: outputWidth, outputSize: outputWidth, using: &rng)
        firstNorm = batchNorm ? BatchNorm2d(channels: outputWidth, mode: mode) : nil
        secondNorm = batchNorm ? BatchNorm2d(channels: outputWidth, mode: mode) : nil
        epsilon = learnsEpsilon ? Variable(parameter: Tensor(zeros: [1])) : nil
    }

    /// Applies the layer to node embeddings `[nodes, width]` over `adjacency`.
    public func callAsFunction<V: GraphModelValue>(_ h: V, adjacency: SparseMatrix) -> V where V.Scalar == Scalar {
        let neighbours = h.leftMultiplied(by: adjacency)
        let own = epsilon.map { h.scaled(by: $0 + 1) } ?? h
        var z = first(own + neighbours)
        if let firstNorm { z = firstNorm(z) }
        z = second(z.activated(.relu))
        if let secondNorm { z = secondNorm(z) }
        return z.activated(.relu)
    }
}

/// The graph encoder of a GIN: K layers and a sum readout, giving one vector h_G per graph.
public struct GINEncoder<Scalar: TensorScalar> {
    /// The message-passing layers, input to output.
    public let layers: [GINLayer<Scalar>]
    /// The readout rule.
    public let readout: GINReadout
    /// Node feature width the encoder was built for.
    public let inputWidth: Int

    /// An encoder for `inputWidth` node features, shaped by `configuration`.
    public init<G: RandomNumberGenerator>(inputWidth: Int, configuration: GINConfiguration, mode: ModelMode,
                                          using rng: inout G) {
        precondition(inputWidth > 0 && configuration.layerCount > 0 && configuration.hiddenWidth > 0,
                     "GIN needs positive input width, depth and width")
        var layers: [GINLayer<Scalar>] = []
        var width = inputWidth
        for _ in 0..<configuration.layerCount {
            layers.append(GINLayer(inputWidth: width, outputWidth: configuration.hiddenWidth,
                                   learnsEpsilon: configuration.learnsEpsilon, batchNorm: configuration.batchNorm,
                                   mode: mode, using: &rng))
            width = configuration.hiddenWidth
        }
        self.layers = layers
        readout = configuration.readout
        self.inputWidth = inputWidth
    }

    /// Width of the readout h_G.
    public var readoutWidth: Int {
        let hidden = layers.last?.second.outputSize ?? inputWidth
        switch readout {
        case .concatenatedSums: return inputWidth + layers.count * hidden
        case .lastLayerSum: return hidden
        }
    }

    /// h_G for every graph, `[graphs, readoutWidth]`, from node features `x` (`[nodes, inputWidth]`).
    public func callAsFunction<V: GraphModelValue>(_ x: V, adjacency: SparseMatrix,
                                                   graphs: RowSegments) -> V where V.Scalar == Scalar {
        var h = x
        var sums = readout == .concatenatedSums ? [h.segmentSum(graphs)] : []
        for layer in layers {
            h = layer(h, adjacency: adjacency)
            if readout == .concatenatedSums { sums.append(h.segmentSum(graphs)) }
        }
        return readout == .concatenatedSums ? V.concatenating(columns: sums) : h.segmentSum(graphs)
    }
}

/// A Graph Isomorphism Network classifier (Xu et al. 2018): a GIN encoder giving graph readouts h,
/// then an MLP head giving logits.
///
/// As a `Layer`, a `GIN` *is its head*: `gin(h)` maps readouts `[graphs, readoutWidth]` to logits,
/// which is where readout Mixup mixes and where MixupE's JVP runs. `encode(_:)` produces h from a
/// batch of graphs; `logits(for:)` chains both. Parameters (for optimizers and checkpoints) are
/// those of encoder and head together.
public struct GIN<Scalar: TensorScalar>: Layer {
    /// Node embeddings and readout.
    public let encoder: GINEncoder<Scalar>
    /// Classifier on the readout.
    public let head: MLP<Scalar>
    /// Train/eval switch shared by the batch-norm layers.
    public let mode: ModelMode
    /// The shape it was built with.
    public let configuration: GINConfiguration

    /// A GIN for `inputWidth` node features and `outputCount` logits.
    public init<G: RandomNumberGenerator>(inputWidth: Int, outputCount: Int, configuration: GINConfiguration = GINConfiguration(),
                                          using rng: inout G) {
        mode = ModelMode()
        self.configuration = configuration
        encoder = GINEncoder(inputWidth: inputWidth, configuration: configuration, mode: mode, using: &rng)
        head = MLP(widths: [encoder.readoutWidth] + configuration.headHiddenWidths + [outputCount],
                   activation: .relu, using: &rng)
    }

    /// The head: logits from graph readouts h.
    public func callAsFunction<V: ModelValue>(_ h: V) -> V where V.Scalar == Scalar { head(h) }

    /// Graph readouts h `[graphs, readoutWidth]` on the tape.
    public func encode(_ graphs: GraphInput<Scalar>) -> Variable<Scalar> {
        encoder(Variable(constant: graphs.nodeFeatures), adjacency: graphs.adjacency, graphs: graphs.graphs)
    }

    /// Logits `[graphs, outputCount]` for a batch of graphs.
    public func logits(for graphs: GraphInput<Scalar>) -> Variable<Scalar> { head(encode(graphs)) }
}
