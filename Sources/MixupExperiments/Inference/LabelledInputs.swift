import MixupCore

/// New data prepared for a checkpoint's model: features in the model's input shape, the true
/// labels (indices into the checkpoint's class names) and a name per sample for prediction files.
public struct LabelledInputs {
    /// Features `[N, …inputShape]`, prepared exactly as in training.
    public var features: Tensor<Float>
    /// True label of each sample.
    public var labels: [Int]
    /// Where each sample came from (`file:line`, `file#index` or an audio file name).
    public var sampleNames: [String]
    /// The data's path, for reports.
    public var source: String
    /// Graphs: the dataset whose graphs are the samples (then `features` is empty).
    public var graphs: GraphDatasetSource?

    /// Inputs from their parts.
    public init(features: Tensor<Float>, labels: [Int], sampleNames: [String], source: String, graphs: GraphDatasetSource? = nil) {
        self.features = features
        self.graphs = graphs
        self.labels = labels
        self.sampleNames = sampleNames
        self.source = source
    }

    /// Number of samples.
    public var count: Int { labels.count }
}
