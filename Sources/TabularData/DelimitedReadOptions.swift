/// Where a categorical CSV column gets its category list from.
public enum CategoryList: Equatable, Sendable {
    /// The distinct values seen in the file, ordered by `ClassNameOrdering` (numeric if all numbers, else byte order).
    case discovered
    /// A fixed list; a value outside it is an error naming the file and line.
    case declared([String])
}

/// Options of `DelimitedTableReader` for headerless delimiter-separated files (KEEL/UCI copies).
public struct DelimitedReadOptions: Equatable, Sendable {
    /// 0-based index of the class column in the file; `nil` means the last column (the KEEL/UCI convention).
    public var classColumn: Int?
    /// Field separator, a single ASCII character; `" "` means runs of spaces and tabs. `nil` (the default) detects
    /// it from the first data lines: `,`, `;` or tab, whichever splits them consistently into the most fields,
    /// else whitespace. Fields may be quoted RFC 4180-style (`"a, b"`, `""` for a quote, line breaks inside quotes).
    public var delimiter: Character?
    /// Largest number of columns a row may have; a wider row is an error before any column is stored, so a huge
    /// line of `1,1,1,…` cannot turn into millions of features. Default `defaultMaximumColumnCount`.
    public var maximumColumnCount: Int
    /// The default column budget (100,000), generous for real tables.
    public static let defaultMaximumColumnCount = 100_000
    /// Remove spaces and tabs around every field (the KEEL copies write `5.1, 3.5, …`). Default `true`.
    public var trimsWhitespace: Bool
    /// Cell texts that mean "missing" (after trimming). Default `["?"]`; add `""` to accept empty cells as missing.
    public var missingValueMarkers: Set<String>
    /// Columns (0-based file indices) holding nominal values, to be one-hot encoded; all others must be numeric.
    public var categoricalColumns: [Int: CategoryList]
    /// Names for all file columns (class column included); `nil` names features `x<fileIndex>` and the class `class`.
    public var columnNames: [String]?
    /// Mark numeric columns whose observed values are all integers as `.discrete` (mode fill) instead of
    /// `.continuous` (mean fill). Default `true`.
    public var infersDiscreteColumns: Bool

    /// Creates options; every parameter has the KEEL/UCI default.
    public init(classColumn: Int? = nil, delimiter: Character? = nil, trimsWhitespace: Bool = true,
                missingValueMarkers: Set<String> = ["?"], categoricalColumns: [Int: CategoryList] = [:],
                columnNames: [String]? = nil, infersDiscreteColumns: Bool = true,
                maximumColumnCount: Int = DelimitedReadOptions.defaultMaximumColumnCount) {
        self.maximumColumnCount = maximumColumnCount
        self.classColumn = classColumn
        self.delimiter = delimiter
        self.trimsWhitespace = trimsWhitespace
        self.missingValueMarkers = missingValueMarkers
        self.categoricalColumns = categoricalColumns
        self.columnNames = columnNames
        self.infersDiscreteColumns = infersDiscreteColumns
    }
}
