import Foundation

/// The bytes of one text file plus its display name, split into lines for the readers.
///
/// Lines end at `\n`; a trailing `\r` (Windows line endings) and a leading UTF-8 byte-order mark are removed.
struct SourceText {
    /// Largest file the readers accept (1 GiB); checked before reading so a huge file is rejected without allocating.
    static let maximumByteCount = 1 << 30

    /// Display name used in error messages (the file's last path component).
    let name: String
    /// The raw bytes.
    let bytes: [UInt8]

    /// Reads `url`, rejecting unreadable, oversized and empty files with a `TabularDataError`.
    init(contentsOf url: URL) throws {
        let name = url.lastPathComponent
        let attributes: [FileAttributeKey: Any]
        do {
            attributes = try FileManager.default.attributesOfItem(atPath: url.path)
        } catch {
            throw TabularDataError(file: name, "cannot open file (\(error.localizedDescription))")
        }
        if let size = attributes[.size] as? NSNumber, size.int64Value > Int64(SourceText.maximumByteCount) {
            throw TabularDataError(file: name, "file is \(size.int64Value) bytes, larger than the \(SourceText.maximumByteCount)-byte limit")
        }
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw TabularDataError(file: name, "cannot read file (\(error.localizedDescription))")
        }
        try self.init(name: name, bytes: [UInt8](data))
    }

    /// Wraps in-memory bytes (used by tests and by callers that already hold the text).
    init(name: String, bytes: [UInt8]) throws {
        self.name = name
        var bytes = bytes
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { bytes.removeFirst(3) }
        var onlyWhitespace = true
        for b in bytes where !SourceText.isWhitespace(b) { onlyWhitespace = false; break }
        if onlyWhitespace {
            throw TabularDataError(file: name, line: 1, "file is empty")
        }
        self.bytes = bytes
    }

    /// Calls `body(lineNumber, lineBytes)` for every line (1-based numbers, `\r` stripped).
    func forEachLine(_ body: (Int, ArraySlice<UInt8>) throws -> Void) rethrows {
        var start = 0
        var lineNumber = 1
        let n = bytes.count
        while start < n {
            var end = start
            while end < n && bytes[end] != 0x0A { end += 1 }
            var stop = end
            if stop > start && bytes[stop - 1] == 0x0D { stop -= 1 }
            try body(lineNumber, bytes[start..<stop])
            lineNumber += 1
            start = end + 1
        }
    }

    /// Space, tab, carriage return, newline, vertical tab or form feed.
    @inline(__always)
    static func isWhitespace(_ b: UInt8) -> Bool {
        b == 0x20 || b == 0x09 || b == 0x0D || b == 0x0A || b == 0x0B || b == 0x0C
    }

    /// `slice` without leading and trailing whitespace.
    static func trimmed(_ slice: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var lo = slice.startIndex
        var hi = slice.endIndex
        while lo < hi && isWhitespace(slice[lo]) { lo += 1 }
        while hi > lo && isWhitespace(slice[hi - 1]) { hi -= 1 }
        return slice[lo..<hi]
    }

    /// Decodes bytes as UTF-8 (invalid sequences become U+FFFD).
    static func string(_ slice: ArraySlice<UInt8>) -> String {
        String(decoding: slice, as: UTF8.self)
    }

    /// Parses a finite decimal number; returns `nil` for anything else (including `nan`, `inf` and hex floats).
    static func finiteNumber(_ slice: ArraySlice<UInt8>) -> Double? {
        if slice.isEmpty { return nil }
        for b in slice {
            // Digits, sign, decimal point, exponent marker only: rejects "nan", "inf", "0x1p3", embedded spaces.
            let ok = (b >= 0x30 && b <= 0x39) || b == 0x2B || b == 0x2D || b == 0x2E || b == 0x65 || b == 0x45
            if !ok { return nil }
        }
        guard let value = Double(string(slice)), value.isFinite else { return nil }
        return value
    }
}
