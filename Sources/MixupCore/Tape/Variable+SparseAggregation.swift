/// Sparse aggregation on the tape: y = A·x for a 0/1 CSR matrix A (GIN's neighbour sum) and the
/// per-segment sum and mean over contiguous row ranges (graph readout). All three are linear, so
/// each pullback is the transpose map: Aᵀ·g, and broadcasting a segment's gradient to its rows.
extension Variable {
    /// A·self for a `[A.columnCount, F]` value: row `i` of the result is the sum of the rows of
    /// `self` listed in row `i` of A. Pullback: Aᵀ·g.
    public func leftMultiplied(by matrix: SparseMatrix) -> Variable {
        let y = sparseLeftMultiply(matrix, value, transpose: false)
        return Variable.record(y, parents: [self]) { g in [sparseLeftMultiply(matrix, g, transpose: true)] }
    }

    /// Per-segment row sums: `[segments.rowCount, F]` → `[segments.segmentCount, F]` (sum readout).
    /// An empty segment sums to zeros. Pullback: each row receives its segment's gradient.
    public func segmentSum(_ segments: RowSegments) -> Variable {
        let rows = shape.first ?? 0
        let y = segmentSumKernel(value, segments, scaleByCount: false)
        return Variable.record(y, parents: [self]) { g in
            [segmentBroadcastKernel(g, segments, rowCount: rows, scaleByCount: false)]
        }
    }

    /// Per-segment row means (mean readout); an empty segment gives zeros. Pullback: g/|segment| per row.
    public func segmentMean(_ segments: RowSegments) -> Variable {
        let rows = shape.first ?? 0
        let y = segmentSumKernel(value, segments, scaleByCount: true)
        return Variable.record(y, parents: [self]) { g in
            [segmentBroadcastKernel(g, segments, rowCount: rows, scaleByCount: true)]
        }
    }
}

/// Rows × trailing width of a rank-≥1 tensor.
private func rowLayout<T: TensorScalar>(_ x: Tensor<T>) -> (rows: Int, width: Int) {
    precondition(x.rank >= 1, "sparse aggregation needs a value with a row axis, shape is \(x.shape)")
    return (x.shape[0], x.shape.dropFirst().reduce(1, *))
}

/// A·x (or Aᵀ·x when `transpose`), x row-major `[cols, F]` with trailing axes flattened into F.
@_specialize(where T == Float)
@_specialize(where T == Double)
func sparseLeftMultiply<T: TensorScalar>(_ a: SparseMatrix, _ x: Tensor<T>, transpose: Bool) -> Tensor<T> {
    let (rows, width) = rowLayout(x)
    let outRows = transpose ? a.columnCount : a.rowCount
    let inRows = transpose ? a.rowCount : a.columnCount
    precondition(rows == inRows, "sparse product: matrix is \(a.rowCount)×\(a.columnCount)\(transpose ? " (transposed)" : ""), value has \(rows) rows")
    var outShape = x.shape; outShape[0] = outRows
    var out = [T](repeating: 0, count: outRows * width)
    let offsets = transpose ? a.transposeRowOffsets : a.rowOffsets
    let columns = transpose ? a.transposeColumnIndices : a.columnIndices
    x.withUnsafeBufferPointer { xb in
        out.withUnsafeMutableBufferPointer { ob in
            offsets.withUnsafeBufferPointer { off in
                columns.withUnsafeBufferPointer { col in
                    guard width > 0, let xp = xb.baseAddress, let op = ob.baseAddress else { return }
                    for row in 0..<outRows {
                        let dst = op + row * width
                        for entry in off[row]..<off[row + 1] {
                            let src = xp + Int(col[entry]) * width
                            for k in 0..<width { dst[k] += src[k] }
                        }
                    }
                }
            }
        }
    }
    return Tensor(shape: outShape, scalars: out)
}

/// Per-segment sums (or means) of the rows of x.
@_specialize(where T == Float)
@_specialize(where T == Double)
func segmentSumKernel<T: TensorScalar>(_ x: Tensor<T>, _ segments: RowSegments, scaleByCount: Bool) -> Tensor<T> {
    let (rows, width) = rowLayout(x)
    precondition(rows == segments.rowCount, "segment readout: segments cover \(segments.rowCount) rows, value has \(rows)")
    let count = segments.segmentCount
    var outShape = x.shape; outShape[0] = count
    var out = [T](repeating: 0, count: count * width)
    x.withUnsafeBufferPointer { xb in
        out.withUnsafeMutableBufferPointer { ob in
            segments.offsets.withUnsafeBufferPointer { off in
                guard width > 0, let xp = xb.baseAddress, let op = ob.baseAddress else { return }
                for s in 0..<count {
                    let dst = op + s * width
                    let first = off[s], end = off[s + 1]
                    for row in first..<end {
                        let src = xp + row * width
                        for k in 0..<width { dst[k] += src[k] }
                    }
                    if scaleByCount && end > first {
                        let inverse = 1 / T(end - first)
                        for k in 0..<width { dst[k] *= inverse }
                    }
                }
            }
        }
    }
    return Tensor(shape: outShape, scalars: out)
}

/// The adjoint of `segmentSumKernel`: every row gets its segment's row of g (divided by the segment
/// size for means).
@_specialize(where T == Float)
@_specialize(where T == Double)
func segmentBroadcastKernel<T: TensorScalar>(_ g: Tensor<T>, _ segments: RowSegments, rowCount: Int,
                                             scaleByCount: Bool) -> Tensor<T> {
    let (count, width) = rowLayout(g)
    precondition(count == segments.segmentCount, "segment readout gradient: \(count) rows for \(segments.segmentCount) segments")
    var outShape = g.shape; outShape[0] = rowCount
    var out = [T](repeating: 0, count: rowCount * width)
    g.withUnsafeBufferPointer { gb in
        out.withUnsafeMutableBufferPointer { ob in
            segments.offsets.withUnsafeBufferPointer { off in
                guard width > 0, let gp = gb.baseAddress, let op = ob.baseAddress else { return }
                for s in 0..<count {
                    let first = off[s], end = off[s + 1]
                    let scale: T = scaleByCount && end > first ? 1 / T(end - first) : 1
                    let src = gp + s * width
                    for row in first..<end {
                        let dst = op + row * width
                        for k in 0..<width { dst[k] = src[k] * scale }
                    }
                }
            }
        }
    }
    return Tensor(shape: outShape, scalars: out)
}
