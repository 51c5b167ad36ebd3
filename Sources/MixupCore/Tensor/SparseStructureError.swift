/// Why a sparse matrix or a row segmentation was rejected: inconsistent CSR offsets, an index out of
/// range, or a shape that does not fit the data it is applied to.
public struct SparseStructureError: Error, CustomStringConvertible, Equatable {
    /// What was being built (e.g. "SparseMatrix", "RowSegments").
    public let structure: String
    /// Human-readable explanation, naming the offending position.
    public let message: String

    /// Creates an error about `structure`.
    public init(structure: String, message: String) {
        self.structure = structure
        self.message = message
    }

    /// `SparseMatrix: rowOffsets[3] = 7 is smaller than rowOffsets[2] = 9`.
    public var description: String { "\(structure): \(message)" }
}
