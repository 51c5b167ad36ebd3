/// Several graphs packed into one block-diagonal sparse graph with batch-local node ids: what a GIN layer consumes.
///
/// Node features are stacked row-major in batch order; graph `k` of the batch (dataset graph `graphIndices[k]`)
/// owns nodes `graphNodeOffsets[k]..<graphNodeOffsets[k+1]`, and `nodeToGraph` maps each node back to `k`
/// for the sum readout. Neighbour sums run on `adjacency` (`adjacency.neighbourSum`).
public struct GraphBatch {
    /// Dataset indices of the graphs in this batch, in batch order (repeats allowed).
    public let graphIndices: [Int]
    /// Node features, row-major `nodeCount × featureCount`.
    public let nodeFeatures: [Float]
    /// Number of feature columns per node.
    public let featureCount: Int
    /// Block-diagonal adjacency over batch-local node ids (with its transpose for the backward pass).
    public let adjacency: SparseAdjacency
    /// Edge labels aligned with `columnIndices`, when the dataset has edge labels.
    public let edgeLabels: [Int]?
    /// Batch-local graph index (`0..<graphCount`) of every node.
    public let nodeToGraph: [Int32]
    /// Node offsets per batch graph, `graphCount + 1` values.
    public let graphNodeOffsets: [Int]
    /// Class index of every graph in the batch.
    public let labels: [Int]

    /// CSR row offsets of the batch adjacency (`nodeCount + 1` values).
    public var rowOffsets: [Int] { adjacency.rowOffsets }
    /// CSR column indices of the batch adjacency, batch-local node ids.
    public var columnIndices: [Int32] { adjacency.columnIndices }
    /// Number of graphs in the batch.
    public var graphCount: Int { graphIndices.count }
    /// Total number of nodes in the batch.
    public var nodeCount: Int { nodeToGraph.count }
}

extension GraphDataset {
    /// Packs the graphs `graphIndices` (dataset order indices, repeats allowed) into one sparse block.
    ///
    /// Throws when an index is outside `0..<graphCount`.
    public func makeBatch(graphIndices: [Int]) throws -> GraphBatch {
        var totalNodes = 0, totalEntries = 0, totalTransposeEntries = 0
        for (position, graph) in graphIndices.enumerated() {
            guard graph >= 0 && graph < graphCount else {
                throw GraphDataError(file: nil, message: "batch position \(position): graph index \(graph) is outside "
                                     + "0..<\(graphCount) of dataset \(name)")
            }
            let nodes = nodeRange(ofGraph: graph)
            totalNodes += nodes.count
            totalEntries += adjacency.rowOffsets[nodes.upperBound] - adjacency.rowOffsets[nodes.lowerBound]
            totalTransposeEntries += adjacency.transposeRowOffsets[nodes.upperBound]
                - adjacency.transposeRowOffsets[nodes.lowerBound]
        }
        guard totalNodes < Int(Int32.max) else {
            throw GraphDataError(file: nil, message: "batch of \(totalNodes) nodes exceeds \(Int32.max)")
        }

        var features = [Float]()
        features.reserveCapacity(totalNodes * featureCount)
        var nodeToGraph = [Int32]()
        nodeToGraph.reserveCapacity(totalNodes)
        var graphOffsets = [Int]()
        graphOffsets.reserveCapacity(graphIndices.count + 1)
        var batchLabels = [Int]()
        batchLabels.reserveCapacity(graphIndices.count)
        var batchEdgeLabels: [Int]? = edgeLabels == nil ? nil : []
        batchEdgeLabels?.reserveCapacity(totalEntries)

        var local = 0
        for (position, graph) in graphIndices.enumerated() {
            let nodes = nodeRange(ofGraph: graph)
            graphOffsets.append(local)
            batchLabels.append(labels[graph])
            features.append(contentsOf: nodeFeatures[(nodes.lowerBound * featureCount)..<(nodes.upperBound * featureCount)])
            nodeToGraph.append(contentsOf: repeatElement(Int32(position), count: nodes.count))
            if let edgeLabels {
                batchEdgeLabels?.append(contentsOf:
                    edgeLabels[adjacency.rowOffsets[nodes.lowerBound]..<adjacency.rowOffsets[nodes.upperBound]])
            }
            local += nodes.count
        }
        graphOffsets.append(local)

        let forward = GraphDataset.sliceBlocks(offsets: adjacency.rowOffsets, columns: adjacency.columnIndices,
                                               graphIndices: graphIndices, graphNodeOffsets: graphNodeOffsets,
                                               totalNodes: totalNodes, totalEntries: totalEntries)
        let batchAdjacency: SparseAdjacency
        if adjacency.isSymmetric {
            batchAdjacency = SparseAdjacency(nodeCount: totalNodes, rowOffsets: forward.offsets,
                                             columnIndices: forward.columns, transposeRowOffsets: forward.offsets,
                                             transposeColumnIndices: forward.columns, isSymmetric: true)
        } else {
            let backward = GraphDataset.sliceBlocks(offsets: adjacency.transposeRowOffsets,
                                                    columns: adjacency.transposeColumnIndices,
                                                    graphIndices: graphIndices, graphNodeOffsets: graphNodeOffsets,
                                                    totalNodes: totalNodes, totalEntries: totalTransposeEntries)
            batchAdjacency = SparseAdjacency(nodeCount: totalNodes, rowOffsets: forward.offsets,
                                             columnIndices: forward.columns, transposeRowOffsets: backward.offsets,
                                             transposeColumnIndices: backward.columns, isSymmetric: false)
        }
        return GraphBatch(graphIndices: graphIndices, nodeFeatures: features, featureCount: featureCount,
                          adjacency: batchAdjacency, edgeLabels: batchEdgeLabels, nodeToGraph: nodeToGraph,
                          graphNodeOffsets: graphOffsets, labels: batchLabels)
    }

    /// Copies the diagonal CSR blocks of the chosen graphs, renumbering columns to batch-local ids.
    private static func sliceBlocks(offsets: [Int], columns: [Int32], graphIndices: [Int], graphNodeOffsets: [Int],
                                    totalNodes: Int, totalEntries: Int) -> (offsets: [Int], columns: [Int32]) {
        var batchOffsets = [Int]()
        batchOffsets.reserveCapacity(totalNodes + 1)
        var batchColumns = [Int32](repeating: 0, count: totalEntries)
        var localNode = 0, entry = 0
        offsets.withUnsafeBufferPointer { offsets in
            columns.withUnsafeBufferPointer { columns in
                batchColumns.withUnsafeMutableBufferPointer { output in
                    for graph in graphIndices {
                        let first = graphNodeOffsets[graph], end = graphNodeOffsets[graph + 1]
                        let shift = Int32(localNode - first)
                        for node in first..<end {
                            batchOffsets.append(entry)
                            for source in offsets[node]..<offsets[node + 1] {
                                output[entry] = columns[source] + shift
                                entry += 1
                            }
                        }
                        localNode += end - first
                    }
                }
            }
        }
        batchOffsets.append(entry)
        return (batchOffsets, batchColumns)
    }
}
