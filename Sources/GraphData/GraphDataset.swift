/// A graph-classification dataset held in memory: all graphs as one block-diagonal adjacency over global node ids,
/// the nodes of graph `g` forming the contiguous range `nodeRange(ofGraph: g)`.
///
/// Built by `TUDatasetReader`; turned into training batches by `makeBatch(graphIndices:)`.
public struct GraphDataset {
    /// Dataset name (the `DS` prefix of its files).
    public let name: String
    /// Node offsets per graph, `graphCount + 1` values: graph `g` owns nodes `graphNodeOffsets[g]..<graphNodeOffsets[g+1]`.
    public let graphNodeOffsets: [Int]
    /// Adjacency over global 0-based node ids; every entry joins two nodes of the same graph.
    public let adjacency: SparseAdjacency
    /// Node feature matrix, row-major `nodeCount × featureCount`.
    public let nodeFeatures: [Float]
    /// Number of feature columns per node.
    public let featureCount: Int
    /// The feature source actually used (never `.automatic`).
    public let featureSource: NodeFeatureSource
    /// Degree cap used when `featureSource == .degree` (see `TUDatasetOptions.maxDegree`).
    public let maxDegree: Int
    /// Graph class indices in `0..<classCount`, one per graph.
    public let labels: [Int]
    /// Original graph label values in ascending order: class `c` is `classValues[c]` in `DS_graph_labels.txt`.
    public let classValues: [Int]
    /// Original node labels, one per node, when `DS_node_labels.txt` exists.
    public let nodeLabels: [Int]?
    /// Sorted distinct node labels; one-hot column `k` stands for `nodeLabelValues[k]`.
    public let nodeLabelValues: [Int]
    /// Node attributes, row-major `nodeCount × nodeAttributeCount`, when `DS_node_attributes.txt` exists.
    public let nodeAttributes: [Float]?
    /// Number of attribute columns (0 without attributes).
    public let nodeAttributeCount: Int
    /// Original edge labels aligned with `adjacency.columnIndices` (CSR order), when `DS_edge_labels.txt` exists.
    public let edgeLabels: [Int]?

    /// Number of graphs.
    public var graphCount: Int { graphNodeOffsets.count - 1 }
    /// Total number of nodes over all graphs.
    public var nodeCount: Int { graphNodeOffsets[graphNodeOffsets.count - 1] }
    /// Total number of stored (directed) edges; an undirected TU edge counts twice.
    public var edgeCount: Int { adjacency.entryCount }
    /// Number of graph classes.
    public var classCount: Int { classValues.count }

    /// The global node ids of graph `graph` (0-based graph index).
    public func nodeRange(ofGraph graph: Int) -> Range<Int> {
        graphNodeOffsets[graph]..<graphNodeOffsets[graph + 1]
    }

    /// Number of stored edges whose source lies in graph `graph`.
    public func edgeCount(ofGraph graph: Int) -> Int {
        adjacency.rowOffsets[graphNodeOffsets[graph + 1]] - adjacency.rowOffsets[graphNodeOffsets[graph]]
    }
}
