import Foundation

/// Reads headerless delimiter-separated files with one row per line and a class column (default: the last).
///
/// Class indices follow `ClassNameOrdering` (numeric order when all class names are numbers, else byte order),
/// unless the table is read against a training `TableSchema`, whose class list is then used. Blank lines are
/// skipped. Every problem is reported as a `TabularDataError` naming the file and line.
public struct DelimitedTableReader {
    /// The reading options.
    public var options: DelimitedReadOptions

    /// Creates a reader with `options`.
    public init(options: DelimitedReadOptions = DelimitedReadOptions()) {
        self.options = options
    }

    /// Reads the file at `url`. With `schema` (from the training file) the columns, category lists and class list
    /// are taken from it, and a value unknown to it is an error.
    public func read(_ url: URL, matching schema: TableSchema? = nil) throws -> RawTable {
        try read(SourceText(contentsOf: url), matching: schema)
    }

    /// Reads in-memory text; `name` is used in error messages in place of a file name.
    public func read(text: String, name: String, matching schema: TableSchema? = nil) throws -> RawTable {
        try read(SourceText(name: name, bytes: Array(text.utf8)), matching: schema)
    }

    func read(_ source: SourceText, matching schema: TableSchema?) throws -> RawTable {
        let file = source.name
        let delimiter: UInt8?
        if let chosen = options.delimiter {
            guard let ascii = chosen.asciiValue, chosen.unicodeScalars.count == 1, ascii != UInt8(ascii: "\"") else {
                throw TabularDataError(file: file, "delimiter '\(chosen)' is not a single ASCII character other than '\"'")
            }
            delimiter = ascii == 0x20 ? nil : ascii
        } else {
            delimiter = DelimitedRecordScanner.detectDelimiter(source.bytes)
        }
        guard options.maximumColumnCount >= 1 else {
            throw TabularDataError(file: file, "the column budget must be at least 1, got \(options.maximumColumnCount)")
        }
        let scanner = DelimitedRecordScanner(delimiter: delimiter, maximumFieldCount: options.maximumColumnCount, file: file)
        let delimiterName = delimiter.map { $0 == 0x09 ? "tab" : "'\(Character(UnicodeScalar($0)))'" } ?? "whitespace"
        var columnCount: Int? = schema.map { $0.columns.count + 1 }
        var classColumn = 0
        var numericColumns: [[Double]] = []     // indexed by file column (empty for class / categorical)
        var categoricalTexts: [Int: [String?]] = [:]
        var classTexts: [String] = []
        var lineNumbers: [Int] = []

        func setUp(columns: Int, line: Int) throws {
            if schema == nil && columns < 2 {
                throw TabularDataError(file: file, line: line, "rows have \(columns) column with \(delimiterName) as the delimiter: "
                                       + "no feature besides the class (another delimiter? pass --delimiter)")
            }
            classColumn = options.classColumn ?? (columns - 1)
            guard classColumn >= 0, classColumn < columns else {
                throw TabularDataError(file: file, line: line, "class column \(classColumn) does not exist (rows have \(columns) columns)")
            }
            if let names = options.columnNames, names.count != columns {
                throw TabularDataError(file: file, line: line, "\(names.count) column names given but rows have \(columns) columns")
            }
            for key in options.categoricalColumns.keys where key < 0 || key >= columns || key == classColumn {
                throw TabularDataError(file: file, line: line, "categorical column \(key) is not a feature column (rows have \(columns) columns, class column \(classColumn))")
            }
            numericColumns = Array(repeating: [], count: columns)
            for c in 0..<columns where c != classColumn && !isCategorical(c, schema: schema, classColumn: classColumn) {
                numericColumns[c].reserveCapacity(min(source.bytes.count / (columns * 2) + 1, 1 << 20))
            }
            for c in 0..<columns where isCategorical(c, schema: schema, classColumn: classColumn) {
                categoricalTexts[c] = []
            }
        }

        if let columns = columnCount { try setUp(columns: columns, line: 1) }

        try scanner.forEachRecord(source.bytes) { lineNumber, fields in
            if fields.isEmpty { return }
            if !fields[0].quoted, SourceText.trimmed(fields[0].bytes).first == UInt8(ascii: "@") {
                throw TabularDataError(file: file, line: lineNumber, "line starts with '@': this looks like a KEEL/ARFF header; read the file with ARFFReader (TabularFileFormat.detect picks it for files that start with a header)")
            }
            if columnCount == nil {
                columnCount = fields.count
                try setUp(columns: fields.count, line: lineNumber)
            }
            guard let columns = columnCount, fields.count == columns else {
                throw TabularDataError(file: file, line: lineNumber, "expected \(columnCount ?? 0) columns, found \(fields.count) (delimiter: \(delimiterName))")
            }
            for c in 0..<columns {
                var field = fields[c].bytes
                if options.trimsWhitespace && !fields[c].quoted { field = SourceText.trimmed(field) }
                let isMissing = options.missingValueMarkers.isEmpty || fields[c].quoted ? false
                    : options.missingValueMarkers.contains(SourceText.string(field))
                if c == classColumn {
                    if isMissing || field.isEmpty {
                        throw TabularDataError(file: file, line: lineNumber, "column \(c + 1): the class value is missing")
                    }
                    classTexts.append(SourceText.string(field))
                } else if categoricalTexts[c] != nil {
                    if !isMissing && field.isEmpty {
                        throw TabularDataError(file: file, line: lineNumber, "column \(c + 1): empty cell (add \"\" to missingValueMarkers to treat empty cells as missing)")
                    }
                    categoricalTexts[c, default: []].append(isMissing ? nil : SourceText.string(field))
                } else if isMissing {
                    numericColumns[c].append(.nan)
                } else if let value = SourceText.finiteNumber(field) {
                    numericColumns[c].append(value)
                } else {
                    let shown = field.isEmpty ? "an empty cell (add \"\" to missingValueMarkers to treat empty cells as missing)" : "'\(SourceText.string(field.prefix(40)))'"
                    throw TabularDataError(file: file, line: lineNumber, "column \(c + 1): expected a finite number, found \(shown)")
                }
            }
            lineNumbers.append(lineNumber)
        }

        guard let columns = columnCount, !lineNumbers.isEmpty else {
            throw TabularDataError(file: file, line: 1, "file has no data rows")
        }
        if schema == nil {
            try ClassNameCheck.check(classTexts, lineNumbers: lineNumbers, file: file,
                                     lastRowIsComplete: source.endsWithLineBreak)
        }

        // Class list and labels.
        let classNames = schema?.classNames ?? ClassNameOrdering.sorted(Set(classTexts))
        var classIndex: [String: Int] = [:]
        for (i, name) in classNames.enumerated() { classIndex[name] = i }
        var labels = [Int](repeating: 0, count: classTexts.count)
        for (r, text) in classTexts.enumerated() {
            guard let y = classIndex[text] else {
                throw TabularDataError(file: file, line: lineNumbers[r], "class '\(text)' is not one of the training classes (\(Self.preview(classNames)))")
            }
            labels[r] = y
        }

        // Feature columns.
        var schemaColumns: [ColumnSchema] = []
        var values: [[Double]] = []
        var featureIndex = 0
        for c in 0..<columns where c != classColumn {
            defer { featureIndex += 1 }
            let name = schema?.columns[featureIndex].name ?? options.columnNames?[c] ?? "x\(c)"
            if let texts = categoricalTexts[c] {
                let categories: [String]
                if let schema {
                    guard case .categorical(let list) = schema.columns[featureIndex].kind else {
                        throw TabularDataError(file: file, "column \(c + 1) ('\(name)') is numeric in the training schema but categorical here")
                    }
                    categories = list
                } else {
                    switch options.categoricalColumns[c] ?? .discovered {
                    case .declared(let list): categories = list
                    case .discovered: categories = ClassNameOrdering.sorted(Set(texts.compactMap { $0 }))
                    }
                }
                var index: [String: Int] = [:]
                for (i, v) in categories.enumerated() { index[v] = i }
                var column = [Double](repeating: .nan, count: texts.count)
                for (r, text) in texts.enumerated() {
                    guard let text else { continue }
                    guard let k = index[text] else {
                        throw TabularDataError(file: file, line: lineNumbers[r], "column \(c + 1) ('\(name)'): unknown category '\(text)' (known: \(Self.preview(categories)))")
                    }
                    column[r] = Double(k)
                }
                schemaColumns.append(ColumnSchema(name: name, kind: .categorical(categories)))
                values.append(column)
            } else {
                let column = numericColumns[c]
                let kind: FeatureKind
                if let schema {
                    kind = schema.columns[featureIndex].kind
                } else if options.infersDiscreteColumns, column.contains(where: { !$0.isNaN }),
                          column.allSatisfy({ $0.isNaN || $0 == $0.rounded() }) {
                    kind = .discrete
                } else {
                    kind = .continuous
                }
                schemaColumns.append(ColumnSchema(name: name, kind: kind))
                values.append(column)
            }
        }
        let className = schema?.className ?? options.columnNames?[classColumn] ?? "class"
        return RawTable(validatedSource: file,
                        schema: TableSchema(columns: schemaColumns, classNames: classNames, className: className),
                        columnValues: values, labels: labels, lineNumbers: lineNumbers)
    }

    private func isCategorical(_ c: Int, schema: TableSchema?, classColumn: Int) -> Bool {
        if c == classColumn { return false }
        if let schema {
            let featureIndex = c < classColumn ? c : c - 1
            guard featureIndex < schema.columns.count else { return false }
            return !schema.columns[featureIndex].kind.isNumeric
        }
        return options.categoricalColumns[c] != nil
    }

    /// The first few names of a list, for error messages.
    static func preview(_ names: [String]) -> String {
        let shown = names.prefix(8).map { "'\($0)'" }.joined(separator: ", ")
        return names.count > 8 ? shown + ", … (\(names.count) in all)" : shown
    }
}
