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

/// The speech layout a model was trained on and the spectrogram settings of `SpeechPreprocessor`.
public struct SpeechPreparation: Codable, Sendable {
    /// The `SpeechSource.Kind` raw value (`fsdd`, `speech-commands`).
    public var dataset: String
    /// Sample rate clips are resampled to (Hz).
    public var sampleRate: Int
    /// Samples per clip (shorter clips are zero-padded, longer ones cut).
    public var clipSamples: Int
    /// STFT window length in samples.
    public var windowLength: Int
    /// STFT hop in samples.
    public var hopLength: Int
    /// Frequency bins kept (the spectrogram's height).
    public var frequencyBins: Int
    /// Whether every spectrogram is normalised to zero mean and unit variance on its own.
    public var normalize: Bool
    /// Resampler zero crossings.
    public var zeroCrossings: Int
    /// Resampler Kaiser window β.
    public var kaiserBeta: Double

    /// A record of `dataset`'s layout and the spectrogram settings used for it.
    public init(dataset: String, sampleRate: Int, clipSamples: Int, windowLength: Int, hopLength: Int, frequencyBins: Int,
                normalize: Bool, zeroCrossings: Int, kaiserBeta: Double) {
        self.dataset = dataset
        self.sampleRate = sampleRate
        self.clipSamples = clipSamples
        self.windowLength = windowLength
        self.hopLength = hopLength
        self.frequencyBins = frequencyBins
        self.normalize = normalize
        self.zeroCrossings = zeroCrossings
        self.kaiserBeta = kaiserBeta
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
