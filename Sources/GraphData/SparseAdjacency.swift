/// A square sparse adjacency matrix in CSR form together with its transpose, for sum aggregation over neighbours.
///
/// Row `i` lists the nodes `j` with an entry `A[i, j]` (an edge line "i, j"); `neighbourSum` computes `A · X`,
/// the GIN aggregation, and `transposedNeighbourSum` computes `Aᵀ · X`, its backward pass. When the matrix is
/// symmetric (every TU benchmark lists both directions) the transpose shares the forward arrays; otherwise it is
/// stored separately, so neither direction is ever silently wrong. Repeated entries count with multiplicity.
public struct SparseAdjacency {
    /// Number of rows (and columns).
    public let nodeCount: Int
    /// CSR row offsets, `nodeCount + 1` values: row `i` occupies `columnIndices[rowOffsets[i]..<rowOffsets[i+1]]`.
    public let rowOffsets: [Int]
    /// CSR column indices (0-based node ids), one per stored entry.
    public let columnIndices: [Int32]
    /// CSR row offsets of the transpose (identical to `rowOffsets` when `isSymmetric`).
    public let transposeRowOffsets: [Int]
    /// CSR column indices of the transpose (identical to `columnIndices` when `isSymmetric`).
    public let transposeColumnIndices: [Int32]
    /// Whether `A == Aᵀ` as multisets of entries, so forward and backward aggregation coincide.
    public let isSymmetric: Bool

    /// Number of stored entries (directed edges as listed).
    public var entryCount: Int { columnIndices.count }

    /// Number of entries in row `node` (its degree as listed).
    public func degree(of node: Int) -> Int { rowOffsets[node + 1] - rowOffsets[node] }

    /// Builds the matrix from 0-based coordinate lists; entries within a row keep their input order.
    ///
    /// Throws when the lists differ in length or an index is outside `0..<nodeCount`.
    public init(nodeCount: Int, sources: [Int32], targets: [Int32]) throws {
        guard nodeCount >= 0, nodeCount < Int(Int32.max) else {
            throw GraphDataError(file: nil, message: "node count \(nodeCount) is outside 0..<\(Int32.max)")
        }
        guard sources.count == targets.count else {
            throw GraphDataError(file: nil, message: "\(sources.count) edge sources but \(targets.count) edge targets")
        }
        for index in 0..<sources.count {
            let source = Int(sources[index]), target = Int(targets[index])
            guard source >= 0, source < nodeCount, target >= 0, target < nodeCount else {
                throw GraphDataError(file: nil, message: "edge \(index) (\(source), \(target)) is outside 0..<\(nodeCount)")
            }
        }
        let forward = SparseAdjacency.compressedRows(nodeCount: nodeCount, rows: sources, columns: targets)
        self.init(nodeCount: nodeCount, rowOffsets: forward.rowOffsets,
                  columnIndices: SparseAdjacency.gather(targets, order: forward.order),
                  sources: sources, targets: targets)
    }

    /// Internal builder once indices are validated and the forward CSR is known; computes the transpose.
    init(nodeCount: Int, rowOffsets: [Int], columnIndices: [Int32], sources: [Int32], targets: [Int32]) {
        let backward = SparseAdjacency.compressedRows(nodeCount: nodeCount, rows: targets, columns: sources)
        let backwardColumns = SparseAdjacency.gather(sources, order: backward.order)
        let symmetric = SparseAdjacency.sameRows(rowOffsets, columnIndices, backward.rowOffsets, backwardColumns)
        self.nodeCount = nodeCount
        self.rowOffsets = rowOffsets
        self.columnIndices = columnIndices
        self.isSymmetric = symmetric
        self.transposeRowOffsets = symmetric ? rowOffsets : backward.rowOffsets
        self.transposeColumnIndices = symmetric ? columnIndices : backwardColumns
    }

    /// Memberwise builder for already-consistent parts (used when slicing batches).
    init(nodeCount: Int, rowOffsets: [Int], columnIndices: [Int32], transposeRowOffsets: [Int],
         transposeColumnIndices: [Int32], isSymmetric: Bool) {
        self.nodeCount = nodeCount
        self.rowOffsets = rowOffsets
        self.columnIndices = columnIndices
        self.transposeRowOffsets = transposeRowOffsets
        self.transposeColumnIndices = transposeColumnIndices
        self.isSymmetric = isSymmetric
    }

    // MARK: - Aggregation kernels

    /// Neighbour sum `output = A · features` (or `output += …` when `accumulate`), row-major `nodeCount × featureCount`.
    ///
    /// This is GIN's sum aggregation: row `i` is the sum of the feature rows of `i`'s neighbours; `output` is
    /// resized (to zeros) when its size is not `nodeCount × featureCount`.
    public func neighbourSum(features: [Float], featureCount: Int, into output: inout [Float], accumulate: Bool = false) {
        precondition(featureCount >= 0 && features.count == nodeCount * featureCount,
                     "features must hold nodeCount × featureCount values")
        if output.count != nodeCount * featureCount {
            output = [Float](repeating: 0, count: nodeCount * featureCount)
        }
        features.withUnsafeBufferPointer { source in
            output.withUnsafeMutableBufferPointer { destination in
                neighbourSum(source, featureCount: featureCount, into: destination, accumulate: accumulate)
            }
        }
    }

    /// Transposed neighbour sum `output = Aᵀ · features` (or `+=`), the backward pass of `neighbourSum`.
    public func transposedNeighbourSum(features: [Float], featureCount: Int, into output: inout [Float],
                                       accumulate: Bool = false) {
        precondition(featureCount >= 0 && features.count == nodeCount * featureCount,
                     "features must hold nodeCount × featureCount values")
        if output.count != nodeCount * featureCount {
            output = [Float](repeating: 0, count: nodeCount * featureCount)
        }
        features.withUnsafeBufferPointer { source in
            output.withUnsafeMutableBufferPointer { destination in
                transposedNeighbourSum(source, featureCount: featureCount, into: destination, accumulate: accumulate)
            }
        }
    }

    /// Buffer form of `neighbourSum` for callers that own tensor storage; both buffers hold `nodeCount × featureCount`.
    public func neighbourSum(_ features: UnsafeBufferPointer<Float>, featureCount: Int,
                             into output: UnsafeMutableBufferPointer<Float>, accumulate: Bool = false) {
        SparseAdjacency.multiply(rowOffsets: rowOffsets, columns: columnIndices, nodeCount: nodeCount,
                                 features: features, featureCount: featureCount, output: output, accumulate: accumulate)
    }

    /// Buffer form of `transposedNeighbourSum`; both buffers hold `nodeCount × featureCount`.
    public func transposedNeighbourSum(_ features: UnsafeBufferPointer<Float>, featureCount: Int,
                                       into output: UnsafeMutableBufferPointer<Float>, accumulate: Bool = false) {
        SparseAdjacency.multiply(rowOffsets: transposeRowOffsets, columns: transposeColumnIndices, nodeCount: nodeCount,
                                 features: features, featureCount: featureCount, output: output, accumulate: accumulate)
    }

    private static func multiply(rowOffsets: [Int], columns: [Int32], nodeCount: Int,
                                 features featureBuffer: UnsafeBufferPointer<Float>, featureCount: Int,
                                 output outputBuffer: UnsafeMutableBufferPointer<Float>, accumulate: Bool) {
        let size = nodeCount * featureCount
        precondition(featureCount >= 0 && featureBuffer.count == size && outputBuffer.count == size,
                     "features and output must each hold nodeCount × featureCount values")
        guard size > 0, let features = featureBuffer.baseAddress, let output = outputBuffer.baseAddress else { return }
        rowOffsets.withUnsafeBufferPointer { offsets in
            columns.withUnsafeBufferPointer { columns in
                for row in 0..<nodeCount {
                    let destination = output + row * featureCount
                    if !accumulate { destination.update(repeating: 0, count: featureCount) }
                    for entry in offsets[row]..<offsets[row + 1] {
                        let source = features + Int(columns[entry]) * featureCount
                        for feature in 0..<featureCount { destination[feature] += source[feature] }
                    }
                }
            }
        }
    }

    // MARK: - Construction helpers

    /// Stable counting sort of entries by row: CSR offsets and, per CSR slot, the index of the original entry.
    static func compressedRows(nodeCount: Int, rows: [Int32], columns: [Int32]) -> (rowOffsets: [Int], order: [Int]) {
        var offsets = [Int](repeating: 0, count: nodeCount + 1)
        for row in rows { offsets[Int(row) + 1] += 1 }
        for index in 0..<nodeCount { offsets[index + 1] += offsets[index] }
        var cursor = offsets
        var order = [Int](repeating: 0, count: rows.count)
        for (index, row) in rows.enumerated() {
            order[cursor[Int(row)]] = index
            cursor[Int(row)] += 1
        }
        return (offsets, order)
    }

    /// `values` permuted into CSR slot order.
    static func gather<T>(_ values: [T], order: [Int]) -> [T] {
        var result = [T]()
        result.reserveCapacity(order.count)
        for index in order { result.append(values[index]) }
        return result
    }

    /// Whether two CSR matrices have the same multiset of columns in every row.
    private static func sameRows(_ offsetsA: [Int], _ columnsA: [Int32], _ offsetsB: [Int], _ columnsB: [Int32]) -> Bool {
        guard offsetsA == offsetsB else { return false }
        for row in 0..<(offsetsA.count - 1) {
            let range = offsetsA[row]..<offsetsA[row + 1]
            if columnsA[range] == columnsB[range] { continue }
            if columnsA[range].sorted() != columnsB[range].sorted() { return false }
        }
        return true
    }
}
