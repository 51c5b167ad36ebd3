import SpeechData
import TabularData

/// How raw inputs became the model's features during training, recorded in a checkpoint so new
/// data can be prepared identically (`mixuplab evaluate`/`predict`): the fitted tabular encoding,
/// the image channel statistics, the speech spectrogram settings, or the TU node-feature construction.
public enum InputPreparation: Codable, Sendable {
    /// Tabular rows: the `FeatureEncoder` fitted on the training split (schema, fills, one-hot, standardisation).
    case tabular(FeatureEncoder)
    /// Images: per-channel normalisation with the training split's statistics.
    case images(ImagePreparation)
    /// Speech: log spectrograms with these settings (each clip normalised on its own).
    case speech(SpeechPreparation)
    /// Graphs: how TU node features were built (source, degree cap, the node-label values one-hot encoded).
    case graphs(GraphPreparation)
    /// Features given directly (e.g. synthetic splits built in code): nothing to reapply.
    case none

    /// The domain in words, for messages.
    public var domain: String {
        switch self {
        case .tabular: return "tabular"
        case .images: return "images"
        case .speech: return "speech"
        case .graphs: return "graphs"
        case .none: return "features given in code"
        }
    }

    /// The recorded image or speech layout (`fashion-mnist`, `cifar10`, `fsdd`, …); nil for tabular data,
    /// graphs and features given in code, whose files say how to read them.
    public var layout: String? {
        switch self {
        case let .images(preparation): return preparation.dataset
        case let .speech(preparation): return preparation.dataset
        case .tabular, .graphs, .none: return nil
        }
    }
}

/// The image layout a model was trained on and the per-channel statistics of its training split.
public struct ImagePreparation: Codable, Sendable {
    /// The `ImageSource.Kind` raw value (`fashion-mnist`, `mnist`, `cifar10`, `cifar100`).
    public var dataset: String
    /// Per-channel mean of the training pixels (in [0, 1]), subtracted first.
    public var channelMean: [Float]
    /// Per-channel standard deviation of the training pixels, divided by after centring.
    public var channelStd: [Float]

    /// A record of `dataset`'s layout and channel statistics.
    public init(dataset: String, channelMean: [Float], channelStd: [Float]) {
        self.dataset = dataset
        self.channelMean = channelMean
        self.channelStd = channelStd
    }
}

/// The speech layout a model was trained on and the settings of its `SpeechPreprocessor`. The JSON
/// keeps the spectrogram settings' fields beside `dataset` (the shape checkpoints have always had),
/// so checkpoints written before it held a `SpectrogramSettings` still load.
public struct SpeechPreparation: Codable, Sendable {
    /// The `SpeechSource.Kind` raw value (`fsdd`, `speech-commands`).
    public var dataset: String
    /// The spectrogram settings (sample rate, clip length, STFT window and hop, bins, normalisation).
    public var settings: SpectrogramSettings
    /// Resampler zero crossings.
    public var zeroCrossings: Int
    /// Resampler Kaiser window β.
    public var kaiserBeta: Double

    /// A record of `dataset`'s layout and the spectrogram and resampler settings used for it.
    public init(dataset: String, settings: SpectrogramSettings, zeroCrossings: Int, kaiserBeta: Double) {
        self.dataset = dataset
        self.settings = settings
        self.zeroCrossings = zeroCrossings
        self.kaiserBeta = kaiserBeta
    }

    private enum CodingKeys: String, CodingKey { case dataset, zeroCrossings, kaiserBeta }

    /// Reads the record with the settings' fields at its own level.
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        dataset = try container.decode(String.self, forKey: .dataset)
        settings = try SpectrogramSettings(from: decoder)
        zeroCrossings = try container.decode(Int.self, forKey: .zeroCrossings)
        kaiserBeta = try container.decode(Double.self, forKey: .kaiserBeta)
    }

    /// Writes the record with the settings' fields at its own level.
    public func encode(to encoder: Encoder) throws {
        try settings.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(dataset, forKey: .dataset)
        try container.encode(zeroCrossings, forKey: .zeroCrossings)
        try container.encode(kaiserBeta, forKey: .kaiserBeta)
    }
}

/// How a TU dataset's node features were built for a GIN: the feature source, the degree cap, and
/// the node-label and class values in index order, so new graphs get the same one-hot columns and labels.
public struct GraphPreparation: Codable, Sendable {
    /// The `NodeFeatureSource` raw value (`automatic`, `nodeLabels`, …).
    public var featureSource: String
    /// Degree cap of degree features.
    public var maxDegree: Int
    /// Node-label values in one-hot column order (empty without node labels).
    public var nodeLabelValues: [Int]
    /// Graph class values in label order.
    public var classValues: [Int]
    /// Node-feature width the GIN reads.
    public var featureCount: Int

    /// A record of the node-feature construction.
    public init(featureSource: String, maxDegree: Int, nodeLabelValues: [Int], classValues: [Int], featureCount: Int) {
        self.featureSource = featureSource
        self.maxDegree = maxDegree
        self.nodeLabelValues = nodeLabelValues
        self.classValues = classValues
        self.featureCount = featureCount
    }
}
