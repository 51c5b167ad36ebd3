/// Splits delimiter-separated text into records and fields: RFC 4180 quoting (`"…"`, `""` for a quote, line
/// breaks inside quotes), `\n`/`\r\n`/`\r` line ends, and a whitespace mode where runs of spaces and tabs separate
/// fields. Every problem is a `TabularDataError` naming the file and the line.
struct DelimitedRecordScanner {
    /// One field: its bytes (unescaped when it was quoted) and whether it was quoted.
    struct Field {
        var bytes: ArraySlice<UInt8>
        var quoted: Bool
    }

    /// The separator byte, or `nil` for runs of spaces and tabs.
    let delimiter: UInt8?
    /// The most fields a record may have before the scan stops with an error.
    let maximumFieldCount: Int
    /// Named in errors.
    let file: String

    private static let quote = UInt8(ascii: "\"")

    /// Calls `body(line, fields)` for every record; `line` is the 1-based line where the record starts.
    /// Lines that are blank are passed with no fields.
    func forEachRecord(_ bytes: [UInt8], _ body: (Int, [Field]) throws -> Void) throws {
        var fields: [Field] = []
        var i = 0
        var line = 1
        let n = bytes.count
        func isBlank(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 }
        func isLineEnd(_ b: UInt8) -> Bool { b == 0x0A || b == 0x0D }
        while i < n {
            let recordLine = line
            fields.removeAll(keepingCapacity: true)
            var atRecordEnd = false
            // Whitespace mode: leading blanks do not make an empty first field.
            if delimiter == nil { while i < n && isBlank(bytes[i]) { i += 1 } }
            while !atRecordEnd {
                var lead = i
                while lead < n && isBlank(bytes[lead]) { lead += 1 }
                if lead < n && bytes[lead] == Self.quote {
                    // Quoted field.
                    let openLine = line
                    var value: [UInt8] = []
                    var j = lead + 1
                    var closed = false
                    while j < n {
                        let b = bytes[j]
                        if b == Self.quote {
                            if j + 1 < n && bytes[j + 1] == Self.quote { value.append(Self.quote); j += 2; continue }
                            closed = true; j += 1; break
                        }
                        if b == 0x0A || (b == 0x0D && !(j + 1 < n && bytes[j + 1] == 0x0A)) { line += 1 }
                        value.append(b)
                        j += 1
                    }
                    guard closed else {
                        throw TabularDataError(file: file, line: openLine, "unterminated quoted field (a '\"' opened here is never closed)")
                    }
                    while j < n && isBlank(bytes[j]) && (delimiter == nil ? false : bytes[j] != delimiter) { j += 1 }
                    fields.append(Field(bytes: value[...], quoted: true))
                    i = j
                } else {
                    var j = i
                    if let delimiter {
                        while j < n && bytes[j] != delimiter && !isLineEnd(bytes[j]) { j += 1 }
                    } else {
                        while j < n && !isBlank(bytes[j]) && !isLineEnd(bytes[j]) { j += 1 }
                    }
                    fields.append(Field(bytes: bytes[i..<j], quoted: false))
                    i = j
                }
                if fields.count > maximumFieldCount {
                    throw TabularDataError(file: file, line: recordLine, "row has more than \(maximumFieldCount) columns, class included "
                                           + "(the column budget; raise it with --max-features if the file is really this wide)")
                }
                // After a field: delimiter, line end or end of text.
                if i >= n { atRecordEnd = true; break }
                let b = bytes[i]
                if let delimiter {
                    if b == delimiter { i += 1; continue }
                } else if isBlank(b) {
                    while i < n && isBlank(bytes[i]) { i += 1 }
                    if i >= n || isLineEnd(bytes[i]) { continue }
                    continue
                }
                if isLineEnd(b) {
                    i += (b == 0x0D && i + 1 < n && bytes[i + 1] == 0x0A) ? 2 : 1
                    line += 1
                    atRecordEnd = true
                    break
                }
                throw TabularDataError(file: file, line: line, "unexpected text after a closing quote: '\(SourceText.string(bytes[i..<min(n, i + 20)]))'")
            }
            if fields.count == 1 && !fields[0].quoted && SourceText.trimmed(fields[0].bytes).isEmpty {
                fields.removeAll(keepingCapacity: true)
            }
            // Whitespace mode: a trailing run of blanks leaves an empty last field; drop it.
            if delimiter == nil, let last = fields.last, !last.quoted, last.bytes.isEmpty { fields.removeLast() }
            try body(recordLine, fields)
        }
    }

    /// The separator of `bytes` guessed from up to five data lines (skipping blank lines and `@`, `%`, `#` lines):
    /// `,`, `;` or tab when it splits every sampled line into the same number (> 1) of fields — the most fields
    /// wins, ties go to that order — else `nil` (whitespace) when the lines hold blank-separated tokens, else `,`.
    static func detectDelimiter(_ bytes: [UInt8]) -> UInt8? {
        // Sample records (line breaks inside quotes do not end one) with their delimiter counts outside quotes.
        let candidates: [UInt8] = [UInt8(ascii: ","), UInt8(ascii: ";"), 0x09]
        var samples: [(counts: [Int], hasBlank: Bool)] = []
        var counts = [0, 0, 0], hasBlank = false, inQuotes = false
        var first: UInt8?
        func finish() {
            if let f = first, f != UInt8(ascii: "@"), f != UInt8(ascii: "%"), f != UInt8(ascii: "#") {
                samples.append((counts, hasBlank))
            }
            counts = [0, 0, 0]; hasBlank = false; first = nil
        }
        var pendingBlank = false
        for b in bytes {
            if samples.count >= 5 { break }
            if b == quote { inQuotes.toggle() }
            if !inQuotes && (b == 0x0A || b == 0x0D) { finish(); pendingBlank = false; continue }
            if first == nil {
                if b == 0x20 || b == 0x09 { continue }
                first = b
            }
            if inQuotes { continue }
            if let k = candidates.firstIndex(of: b) { counts[k] += 1 }
            if b == 0x20 || b == 0x09 { pendingBlank = true } else if pendingBlank { hasBlank = true; pendingBlank = false }
        }
        if samples.count < 5 { finish() }
        var best: (delimiter: UInt8, count: Int)?
        for (k, d) in candidates.enumerated() {
            let perLine = samples.map { $0.counts[k] }
            guard let c = perLine.first, c > 0, perLine.allSatisfy({ $0 == c }) else { continue }
            if best == nil || c > best!.count { best = (d, c) }
        }
        if let best { return best.delimiter }
        if samples.first?.hasBlank == true { return nil }
        return UInt8(ascii: ",")
    }
}
