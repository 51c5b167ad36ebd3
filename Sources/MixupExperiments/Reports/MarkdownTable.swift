/// A GitHub-flavoured Markdown table built row by row, so every workflow prints results the same way.
public struct MarkdownTable: Sendable {
    /// Column titles.
    public let header: [String]
    /// Body rows (each as many cells as the header; short rows are padded with empty cells).
    public private(set) var rows: [[String]] = []

    /// An empty table with these column titles.
    public init(header: [String]) { self.header = header }

    /// Appends one row; `|` inside a cell is escaped so it cannot break the layout.
    public mutating func append(_ cells: [String]) {
        rows.append((cells + Array(repeating: "", count: max(0, header.count - cells.count))).map {
            $0.replacingOccurrences(of: "|", with: "\\|")
        })
    }

    /// The table as Markdown text (no trailing newline).
    public func render() -> String {
        var lines = ["| " + header.joined(separator: " | ") + " |",
                     "|" + String(repeating: "---|", count: header.count)]
        for row in rows { lines.append("| " + row.joined(separator: " | ") + " |") }
        return lines.joined(separator: "\n")
    }
}
