/// A partition of the rows of a matrix into contiguous segments — the nodes of each graph in a
/// batch — for per-segment sum and mean (graph readout).
public struct RowSegments: Equatable {
    /// Segment offsets, `segmentCount + 1` non-decreasing values from 0: segment `s` is rows
    /// `offsets[s]..<offsets[s+1]`.
    public let offsets: [Int]

    /// Validates the offsets; throws `SparseStructureError` naming the first bad offset.
    public init(offsets: [Int]) throws {
        func fail(_ message: String) -> SparseStructureError {
            SparseStructureError(structure: "RowSegments", message: message)
        }
        guard let first = offsets.first else { throw fail("needs at least one offset (0 segments is [0])") }
        guard first == 0 else { throw fail("offsets[0] = \(first), expected 0") }
        for s in 1..<offsets.count where offsets[s] < offsets[s - 1] {
            throw fail("offsets[\(s)] = \(offsets[s]) is smaller than offsets[\(s - 1)] = \(offsets[s - 1])")
        }
        self.offsets = offsets
    }

    /// Number of segments.
    public var segmentCount: Int { offsets.count - 1 }
    /// Number of rows covered (the last offset).
    public var rowCount: Int { offsets[offsets.count - 1] }
    /// Rows of segment `s`.
    public func rows(ofSegment s: Int) -> Range<Int> { offsets[s]..<offsets[s + 1] }
}
