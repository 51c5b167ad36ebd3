/// Which per-node information becomes the node feature matrix of a TU dataset.
public enum NodeFeatureSource: String, CaseIterable {
    /// Node labels (one-hot) if the dataset has them, else node attributes, else degree features.
    case automatic
    /// One-hot node labels over the sorted distinct labels of the dataset (requires `DS_node_labels.txt`).
    case nodeLabels
    /// The rows of `DS_node_attributes.txt` as given (requires that file).
    case nodeAttributes
    /// One-hot node labels followed by the node attributes (requires both files).
    case nodeLabelsAndAttributes
    /// One-hot node degree, capped: buckets `0…maxDegree-1` and a last bucket for degree `≥ maxDegree`.
    case degree
}

/// Options for reading a TU dataset: how node features are built.
public struct TUDatasetOptions {
    /// Source of the node features; `.automatic` follows the GIN paper's choice (labels when present).
    public var nodeFeatures: NodeFeatureSource
    /// Cap of the degree one-hot: degrees `0…maxDegree-1` get their own column, larger ones share the last.
    public var maxDegree: Int

    /// Most distinct node labels one-hot encoded (the feature width); more is an error naming the budget, so a
    /// file with tens of thousands of labels cannot build a gigabyte node-by-label matrix. Default 1,000
    /// (the TU benchmarks have at most a few hundred).
    public var maximumOneHotWidth: Int

    /// Largest accepted `maxDegree`, which keeps degree feature matrices to a sane width.
    public static let maxDegreeLimit = 100_000
    /// The default `maximumOneHotWidth`.
    public static let defaultMaximumOneHotWidth = 1_000

    /// Creates options; the defaults pick features automatically, cap degrees at 10 (11 columns) and one-hot
    /// widths at 1,000.
    public init(nodeFeatures: NodeFeatureSource = .automatic, maxDegree: Int = 10,
                maximumOneHotWidth: Int = TUDatasetOptions.defaultMaximumOneHotWidth) {
        self.nodeFeatures = nodeFeatures
        self.maxDegree = maxDegree
        self.maximumOneHotWidth = maximumOneHotWidth
    }
}
