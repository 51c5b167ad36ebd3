/// A cursor over one ARFF line: whitespace, `%` comments, quoted (`'…'`, `"…"`, backslash escapes) and bare tokens.
struct ARFFLineScanner {
    let bytes: ArraySlice<UInt8>
    var position: Int
    let file: String
    let line: Int

    init(_ bytes: ArraySlice<UInt8>, file: String, line: Int) {
        self.bytes = bytes
        self.position = bytes.startIndex
        self.file = file
        self.line = line
    }

    /// The current byte, or `nil` at the end of the line or at a `%` comment (outside quotes).
    var current: UInt8? {
        guard position < bytes.endIndex else { return nil }
        let b = bytes[position]
        return b == UInt8(ascii: "%") ? nil : b
    }

    /// True when only whitespace or a comment remains.
    mutating func isAtEnd() -> Bool {
        skipWhitespace()
        return current == nil
    }

    mutating func skipWhitespace() {
        while position < bytes.endIndex && SourceText.isWhitespace(bytes[position]) { position += 1 }
    }

    /// Consumes `byte` (after whitespace) if it is next.
    mutating func consume(_ byte: UInt8) -> Bool {
        skipWhitespace()
        if current == byte { position += 1; return true }
        return false
    }

    /// The rest of the line (comments included) as text, for messages.
    var remainder: String { SourceText.string(bytes[position...].prefix(40)) }

    /// Reads one value: a quoted string (quotes removed, escapes resolved) or a bare token that ends at whitespace
    /// (when `stopsAtWhitespace`), at a byte in `terminators`, at a `%` comment or at the end of the line.
    mutating func readToken(terminators: [UInt8], stopsAtWhitespace: Bool) throws -> (text: String, quoted: Bool) {
        skipWhitespace()
        guard let first = current else { return ("", false) }
        if first == UInt8(ascii: "'") || first == UInt8(ascii: "\"") {
            var out: [UInt8] = []
            position += 1
            while position < bytes.endIndex {
                let b = bytes[position]
                if b == first { position += 1; return (SourceText.string(out[...]), true) }
                if b == UInt8(ascii: "\\") && position + 1 < bytes.endIndex {
                    position += 1
                    switch bytes[position] {
                    case UInt8(ascii: "n"): out.append(0x0A)
                    case UInt8(ascii: "t"): out.append(0x09)
                    case UInt8(ascii: "r"): out.append(0x0D)
                    default: out.append(bytes[position])
                    }
                } else {
                    out.append(b)
                }
                position += 1
            }
            throw TabularDataError(file: file, line: line, "unterminated quoted string")
        }
        let start = position
        while let b = current, !terminators.contains(b), !(stopsAtWhitespace && SourceText.isWhitespace(b)) {
            position += 1
        }
        return (SourceText.string(SourceText.trimmed(bytes[start..<position])), false)
    }
}
