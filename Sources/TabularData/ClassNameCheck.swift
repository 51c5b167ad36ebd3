/// Refuses class names that betray a damaged file instead of a real class: control characters (NUL, escape, …)
/// and a name seen once that is a strict prefix of another class — what a file cut inside its last class name
/// leaves behind (`Iris-versi` next to `Iris-versicolor`).
enum ClassNameCheck {
    /// Throws a `TabularDataError` naming `file` and the line of the offending row.
    ///
    /// A once-seen prefix is refused when the name is not a number, or when it sits on the last row of a file that
    /// does not end with a line break (numeric classes such as `1` and `10` are legitimately prefixes).
    static func check(_ classTexts: [String], lineNumbers: [Int], file: String, lastRowIsComplete: Bool) throws {
        var counts: [String: Int] = [:]
        var firstRow: [String: Int] = [:]
        for (r, text) in classTexts.enumerated() {
            counts[text, default: 0] += 1
            if firstRow[text] == nil { firstRow[text] = r }
        }
        for (text, r) in firstRow.sorted(by: { $0.value < $1.value }) {
            if let bad = text.unicodeScalars.first(where: { $0.value < 0x20 || $0.value == 0x7F }) {
                throw TabularDataError(file: file, line: lineNumbers[r],
                                       "class name '\(text.debugDescription.dropFirst().dropLast())' contains the control character U+\(String(bad.value, radix: 16, uppercase: true).leftPadded(4)); the file looks corrupted")
            }
        }
        let names = Array(counts.keys)
        for (text, _) in firstRow.sorted(by: { $0.value < $1.value }) where counts[text] == 1 {
            guard let longer = names.first(where: { $0.count > text.count && $0.hasPrefix(text) }) else { continue }
            let r = firstRow[text]!
            let isNumber = Double(text) != nil
            let cutAtEnd = r == classTexts.count - 1 && !lastRowIsComplete
            if !isNumber || cutAtEnd {
                throw TabularDataError(file: file, line: lineNumbers[r],
                                       "class '\(text)' appears only on this line and is a prefix of class '\(longer)': "
                                       + "the file looks truncated or damaged here")
            }
        }
    }
}

extension String {
    /// The string left-padded with zeros to `width` characters (for U+XXXX code points).
    fileprivate func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
