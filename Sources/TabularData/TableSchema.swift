/// How one raw feature column is interpreted; decides its encoding and how its missing cells are filled.
public enum FeatureKind: Equatable, Sendable {
    /// Real-valued measurement; missing cells are filled with the training mean (paper §3.2).
    case continuous
    /// Integer-valued count or level; missing cells are filled with the training mode (paper §3.2).
    case discrete
    /// Nominal value from a fixed category list; cells store the category index, the feature is one-hot encoded
    /// and missing cells are filled with the training mode.
    case categorical([String])

    /// True for `.continuous` and `.discrete` (the cell holds the number itself).
    public var isNumeric: Bool {
        if case .categorical = self { return false }
        return true
    }
}

/// Name and kind of one raw feature column.
public struct ColumnSchema: Equatable, Sendable {
    /// Column name (from the ARFF header, the reader's options, or `x<index>` for headerless CSV).
    public var name: String
    /// How the column's cells are interpreted.
    public var kind: FeatureKind

    /// Creates a column description.
    public init(name: String, kind: FeatureKind) {
        self.name = name
        self.kind = kind
    }
}

/// The shape of a raw table: its feature columns and its class list, so a test file can be read and encoded
/// exactly like the training file.
public struct TableSchema: Equatable, Sendable {
    /// Feature columns in file order (the class column excluded).
    public var columns: [ColumnSchema]
    /// Class names; a row's label is an index into this list.
    public var classNames: [String]
    /// Name of the class column or attribute.
    public var className: String

    /// Creates a schema.
    public init(columns: [ColumnSchema], classNames: [String], className: String = "class") {
        self.columns = columns
        self.classNames = classNames
        self.className = className
    }
}
