import MixupCore

/// What flows through a graph encoder: a model value that also supports sparse neighbour sums,
/// per-graph readout, and scaling by a (learnable) scalar. `Variable` runs a GIN plainly, `Dual`
/// runs it with a JVP.
public protocol GraphModelValue: ModelValue {
    /// A·self (sum over neighbours).
    func leftMultiplied(by matrix: SparseMatrix) -> Self
    /// Per-graph sum over rows.
    func segmentSum(_ segments: RowSegments) -> Self
    /// self·c for a scalar `[1]` variable c that does not move along the direction.
    func scaled(by factor: Variable<Scalar>) -> Self
    /// Transpose of a rank-2 value.
    func transposed() -> Self
    /// Concatenation along axis 0.
    static func concatenating(rows parts: [Self]) -> Self
}

extension GraphModelValue {
    /// Concatenation along axis 1 of rank-2 values (via transposes; used for per-layer readouts).
    public static func concatenating(columns parts: [Self]) -> Self {
        parts.count == 1 ? parts[0] : concatenating(rows: parts.map { $0.transposed() }).transposed()
    }
}

extension Variable: GraphModelValue {
    /// self·c, broadcasting the `[1]` factor.
    public func scaled(by factor: Variable<Scalar>) -> Variable { self * factor }
}

extension Dual: GraphModelValue {
    /// self·c with the factor fixed along the direction.
    public func scaled(by factor: Variable<Scalar>) -> Dual { self * factor }
}
