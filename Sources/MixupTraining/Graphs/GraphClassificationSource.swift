import MixupCore
import MixupNN

/// Labelled graphs a `GraphTrainer` can draw batches from. A dataset adapter conforms to it
/// (MixupExperiments wraps GraphData's `GraphDataset`), so the trainer knows no file format.
public protocol GraphClassificationSource {
    /// Number of graphs.
    var graphCount: Int { get }
    /// Number of classes; labels lie in `0..<classCount`.
    var classCount: Int { get }
    /// Node feature width.
    var featureCount: Int { get }
    /// Class index of every graph.
    var labels: [Int] { get }
    /// The graphs `indices` (repeats allowed) packed into one batch, in that order.
    func input<S: TensorScalar>(graphs indices: [Int], as scalar: S.Type) throws -> GraphInput<S>
}
