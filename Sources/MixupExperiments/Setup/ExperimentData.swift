import MixupTraining

/// The data of an experiment in any domain: fixed train/validation/test splits (tabular, images,
/// speech) or a graph dataset trained by stratified k-fold cross-validation.
public enum ExperimentData {
    /// Train/validation/test splits of fixed-shape samples.
    case splits(LoadedSplits)
    /// Labelled graphs; runs are folds.
    case graphs(GraphDatasetSource)

    /// Short dataset name.
    public var name: String {
        switch self {
        case let .splits(s): return s.name
        case let .graphs(g): return g.name
        }
    }

    /// One line describing the data, for logs.
    public var summary: String {
        switch self {
        case let .splits(s): return s.summary
        case let .graphs(g):
            return "\(g.name): \(g.graphCount) graphs, \(g.classCount) classes, \(g.featureCount) node features"
        }
    }

    /// Number of classes.
    public var classCount: Int {
        switch self {
        case let .splits(s): return s.train.classCount
        case let .graphs(g): return g.classCount
        }
    }
}
