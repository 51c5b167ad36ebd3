/// Plain (untaped) tensor arithmetic: what pullbacks, optimizers and metrics compute with.
extension Tensor {
    /// Applies an elementwise function to every element.
    public func map(_ f: UnaryFunction) -> Tensor { mapTensor(f, self) }

    /// Elementwise `lhs ⊕ rhs` with broadcasting.
    public static func apply(_ f: BinaryFunction, _ lhs: Tensor, _ rhs: Tensor) -> Tensor {
        applyBinary(f, lhs, rhs)
    }

    public static func + (l: Tensor, r: Tensor) -> Tensor { applyBinary(.add, l, r) }
    public static func - (l: Tensor, r: Tensor) -> Tensor { applyBinary(.subtract, l, r) }
    public static func * (l: Tensor, r: Tensor) -> Tensor { applyBinary(.multiply, l, r) }
    public static func / (l: Tensor, r: Tensor) -> Tensor { applyBinary(.divide, l, r) }
    public static func * (l: Tensor, r: Scalar) -> Tensor { applyBinary(.multiply, l, Tensor(r)) }
    public static func + (l: Tensor, r: Scalar) -> Tensor { applyBinary(.add, l, Tensor(r)) }
    public static prefix func - (x: Tensor) -> Tensor { x.map(.negate) }

    /// Sum along `axis`, keeping it with extent 1.
    public func sum(alongAxis axis: Int) -> Tensor { reduceAxis(.sum, self, axis: axis) }
    /// Maximum along `axis`, keeping it with extent 1.
    public func max(alongAxis axis: Int) -> Tensor { reduceAxis(.max, self, axis: axis) }
    /// Sum of all elements.
    public func sum() -> Scalar { sumAll(self) }
    /// Mean of all elements.
    public func mean() -> Scalar { count == 0 ? 0 : sumAll(self) / Scalar(count) }
    /// Sums broadcast axes away so the result has `shape` (the adjoint of broadcasting).
    public func summed(toShape shape: [Int]) -> Tensor { sumToShape(self, shape) }

    /// Matrix product op(self)·op(other) of rank-2 tensors via BLAS.
    public func matmul(_ other: Tensor, transposeSelf: Bool = false, transposeOther: Bool = false) -> Tensor {
        gemmProduct(self, other, transposeA: transposeSelf, transposeB: transposeOther)
    }
    /// The transpose of a rank-2 tensor.
    public func transposed() -> Tensor { transpose2D(self) }

    /// Rows (slices along axis 0) chosen by `indices`.
    public func gathering(rows indices: [Int]) -> Tensor { gatherRows(self, indices) }
    /// Rows `range` along axis 0.
    public func slicing(rows range: Range<Int>) -> Tensor { sliceRows(self, range) }
    /// Concatenation along axis 0.
    public static func concatenating(rows parts: [Tensor]) -> Tensor { concatRows(parts) }

    /// True when every element is finite (no NaN or ±∞).
    public var isFinite: Bool { allFinite(self) }
}
