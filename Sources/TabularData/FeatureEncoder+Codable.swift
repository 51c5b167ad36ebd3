/// A fitted encoder as JSON, so a checkpoint can carry the exact preprocessing of its training data
/// (schema, fill values, standardisation) and new files can be encoded the same way later.
extension FeatureEncoder: Codable {
    private enum CodingKeys: String, CodingKey { case schema, fillValues, featureNames, means, scales }

    /// Decodes an encoder written by `encode(to:)`, checking that its arrays agree in length.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let schema = try c.decode(TableSchema.self, forKey: .schema)
        let fills = try c.decode([Double].self, forKey: .fillValues)
        let names = try c.decode([String].self, forKey: .featureNames)
        let means = try c.decode([Double].self, forKey: .means)
        let scales = try c.decode([Double].self, forKey: .scales)
        let width = schema.columns.reduce(0) { sum, column in
            if case .categorical(let categories) = column.kind { return sum + categories.count }
            return sum + 1
        }
        guard fills.count == schema.columns.count, names.count == width, means.count == width, scales.count == width else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription:
                "feature encoder: \(schema.columns.count) columns encode to \(width) features, but it has \(fills.count) fill values, "
                + "\(names.count) names, \(means.count) means and \(scales.count) scales"))
        }
        guard (fills + means + scales).allSatisfy(\.isFinite), scales.allSatisfy({ $0 > 0 }) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription:
                "feature encoder: fill values, means and scales must be finite and scales positive"))
        }
        self.init(schema: schema, fillValues: fills, featureNames: names, means: means, scales: scales)
    }

    /// Encodes schema, fill values, feature names, means and scales.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(schema, forKey: .schema)
        try c.encode(fillValues, forKey: .fillValues)
        try c.encode(featureNames, forKey: .featureNames)
        try c.encode(means, forKey: .means)
        try c.encode(scales, forKey: .scales)
    }
}

/// A table schema as JSON (columns, class names, class column name).
extension TableSchema: Codable {
    private enum CodingKeys: String, CodingKey { case columns, classNames, className }

    /// Decodes a schema written by `encode(to:)`.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(columns: try c.decode([ColumnSchema].self, forKey: .columns),
                  classNames: try c.decode([String].self, forKey: .classNames),
                  className: try c.decode(String.self, forKey: .className))
    }

    /// Encodes columns, class names and the class column's name.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(columns, forKey: .columns)
        try c.encode(classNames, forKey: .classNames)
        try c.encode(className, forKey: .className)
    }
}

/// A column as JSON: its name, its kind (`continuous`, `discrete`, `categorical`) and, for
/// categorical columns, the category list.
extension ColumnSchema: Codable {
    private enum CodingKeys: String, CodingKey { case name, kind, categories }

    /// Decodes a column written by `encode(to:)`.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let name = try c.decode(String.self, forKey: .name)
        switch try c.decode(String.self, forKey: .kind) {
        case "continuous": self.init(name: name, kind: .continuous)
        case "discrete": self.init(name: name, kind: .discrete)
        case "categorical": self.init(name: name, kind: .categorical(try c.decode([String].self, forKey: .categories)))
        case let other:
            throw DecodingError.dataCorruptedError(forKey: .kind, in: c, debugDescription:
                "column '\(name)': unknown kind '\(other)' (expected continuous, discrete or categorical)")
        }
    }

    /// Encodes name, kind and categories.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        switch kind {
        case .continuous: try c.encode("continuous", forKey: .kind)
        case .discrete: try c.encode("discrete", forKey: .kind)
        case .categorical(let categories):
            try c.encode("categorical", forKey: .kind)
            try c.encode(categories, forKey: .categories)
        }
    }
}
