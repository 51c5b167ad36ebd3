import Foundation

/// The file formats the module reads, with detection from the file name, so a command line can take any path.
public enum TabularFileFormat: Equatable, Sendable {
    /// Headerless delimiter-separated values (KEEL/UCI `.dat`, `.csv`, `.data`).
    case delimited(DelimitedReadOptions)
    /// The UCI Abalone layout (`abalone.data`).
    case abalone
    /// Dense ARFF.
    case arff(ARFFReadOptions)

    /// `.arff` → ARFF; a file named `abalone.data` → Abalone; anything else → comma-separated, class last.
    public static func detect(_ url: URL) -> TabularFileFormat {
        if url.pathExtension.lowercased() == "arff" { return .arff(ARFFReadOptions()) }
        if url.lastPathComponent.lowercased() == "abalone.data" { return .abalone }
        return .delimited(DelimitedReadOptions())
    }

    /// Reads `url` in this format; with `schema` (from the training file) values are mapped like the training data.
    public func read(_ url: URL, matching schema: TableSchema? = nil) throws -> RawTable {
        switch self {
        case .delimited(let options): return try DelimitedTableReader(options: options).read(url, matching: schema)
        case .abalone: return try AbaloneReader.read(url, matching: schema)
        case .arff(let options): return try ARFFReader(options: options).read(url, matching: schema)
        }
    }
}
