/// A sparse 0/1 matrix in CSR form (pattern only: every stored entry is 1, repeats add up), with its
/// transpose precomputed so `A·x` and its pullback `Aᵀ·g` both run row by row.
///
/// This is the adjacency a GIN layer aggregates over. It lives in MixupCore so the tape can
/// differentiate sum aggregation without knowing any graph file format.
public struct SparseMatrix: Equatable {
    /// Number of rows of A.
    public let rowCount: Int
    /// Number of columns of A.
    public let columnCount: Int
    /// CSR row offsets, `rowCount + 1` values; row `i` is `columnIndices[rowOffsets[i]..<rowOffsets[i+1]]`.
    public let rowOffsets: [Int]
    /// Column of every stored entry, in `0..<columnCount`.
    public let columnIndices: [Int32]
    /// CSR row offsets of Aᵀ (`columnCount + 1` values).
    public let transposeRowOffsets: [Int]
    /// Column indices of Aᵀ (that is, the rows of A), in `0..<rowCount`.
    public let transposeColumnIndices: [Int32]

    /// Largest extent accepted on either axis (column ids are stored as `Int32`).
    public static let maxExtent = Int(Int32.max)

    /// Validates a CSR pattern and computes its transpose.
    ///
    /// Throws `SparseStructureError` (naming the offending offset or entry) when the offsets are not
    /// `rowCount + 1` non-decreasing values from 0 to `columnIndices.count`, or a column is out of range.
    public init(rowCount: Int, columnCount: Int, rowOffsets: [Int], columnIndices: [Int32]) throws {
        func fail(_ message: String) -> SparseStructureError {
            SparseStructureError(structure: "SparseMatrix", message: message)
        }
        guard rowCount >= 0, rowCount <= Self.maxExtent, columnCount >= 0, columnCount <= Self.maxExtent else {
            throw fail("shape \(rowCount)×\(columnCount) is outside 0…\(Self.maxExtent) per axis")
        }
        guard rowOffsets.count == rowCount + 1 else {
            throw fail("expected \(rowCount + 1) row offsets for \(rowCount) rows, found \(rowOffsets.count)")
        }
        guard rowOffsets[0] == 0 else { throw fail("rowOffsets[0] = \(rowOffsets[0]), expected 0") }
        for row in 0..<rowCount where rowOffsets[row + 1] < rowOffsets[row] {
            throw fail("rowOffsets[\(row + 1)] = \(rowOffsets[row + 1]) is smaller than rowOffsets[\(row)] = \(rowOffsets[row])")
        }
        guard rowOffsets[rowCount] == columnIndices.count else {
            throw fail("rowOffsets[\(rowCount)] = \(rowOffsets[rowCount]) but there are \(columnIndices.count) column indices")
        }
        for (entry, column) in columnIndices.enumerated() where column < 0 || Int(column) >= columnCount {
            throw fail("column index \(column) of entry \(entry) is outside 0..<\(columnCount)")
        }
        self.rowCount = rowCount
        self.columnCount = columnCount
        self.rowOffsets = rowOffsets
        self.columnIndices = columnIndices
        var entryRows = [Int32](repeating: 0, count: columnIndices.count)
        for row in 0..<rowCount {
            for entry in rowOffsets[row]..<rowOffsets[row + 1] { entryRows[entry] = Int32(row) }
        }
        (transposeRowOffsets, transposeColumnIndices) = SparseMatrix.countingSort(
            keys: columnIndices, values: entryRows, keyCount: columnCount)
    }

    /// Builds the pattern from coordinate lists (entry k is `A[rows[k], columns[k]] += 1`).
    ///
    /// Throws when the lists differ in length or an index is out of range.
    public init(rowCount: Int, columnCount: Int, rows: [Int32], columns: [Int32]) throws {
        guard rows.count == columns.count else {
            throw SparseStructureError(structure: "SparseMatrix",
                                       message: "\(rows.count) row indices but \(columns.count) column indices")
        }
        guard rowCount >= 0, rowCount <= Self.maxExtent else {
            throw SparseStructureError(structure: "SparseMatrix", message: "row count \(rowCount) is outside 0…\(Self.maxExtent)")
        }
        for (entry, row) in rows.enumerated() where row < 0 || Int(row) >= rowCount {
            throw SparseStructureError(structure: "SparseMatrix",
                                       message: "row index \(row) of entry \(entry) is outside 0..<\(rowCount)")
        }
        let (offsets, ordered) = SparseMatrix.countingSort(keys: rows, values: columns, keyCount: rowCount)
        try self.init(rowCount: rowCount, columnCount: columnCount, rowOffsets: offsets, columnIndices: ordered)
    }

    /// Number of stored entries.
    public var entryCount: Int { columnIndices.count }

    /// Aᵀ as a matrix of its own (no copying of index arrays beyond swapping roles).
    public var transposed: SparseMatrix {
        SparseMatrix(unchecked: columnCount, rowCount, transposeRowOffsets, transposeColumnIndices,
                     rowOffsets, columnIndices)
    }

    /// The identity pattern of size `n` (useful for tests and self-loops).
    public static func identity(_ n: Int) throws -> SparseMatrix {
        try SparseMatrix(rowCount: n, columnCount: n, rowOffsets: Array(0...max(n, 0)),
                         columnIndices: (0..<max(n, 0)).map { Int32($0) })
    }

    private init(unchecked rows: Int, _ columns: Int, _ offsets: [Int], _ indices: [Int32],
                 _ tOffsets: [Int], _ tIndices: [Int32]) {
        rowCount = rows
        columnCount = columns
        rowOffsets = offsets
        columnIndices = indices
        transposeRowOffsets = tOffsets
        transposeColumnIndices = tIndices
    }

    /// Stable counting sort of `(key, value)` pairs by key (keys already validated in `0..<keyCount`):
    /// CSR offsets over the keys and the values in key order.
    private static func countingSort(keys: [Int32], values: [Int32], keyCount: Int) -> ([Int], [Int32]) {
        var offsets = [Int](repeating: 0, count: keyCount + 1)
        for key in keys { offsets[Int(key) + 1] += 1 }
        for i in 0..<keyCount { offsets[i + 1] += offsets[i] }
        var cursor = offsets
        var out = [Int32](repeating: 0, count: keys.count)
        for k in 0..<keys.count {
            let key = Int(keys[k])
            out[cursor[key]] = values[k]
            cursor[key] += 1
        }
        return (offsets, out)
    }
}
