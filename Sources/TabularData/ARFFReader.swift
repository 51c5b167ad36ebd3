import Foundation

/// Options of `ARFFReader`.
public struct ARFFReadOptions: Equatable, Sendable {
    /// Name of the class attribute; `nil` means the last attribute (the Weka convention).
    public var classAttribute: String?

    /// Creates options; by default the class is the last attribute.
    public init(classAttribute: String? = nil) {
        self.classAttribute = classAttribute
    }
}

/// Reads dense ARFF files (the Weka/OpenML format): `@relation`, `@attribute name numeric|real|integer|{v1,v2,…}`,
/// `@data`; `%` comments, `?` missing values, quoted names and values, case-insensitive keywords — and KEEL `.dat`
/// headers as distributed: ranges after numeric types (`real [4.3, 7.9]`, `integer[1,4]`), `@inputs a, b, …` and
/// `@outputs class` (the class is the `@outputs` attribute), `<null>` for a missing value.
///
/// `numeric`/`real` attributes become `.continuous`, `integer` ones `.discrete`, nominal ones `.categorical` with the
/// declared value order; class indices follow the class attribute's declaration order. Sparse rows (`{…}`),
/// `string`, `date` and `relational` attributes are rejected with a clear error naming the file and line.
public struct ARFFReader {
    /// The reading options.
    public var options: ARFFReadOptions

    /// Creates a reader with `options`.
    public init(options: ARFFReadOptions = ARFFReadOptions()) {
        self.options = options
    }

    /// One declared attribute.
    struct Attribute {
        var name: String
        var kind: FeatureKind
        var line: Int
    }

    /// Reads the file at `url`. With `schema` (from the training file) the header must declare the same attributes,
    /// nominal values are mapped through the training lists, and a value unknown to them is an error.
    public func read(_ url: URL, matching schema: TableSchema? = nil) throws -> RawTable {
        try read(SourceText(contentsOf: url), matching: schema)
    }

    /// Reads in-memory ARFF text; `name` is used in error messages in place of a file name.
    public func read(text: String, name: String, matching schema: TableSchema? = nil) throws -> RawTable {
        try read(SourceText(name: name, bytes: Array(text.utf8)), matching: schema)
    }

    func read(_ source: SourceText, matching schema: TableSchema?) throws -> RawTable {
        let file = source.name
        var attributes: [Attribute] = []
        var inData = false
        var lastLine = 1
        // Data-phase state, set up when @data is seen.
        var classIndex = 0
        var lists: [[String]?] = []              // per attribute: nominal values (training lists if schema)
        var lookups: [[String: Int]?] = []       // per attribute: nominal value → index into `lists`
        var columns: [[Double]] = []
        var classTexts: [Int] = []
        var lineNumbers: [Int] = []
        var tokens: [(text: String, quoted: Bool)] = []
        var inputs: (names: [String], line: Int)?
        var outputs: (names: [String], line: Int)?

        try source.forEachLine { lineNumber, line in
            lastLine = lineNumber
            var scanner = ARFFLineScanner(line, file: file, line: lineNumber)
            if scanner.isAtEnd() { return }
            if !inData {
                guard scanner.consume(UInt8(ascii: "@")) else {
                    throw TabularDataError(file: file, line: lineNumber, "expected @relation, @attribute or @data, found '\(scanner.remainder)'")
                }
                let keyword = try scanner.readToken(terminators: [], stopsAtWhitespace: true).text.lowercased()
                switch keyword {
                case "relation":
                    return
                case "attribute":
                    attributes.append(try parseAttribute(&scanner, file: file, line: lineNumber, existing: attributes))
                case "inputs", "input":
                    inputs = (try parseNameList(&scanner, file: file, line: lineNumber), lineNumber)
                case "outputs", "output":
                    outputs = (try parseNameList(&scanner, file: file, line: lineNumber), lineNumber)
                case "data":
                    guard scanner.isAtEnd() else {
                        throw TabularDataError(file: file, line: lineNumber, "unexpected text after @data: '\(scanner.remainder)'")
                    }
                    (classIndex, lists) = try prepareData(attributes, schema: schema, file: file, line: lineNumber,
                                                          inputs: inputs, outputs: outputs)
                    lookups = lists.map { list in
                        list.map { Dictionary($0.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first }) }
                    }
                    columns = Array(repeating: [], count: attributes.count)
                    inData = true
                case "end":
                    throw TabularDataError(file: file, line: lineNumber, "relational attributes (@end) are not supported")
                default:
                    throw TabularDataError(file: file, line: lineNumber, "unknown keyword '@\(keyword)' (expected @relation, @attribute, @inputs, @outputs or @data)")
                }
                return
            }
            // Data row.
            scanner.skipWhitespace()
            if scanner.current == UInt8(ascii: "{") {
                throw TabularDataError(file: file, line: lineNumber, "sparse ARFF rows ('{index value, …}') are not supported; convert the file to dense ARFF")
            }
            tokens.removeAll(keepingCapacity: true)
            while true {
                let token = try scanner.readToken(terminators: [UInt8(ascii: ",")], stopsAtWhitespace: false)
                if !token.quoted && token.text.isEmpty {
                    throw TabularDataError(file: file, line: lineNumber, "value \(tokens.count + 1) is empty")
                }
                tokens.append(token)
                if scanner.consume(UInt8(ascii: ",")) { continue }
                if scanner.isAtEnd() { break }
                throw TabularDataError(file: file, line: lineNumber, "expected ',' after value \(tokens.count), found '\(scanner.remainder)'")
            }
            guard tokens.count == attributes.count else {
                throw TabularDataError(file: file, line: lineNumber, "expected \(attributes.count) values, found \(tokens.count)")
            }
            for (a, token) in tokens.enumerated() {
                let missing = !token.quoted && (token.text == "?" || token.text == "<null>")
                if a == classIndex {
                    if missing {
                        throw TabularDataError(file: file, line: lineNumber, "the class value ('\(attributes[a].name)') is missing")
                    }
                    guard let y = lookups[a]?[token.text] else {
                        throw unknownValue(token.text, attribute: attributes[a], known: lists[a] ?? [], schema: schema, file: file, line: lineNumber)
                    }
                    classTexts.append(y)
                    continue
                }
                if missing {
                    columns[a].append(.nan)
                } else if let lookup = lookups[a] {
                    guard let k = lookup[token.text] else {
                        throw unknownValue(token.text, attribute: attributes[a], known: lists[a] ?? [], schema: schema, file: file, line: lineNumber)
                    }
                    columns[a].append(Double(k))
                } else if let value = SourceText.finiteNumber(ArraySlice(token.text.utf8)) {
                    columns[a].append(value)
                } else {
                    throw TabularDataError(file: file, line: lineNumber, "attribute '\(attributes[a].name)' is numeric, but value \(a + 1) is '\(token.text.prefix(40))'")
                }
            }
            lineNumbers.append(lineNumber)
        }

        guard inData else {
            throw TabularDataError(file: file, line: lastLine, "missing @data section")
        }
        guard !lineNumbers.isEmpty else {
            throw TabularDataError(file: file, line: lastLine, "no data rows after @data")
        }
        var schemaColumns: [ColumnSchema] = []
        var values: [[Double]] = []
        for (a, attribute) in attributes.enumerated() where a != classIndex {
            let kind = schema?.columns[schemaColumns.count].kind ?? attribute.kind
            schemaColumns.append(ColumnSchema(name: attribute.name, kind: kind))
            values.append(columns[a])
        }
        guard case .categorical(let declaredClasses) = attributes[classIndex].kind else {
            throw TabularDataError(file: file, line: attributes[classIndex].line, "class attribute is not nominal")
        }
        let resultSchema = TableSchema(columns: schemaColumns, classNames: schema?.classNames ?? declaredClasses,
                                       className: attributes[classIndex].name)
        return RawTable(validatedSource: file, schema: resultSchema, columnValues: values, labels: classTexts,
                        lineNumbers: lineNumbers)
    }

    /// Parses the rest of an `@attribute` line.
    private func parseAttribute(_ scanner: inout ARFFLineScanner, file: String, line: Int,
                                existing: [Attribute]) throws -> Attribute {
        let name = try scanner.readToken(terminators: [UInt8(ascii: "{")], stopsAtWhitespace: true)
        guard !name.text.isEmpty else {
            throw TabularDataError(file: file, line: line, "@attribute without a name")
        }
        if existing.contains(where: { $0.name == name.text }) {
            throw TabularDataError(file: file, line: line, "attribute '\(name.text)' is declared twice")
        }
        let kind: FeatureKind
        if scanner.consume(UInt8(ascii: "{")) {
            var values: [String] = []
            if !scanner.consume(UInt8(ascii: "}")) {
                while true {
                    let value = try scanner.readToken(terminators: [UInt8(ascii: ","), UInt8(ascii: "}")], stopsAtWhitespace: false)
                    if !value.quoted && value.text.isEmpty {
                        throw TabularDataError(file: file, line: line, "attribute '\(name.text)': empty nominal value")
                    }
                    if values.contains(value.text) {
                        throw TabularDataError(file: file, line: line, "attribute '\(name.text)': nominal value '\(value.text)' is declared twice")
                    }
                    values.append(value.text)
                    if scanner.consume(UInt8(ascii: ",")) { continue }
                    if scanner.consume(UInt8(ascii: "}")) { break }
                    throw TabularDataError(file: file, line: line, "attribute '\(name.text)': unterminated nominal list (expected ',' or '}')")
                }
            }
            guard !values.isEmpty else {
                throw TabularDataError(file: file, line: line, "attribute '\(name.text)' has an empty nominal list")
            }
            kind = .categorical(values)
        } else {
            let type = try scanner.readToken(terminators: [UInt8(ascii: "[")], stopsAtWhitespace: true).text
            switch type.lowercased() {
            case "numeric", "real": kind = .continuous
            case "integer": kind = .discrete
            case "string", "date", "relational":
                throw TabularDataError(file: file, line: line, "attribute '\(name.text)' has type \(type.lowercased()), which is not supported (only numeric, real, integer and nominal)")
            case "":
                throw TabularDataError(file: file, line: line, "attribute '\(name.text)' has no type")
            default:
                throw TabularDataError(file: file, line: line, "attribute '\(name.text)' has unknown type '\(type)'")
            }
            // KEEL declares the observed range: `real [4.3, 7.9]`, `integer[1,4]`; it is informative only.
            if scanner.consume(UInt8(ascii: "[")) {
                while let b = scanner.current, b != UInt8(ascii: "]") { scanner.position += 1 }
                guard scanner.consume(UInt8(ascii: "]")) else {
                    throw TabularDataError(file: file, line: line, "attribute '\(name.text)': range '[' is not closed by ']'")
                }
            }
        }
        guard scanner.isAtEnd() else {
            throw TabularDataError(file: file, line: line, "unexpected text after attribute '\(name.text)': '\(scanner.remainder)'")
        }
        return Attribute(name: name.text, kind: kind, line: line)
    }

    /// Picks the class attribute and, with a training schema, checks the header against it; returns the class
    /// index and, per attribute, the nominal value list to map cells through (nil for numeric attributes).
    private func prepareData(_ attributes: [Attribute], schema: TableSchema?, file: String, line: Int,
                             inputs: (names: [String], line: Int)?,
                             outputs: (names: [String], line: Int)?) throws -> (Int, [[String]?]) {
        guard !attributes.isEmpty else {
            throw TabularDataError(file: file, line: line, "@data before any @attribute declaration")
        }
        for list in [inputs, outputs].compactMap({ $0 }) {
            for name in list.names where !attributes.contains(where: { $0.name == name }) {
                throw TabularDataError(file: file, line: list.line, "'\(name)' is not a declared @attribute")
            }
        }
        if let outputs, outputs.names.count != 1 {
            throw TabularDataError(file: file, line: outputs.line, "@outputs lists \(outputs.names.count) attributes; exactly one class attribute is supported")
        }
        if let inputs {
            let used = Set(inputs.names + (outputs?.names ?? []))
            if let unused = attributes.first(where: { !used.contains($0.name) }) {
                throw TabularDataError(file: file, line: unused.line, "attribute '\(unused.name)' is neither in @inputs nor in @outputs; leaving columns out is not supported")
            }
            if let output = outputs?.names.first, inputs.names.contains(output) {
                throw TabularDataError(file: file, line: inputs.line, "'\(output)' is both an input and the output")
            }
        }
        let classIndex: Int
        if let wanted = options.classAttribute ?? outputs?.names.first {
            guard let index = attributes.firstIndex(where: { $0.name == wanted }) else {
                throw TabularDataError(file: file, line: line, "no attribute named '\(wanted)' to use as the class (attributes: \(DelimitedTableReader.preview(attributes.map(\.name))))")
            }
            classIndex = index
        } else {
            classIndex = attributes.count - 1
        }
        let classAttribute = attributes[classIndex]
        guard case .categorical = classAttribute.kind else {
            throw TabularDataError(file: file, line: classAttribute.line, "class attribute '\(classAttribute.name)' is not nominal; only classification is supported")
        }
        if attributes.count < 2 {
            throw TabularDataError(file: file, line: line, "no feature attributes besides the class '\(classAttribute.name)'")
        }
        var lists: [[String]?] = []
        var featureIndex = 0
        for (a, attribute) in attributes.enumerated() {
            var list: [String]?
            if case .categorical(let declared) = attribute.kind { list = declared }
            if let schema {
                if a == classIndex {
                    list = schema.classNames
                } else {
                    guard featureIndex < schema.columns.count else {
                        throw TabularDataError(file: file, line: attribute.line, "attribute '\(attribute.name)' is not in the training header (which has \(schema.columns.count) features)")
                    }
                    let trained = schema.columns[featureIndex]
                    guard trained.name == attribute.name, trained.kind.isNumeric == attribute.kind.isNumeric else {
                        throw TabularDataError(file: file, line: attribute.line, "attribute '\(attribute.name)' does not match training attribute \(featureIndex + 1) '\(trained.name)' (\(trained.kind.isNumeric ? "numeric" : "nominal"))")
                    }
                    if case .categorical(let trainedList) = trained.kind { list = trainedList }
                    featureIndex += 1
                }
            }
            lists.append(list)
        }
        if let schema, featureIndex != schema.columns.count {
            throw TabularDataError(file: file, line: line, "header declares \(featureIndex) features but the training header has \(schema.columns.count)")
        }
        return (classIndex, lists)
    }

    /// Parses the comma-separated attribute names of an `@inputs` or `@outputs` line.
    private func parseNameList(_ scanner: inout ARFFLineScanner, file: String, line: Int) throws -> [String] {
        var names: [String] = []
        while !scanner.isAtEnd() {
            let name = try scanner.readToken(terminators: [UInt8(ascii: ",")], stopsAtWhitespace: false)
            guard !name.text.isEmpty else { throw TabularDataError(file: file, line: line, "empty attribute name in the list") }
            names.append(name.text)
            if !scanner.consume(UInt8(ascii: ",")) { break }
        }
        guard scanner.isAtEnd(), !names.isEmpty else {
            throw TabularDataError(file: file, line: line, "expected a comma-separated list of attribute names")
        }
        return names
    }

    private func unknownValue(_ text: String, attribute: Attribute, known: [String], schema: TableSchema?,
                              file: String, line: Int) -> TabularDataError {
        let origin = schema == nil ? "declared" : "in the training header"
        return TabularDataError(file: file, line: line, "value '\(text)' of nominal attribute '\(attribute.name)' is not \(origin) (known: \(DelimitedTableReader.preview(known)))")
    }
}
