import MixupCore

/// A batch of graphs as a GIN consumes it: stacked node features, the block-diagonal adjacency over
/// batch-local node ids, and which contiguous rows belong to which graph (for the readout).
///
/// Built by a dataset adapter (e.g. from GraphData's `GraphBatch`); MixupNN knows no file format.
public struct GraphInput<Scalar: TensorScalar> {
    /// Node features `[nodeCount, featureCount]`, graph by graph.
    public let nodeFeatures: Tensor<Scalar>
    /// `nodeCount × nodeCount` adjacency; row i lists the neighbours whose features node i sums.
    public let adjacency: SparseMatrix
    /// Graph g owns node rows `graphs.rows(ofSegment: g)`.
    public let graphs: RowSegments

    /// Checks that the three parts describe the same nodes; throws `SparseStructureError` otherwise.
    public init(nodeFeatures: Tensor<Scalar>, adjacency: SparseMatrix, graphs: RowSegments) throws {
        func fail(_ m: String) -> SparseStructureError { SparseStructureError(structure: "GraphInput", message: m) }
        guard nodeFeatures.rank == 2 else { throw fail("node features must be [nodes, features], shape is \(nodeFeatures.shape)") }
        let n = nodeFeatures.shape[0]
        guard adjacency.rowCount == n, adjacency.columnCount == n else {
            throw fail("adjacency is \(adjacency.rowCount)×\(adjacency.columnCount) but there are \(n) nodes")
        }
        guard graphs.rowCount == n else { throw fail("graph segments cover \(graphs.rowCount) nodes but there are \(n)") }
        self.nodeFeatures = nodeFeatures
        self.adjacency = adjacency
        self.graphs = graphs
    }

    /// Number of graphs in the batch.
    public var graphCount: Int { graphs.segmentCount }
    /// Total number of nodes.
    public var nodeCount: Int { nodeFeatures.shape[0] }
    /// Feature columns per node.
    public var featureCount: Int { nodeFeatures.shape[1] }
}
