import Foundation

/// The bytes of one text file plus its display name, split into lines for the readers.
///
/// Lines end at `\n`, `\r\n` or a lone `\r` (classic Mac files); a leading UTF-8 byte-order mark is removed.
/// NUL bytes are refused with their offset: no text format read here contains them, and a NUL usually marks a
/// binary or corrupted file whose rows would otherwise be read as strange class names.
struct SourceText {
    /// Largest file the readers accept (1 GiB); checked before reading so a huge file is rejected without allocating.
    static let maximumByteCount = 1 << 30

    /// Display name used in error messages (the file's last path component).
    let name: String
    /// The raw bytes.
    let bytes: [UInt8]

    /// Reads `url`, rejecting missing, unreadable, non-regular, oversized and empty files with a `TabularDataError`
    /// that says what was being done and why it failed (the operating system's reason, not a Foundation code).
    init(contentsOf url: URL) throws {
        let name = url.lastPathComponent
        try self.init(name: name, bytes: try SourceText.readFile(url, name: name))
    }

    /// The bytes of the regular file at `url`, read with POSIX calls so failures carry `strerror` causes.
    static func readFile(_ url: URL, name: String) throws -> [UInt8] {
        let path = url.path
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else {
            throw TabularDataError(file: name, "cannot open \(path) for reading: \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            throw TabularDataError(file: name, "cannot inspect \(path): \(String(cString: strerror(errno)))")
        }
        if (info.st_mode & S_IFMT) == S_IFDIR {
            throw TabularDataError(file: name, "\(path) is a directory, not a data file (give the file inside it)")
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw TabularDataError(file: name, "\(path) is not a regular file")
        }
        let size = Int(info.st_size)
        if size > maximumByteCount {
            throw TabularDataError(file: name, "file is \(size) bytes, larger than the \(maximumByteCount)-byte limit")
        }
        var bytes = [UInt8](repeating: 0, count: size)
        var filled = 0
        while filled < size {
            let got = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress! + filled, size - filled) }
            if got < 0 {
                if errno == EINTR { continue }
                throw TabularDataError(file: name, "cannot read \(path) at byte \(filled): \(String(cString: strerror(errno)))")
            }
            if got == 0 { break }
            filled += got
        }
        if filled < size { bytes.removeLast(size - filled) }
        return bytes
    }

    /// Wraps in-memory bytes (used by tests and by callers that already hold the text).
    init(name: String, bytes: [UInt8]) throws {
        self.name = name
        var bytes = bytes
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { bytes.removeFirst(3) }
        if let nul = bytes.firstIndex(of: 0) {
            throw TabularDataError(file: name, line: SourceText.lineNumber(ofOffset: nul, in: bytes),
                                   "NUL byte at byte offset \(nul): this is not a text file (or it is corrupted)")
        }
        var onlyWhitespace = true
        for b in bytes where !SourceText.isWhitespace(b) { onlyWhitespace = false; break }
        if onlyWhitespace {
            throw TabularDataError(file: name, line: 1, "file is empty")
        }
        self.bytes = bytes
    }

    /// The 1-based line holding byte `offset`, counting `\n`, `\r\n` and lone `\r` as line ends like `forEachLine`.
    static func lineNumber(ofOffset offset: Int, in bytes: [UInt8]) -> Int {
        var line = 1
        var i = 0
        while i < offset {
            if bytes[i] == 0x0A || (bytes[i] == 0x0D && (i + 1 >= bytes.count || bytes[i + 1] != 0x0A)) { line += 1 }
            i += 1
        }
        return line
    }

    /// Whether the last byte ends a line (so the last row was written completely, not cut off).
    var endsWithLineBreak: Bool {
        guard let last = bytes.last(where: { $0 != 0x20 && $0 != 0x09 }) else { return false }
        return last == 0x0A || last == 0x0D
    }

    /// Calls `body(lineNumber, lineBytes)` for every line (1-based numbers, terminators `\n`, `\r\n`, `\r` stripped).
    func forEachLine(_ body: (Int, ArraySlice<UInt8>) throws -> Void) rethrows {
        var start = 0
        var lineNumber = 1
        let n = bytes.count
        while start < n {
            var end = start
            while end < n && bytes[end] != 0x0A && bytes[end] != 0x0D { end += 1 }
            try body(lineNumber, bytes[start..<end])
            lineNumber += 1
            if end < n && bytes[end] == 0x0D && end + 1 < n && bytes[end + 1] == 0x0A { end += 1 }
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
