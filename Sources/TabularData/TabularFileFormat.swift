import Foundation

/// The file formats the module reads, with detection from the file name, so a command line can take any path.
public enum TabularFileFormat: Equatable, Sendable {
    /// Headerless delimiter-separated values (KEEL/UCI `.dat`, `.csv`, `.data`).
    case delimited(DelimitedReadOptions)
    /// The UCI Abalone layout (`abalone.data`).
    case abalone
    /// Dense ARFF.
    case arff(ARFFReadOptions)

    /// `.arff` → ARFF; a file named `abalone.data` → Abalone; a file whose first line (after blank and `%` lines)
    /// starts with `@` → ARFF/KEEL header (KEEL `.dat` as distributed); anything else → delimiter-separated
    /// (delimiter detected), class last.
    public static func detect(_ url: URL) -> TabularFileFormat {
        if url.pathExtension.lowercased() == "arff" { return .arff(ARFFReadOptions()) }
        if url.lastPathComponent.lowercased() == "abalone.data" { return .abalone }
        if startsWithHeader(url) { return .arff(ARFFReadOptions()) }
        return .delimited(DelimitedReadOptions())
    }

    /// Whether the first meaningful line of the file's first 64 KiB starts with `@` (unreadable files: false, so
    /// the reader reports why).
    private static func startsWithHeader(_ url: URL) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: url.path) else { return false }
        defer { try? handle.close() }
        guard let head = try? handle.read(upToCount: 1 << 16) else { return false }
        var atLineStart = true, inComment = false
        for b in head {
            if b == 0x0A || b == 0x0D { atLineStart = true; inComment = false; continue }
            if inComment || b == 0x20 || b == 0x09 || b == 0xEF || b == 0xBB || b == 0xBF { continue }
            if atLineStart && b == UInt8(ascii: "%") { inComment = true; continue }
            return b == UInt8(ascii: "@")
        }
        return false
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
