import MixupCore
import MixupTestSupport
import XCTest

/// The sparse aggregation ops (A·x, segment sum, segment mean): values against dense reference
/// loops, gradients and tangents against central finite differences in Float64, and rejection of
/// inconsistent CSR structures with the offending position named.
final class SparseAggregationTests: XCTestCase {
    /// A 4×5 non-symmetric pattern with a repeated entry (row 0 lists column 2 twice) and an empty row (2).
    static let rows: [Int32] = [0, 0, 0, 1, 1, 3, 3, 3]
    static let columns: [Int32] = [2, 4, 2, 0, 1, 4, 3, 0]

    static func matrix() throws -> SparseMatrix {
        try SparseMatrix(rowCount: 4, columnCount: 5, rows: rows, columns: columns)
    }

    /// Dense A (4×5) from the coordinate lists, repeats adding up.
    static func dense() -> [[Double]] {
        var a = [[Double]](repeating: [Double](repeating: 0, count: 5), count: 4)
        for (r, c) in zip(rows, columns) { a[Int(r)][Int(c)] += 1 }
        return a
    }

    /// Naive dense product a·x for a `[k, F]` tensor x.
    static func denseProduct(_ a: [[Double]], _ x: Tensor<Double>) -> Tensor<Double> {
        let k = x.shape[0], f = x.shape[1]
        var out = [Double](repeating: 0, count: a.count * f)
        for i in 0..<a.count { for j in 0..<k { for c in 0..<f { out[i * f + c] += a[i][j] * x.scalars[j * f + c] } } }
        return Tensor(shape: [a.count, f], scalars: out)
    }

    static func transpose(_ a: [[Double]]) -> [[Double]] {
        (0..<a[0].count).map { j in a.map { $0[j] } }
    }

    func testProductAndTransposedProductMatchDenseReference() throws {
        let a = try Self.matrix()
        var data = TestData(seed: 11)
        let x = data.tensor([5, 3])
        XCTAssertEqual(relativeError(Variable(constant: x).leftMultiplied(by: a).value, Self.denseProduct(Self.dense(), x)), 0)
        let y = data.tensor([4, 3])
        XCTAssertEqual(relativeError(Variable(constant: y).leftMultiplied(by: a.transposed).value,
                                     Self.denseProduct(Self.transpose(Self.dense()), y)), 0)
        XCTAssertEqual(a.entryCount, Self.rows.count)
    }

    func testSegmentSumAndMeanMatchDirectLoops() throws {
        let segments = try RowSegments(offsets: [0, 2, 2, 5])
        var data = TestData(seed: 12)
        let x = data.tensor([5, 2])
        let sum = Variable(constant: x).segmentSum(segments).value
        let mean = Variable(constant: x).segmentMean(segments).value
        XCTAssertEqual(sum.shape, [3, 2])
        for c in 0..<2 {
            let first = x.scalars[0 * 2 + c] + x.scalars[1 * 2 + c]
            let third = x.scalars[2 * 2 + c] + x.scalars[3 * 2 + c] + x.scalars[4 * 2 + c]
            XCTAssertEqual(sum.scalars[c], first, accuracy: 1e-12)
            XCTAssertEqual(sum.scalars[2 + c], 0, "an empty segment sums to zero")
            XCTAssertEqual(sum.scalars[4 + c], third, accuracy: 1e-12)
            XCTAssertEqual(mean.scalars[c], first / 2, accuracy: 1e-12)
            XCTAssertEqual(mean.scalars[2 + c], 0, "an empty segment's mean is defined as zero")
            XCTAssertEqual(mean.scalars[4 + c], third / 3, accuracy: 1e-12)
        }
    }

    /// The three ops with their input shapes, as taped and dual functions.
    func cases() throws -> [(name: String, shape: [Int], taped: (Variable<Double>) -> Variable<Double>,
                             dual: (Dual<Double>) -> Dual<Double>)] {
        let a = try Self.matrix(), at = a.transposed
        let segments = try RowSegments(offsets: [0, 2, 2, 5])
        return [
            ("A·x", [5, 3], { $0.leftMultiplied(by: a) }, { $0.leftMultiplied(by: a) }),
            ("Aᵀ·x", [4, 3], { $0.leftMultiplied(by: at) }, { $0.leftMultiplied(by: at) }),
            ("segmentSum", [5, 3], { $0.segmentSum(segments) }, { $0.segmentSum(segments) }),
            ("segmentMean", [5, 3], { $0.segmentMean(segments) }, { $0.segmentMean(segments) }),
            // Nonlinear compositions, so a wrong pullback cannot hide behind linearity in the check.
            ("tanh(A·x²)", [5, 2], { $0.square().leftMultiplied(by: a).tanh() },
             { $0.square().leftMultiplied(by: a).tanh() }),
            ("exp(mean)·sum", [5, 2], { $0.segmentMean(segments).exp() * $0.segmentSum(segments) },
             { $0.segmentMean(segments).exp() * $0.segmentSum(segments) }),
        ]
    }

    func testGradientsMatchFiniteDifferences() throws {
        var data = TestData(seed: 13)
        for c in try cases() {
            let x = data.tensor(c.shape)
            let outShape = c.taped(Variable(constant: x)).shape
            let weights = data.tensor(outShape)
            let leaf = Variable(parameter: x)
            let analytic = (c.taped(leaf) * Variable(constant: weights)).sum().gradients()[leaf]
            let numeric = FiniteDifferences.gradient(of: { (c.taped(Variable(constant: $0)).value * weights).sum() }, at: x)
            let err = relativeError(analytic, numeric)
            XCTAssertLessThanOrEqual(err, 1e-6, "\(c.name): gradient off by \(err)")
        }
    }

    func testTangentsMatchFiniteDifferences() throws {
        var data = TestData(seed: 14)
        for c in try cases() {
            let x = data.tensor(c.shape), v = data.tensor(c.shape, in: -1...1)
            let jvp = c.dual(Dual(Variable(constant: x), direction: Variable(constant: v)))
            let numeric = FiniteDifferences.directional(of: { c.taped(Variable(constant: $0[0])).value },
                                                        at: [x], along: [v], step: 1e-5)
            XCTAssertEqual(jvp.primal.value, c.taped(Variable(constant: x)).value, "\(c.name): primal")
            let err = relativeError(jvp.tangent.value, numeric)
            XCTAssertLessThanOrEqual(err, 1e-6, "\(c.name): tangent off by \(err)")
        }
    }

    /// d/dθ of a JVP through the sparse ops (reverse-over-forward), θ a weight applied before aggregation.
    func testGradientOfJVPThroughAggregationMatchesFiniteDifferences() throws {
        let a = try Self.matrix()
        let segments = try RowSegments(offsets: [0, 1, 4])
        var data = TestData(seed: 15)
        let x = data.tensor([5, 3]), v = data.tensor([5, 3], in: -1...1), w0 = data.tensor([2, 3])
        func jvpSum(_ w: Variable<Double>) -> Variable<Double> {
            let seed = Dual(Variable(constant: x), direction: Variable(constant: v))
            let out = seed.linear(weight: w, bias: nil).tanh().leftMultiplied(by: a).segmentSum(segments).tanh()
            return out.tangent.sum()
        }
        let w = Variable(parameter: w0)
        let analytic = jvpSum(w).gradients()[w]
        let numeric = FiniteDifferences.gradient(of: { jvpSum(Variable(constant: $0)).scalar }, at: w0)
        let err = relativeError(analytic, numeric)
        XCTAssertLessThanOrEqual(err, 1e-6, "gradient of the JVP off by \(err)")
    }

    func testDecreasingRowOffsetIsRejectedWithItsPosition() {
        XCTAssertThrowsError(try SparseMatrix(rowCount: 3, columnCount: 3, rowOffsets: [0, 2, 1, 3], columnIndices: [0, 1, 2])) {
            XCTAssertEqual("\($0)", "SparseMatrix: rowOffsets[2] = 1 is smaller than rowOffsets[1] = 2")
        }
    }

    func testColumnOutOfRangeIsRejectedWithEntryIndex() {
        XCTAssertThrowsError(try SparseMatrix(rowCount: 2, columnCount: 3, rowOffsets: [0, 1, 2], columnIndices: [0, 3])) {
            XCTAssertEqual("\($0)", "SparseMatrix: column index 3 of entry 1 is outside 0..<3")
        }
        XCTAssertThrowsError(try SparseMatrix(rowCount: 2, columnCount: 3, rows: [0, 2], columns: [0, 1])) {
            XCTAssertEqual("\($0)", "SparseMatrix: row index 2 of entry 1 is outside 0..<2")
        }
    }

    func testOffsetCountAndTotalMustMatchEntries() {
        XCTAssertThrowsError(try SparseMatrix(rowCount: 3, columnCount: 3, rowOffsets: [0, 1, 2], columnIndices: [0, 1])) {
            XCTAssertEqual("\($0)", "SparseMatrix: expected 4 row offsets for 3 rows, found 3")
        }
        XCTAssertThrowsError(try SparseMatrix(rowCount: 2, columnCount: 3, rowOffsets: [0, 1, 5], columnIndices: [0, 1])) {
            XCTAssertEqual("\($0)", "SparseMatrix: rowOffsets[2] = 5 but there are 2 column indices")
        }
        XCTAssertThrowsError(try SparseMatrix(rowCount: -1, columnCount: 3, rowOffsets: [0], columnIndices: []))
    }

    func testBadSegmentOffsetsAreRejected() {
        XCTAssertThrowsError(try RowSegments(offsets: [0, 3, 2])) {
            XCTAssertEqual("\($0)", "RowSegments: offsets[2] = 2 is smaller than offsets[1] = 3")
        }
        XCTAssertThrowsError(try RowSegments(offsets: [1, 3])) {
            XCTAssertEqual("\($0)", "RowSegments: offsets[0] = 1, expected 0")
        }
        XCTAssertThrowsError(try RowSegments(offsets: []))
    }
}
