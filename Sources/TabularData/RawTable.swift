/// A table as read from a file, before preprocessing: typed feature columns with missing cells, and class labels.
///
/// Cells are stored column-major as `Double`; a categorical cell holds its category index; **`Double.nan` marks a
/// missing cell** (readers reject non-finite numbers in the input, so NaN is never a real value).
public struct RawTable: Sendable {
    /// Where the rows came from (file name), used in error messages.
    public var source: String
    /// Column kinds, names and the class list.
    public var schema: TableSchema
    /// `columnValues[c][r]`: the cell of row `r` in feature column `c` (NaN = missing).
    public var columnValues: [[Double]]
    /// Class index of each row, into `schema.classNames`.
    public var labels: [Int]
    /// 1-based source line of each row, for error messages about individual rows.
    public var lineNumbers: [Int]

    /// Builds a table, checking that all columns and labels have the same length, that labels and category
    /// indices are in range and that numeric cells are finite or NaN. Without `lineNumbers`, row r is "line" r + 1.
    public init(source: String, schema: TableSchema, columnValues: [[Double]], labels: [Int],
                lineNumbers: [Int]? = nil) throws {
        if let lineNumbers, lineNumbers.count != labels.count {
            throw TabularDataError(file: source, "\(lineNumbers.count) line numbers for \(labels.count) rows")
        }
        let lineNumbers = lineNumbers ?? Array(1..<(labels.count + 1))
        guard columnValues.count == schema.columns.count else {
            throw TabularDataError(file: source, "schema has \(schema.columns.count) columns but \(columnValues.count) value arrays were given")
        }
        for (c, values) in columnValues.enumerated() {
            guard values.count == labels.count else {
                throw TabularDataError(file: source, "column '\(schema.columns[c].name)' has \(values.count) cells but there are \(labels.count) labels")
            }
            if case .categorical(let categories) = schema.columns[c].kind {
                for (r, v) in values.enumerated() where !v.isNaN {
                    guard v >= 0, v < Double(categories.count), v == v.rounded() else {
                        throw TabularDataError(file: source, line: lineNumbers[r], "column '\(schema.columns[c].name)': \(v) is not a category index (0..<\(categories.count))")
                    }
                }
            } else {
                for (r, v) in values.enumerated() where v.isInfinite {
                    throw TabularDataError(file: source, line: lineNumbers[r], "column '\(schema.columns[c].name)': value is not finite")
                }
            }
        }
        for (r, y) in labels.enumerated() where y < 0 || y >= schema.classNames.count {
            throw TabularDataError(file: source, line: lineNumbers[r], "label \(y) is outside 0..<\(schema.classNames.count)")
        }
        self.source = source
        self.schema = schema
        self.columnValues = columnValues
        self.labels = labels
        self.lineNumbers = lineNumbers
    }

    /// Internal initializer for readers that have already validated their output.
    init(validatedSource source: String, schema: TableSchema, columnValues: [[Double]], labels: [Int], lineNumbers: [Int]) {
        self.source = source
        self.schema = schema
        self.columnValues = columnValues
        self.labels = labels
        self.lineNumbers = lineNumbers
    }

    /// Number of rows.
    public var rowCount: Int { labels.count }

    /// The cell at (`row`, `column`), or `nil` when it is missing.
    public func value(row: Int, column: Int) -> Double? {
        let v = columnValues[column][row]
        return v.isNaN ? nil : v
    }

    /// Number of missing cells over the whole table.
    public var missingCellCount: Int {
        var n = 0
        for column in columnValues { for v in column where v.isNaN { n += 1 } }
        return n
    }

    /// Number of rows of each class, indexed like `schema.classNames`.
    public var classCounts: [Int] {
        var counts = [Int](repeating: 0, count: schema.classNames.count)
        for y in labels { counts[y] += 1 }
        return counts
    }
}
