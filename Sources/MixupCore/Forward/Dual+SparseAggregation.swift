/// Tangent rules of the sparse aggregation ops: all are linear, so the tangent goes through the
/// same taped op as the primal (and a JVP through a GIN layer stays differentiable in reverse).
extension Dual {
    /// A·x with tangent A·t.
    public func leftMultiplied(by matrix: SparseMatrix) -> Dual {
        Dual(primal: primal.leftMultiplied(by: matrix), tangent: tangent.leftMultiplied(by: matrix))
    }

    /// Per-segment sums with tangent the per-segment sums of t.
    public func segmentSum(_ segments: RowSegments) -> Dual {
        Dual(primal: primal.segmentSum(segments), tangent: tangent.segmentSum(segments))
    }

    /// Per-segment means with tangent the per-segment means of t.
    public func segmentMean(_ segments: RowSegments) -> Dual {
        Dual(primal: primal.segmentMean(segments), tangent: tangent.segmentMean(segments))
    }
}
