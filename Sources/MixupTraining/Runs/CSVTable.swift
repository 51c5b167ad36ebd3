/// A comma-separated table (RFC 4180 quoting) for the machine-readable side of every report.
public struct CSVTable: Sendable {
    /// Column names (the first line).
    public let header: [String]
    /// Data rows.
    public private(set) var rows: [[String]] = []

    /// An empty table with these column names.
    public init(header: [String]) { self.header = header }

    /// Appends a row of already formatted cells.
    public mutating func append(_ cells: [String]) { rows.append(cells) }

    /// Appends a row of numbers, written with full precision (`description` round-trips).
    public mutating func append(numbers: [Double]) { rows.append(numbers.map { "\($0)" }) }

    /// The CSV text, one line per row, ending with a newline.
    public func render() -> String {
        ([header] + rows).map { $0.map(Self.quoted).joined(separator: ",") }.joined(separator: "\n") + "\n"
    }

    /// Quotes a cell when it holds a comma, quote or line break.
    static func quoted(_ cell: String) -> String {
        guard cell.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return cell }
        return "\"" + cell.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
