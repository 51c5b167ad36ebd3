import DataFiles
import Foundation

/// One TUDataset text file held in memory, with line-oriented parsers that report problems by file and line.
///
/// TUDataset files are plain text, one record per line, fields separated by commas and optional spaces.
/// Trailing blank lines are ignored; a blank line anywhere else is an error because line `i` is record `i`.
struct TUTextFile {
    /// Last path component, used in error messages.
    let name: String
    /// Raw file contents.
    let bytes: [UInt8]

    /// Reads `url`; a missing file throws when `required`, otherwise yields `nil`.
    static func read(_ url: URL, required: Bool) throws -> TUTextFile? {
        let name = url.lastPathComponent
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            if required {
                throw GraphDataError(file: name, message: "required file is missing (looked for \(url.path))")
            }
            return nil
        }
        if isDirectory.boolValue {
            throw GraphDataError(file: name, message: "expected a file but found a directory at \(url.path)")
        }
        do {
            let data = try Data(contentsOf: url)
            return TUTextFile(name: name, bytes: [UInt8](data))
        } catch {
            throw GraphDataError(file: name, message: "cannot read file: \(FileReadFailure.reason(url.path, error))")
        }
    }

    /// Byte ranges of the lines (without the line terminator), trailing blank lines removed.
    func lineRanges() -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        ranges.reserveCapacity(bytes.count / 4 + 1)
        bytes.withUnsafeBufferPointer { buffer in
            var start = 0
            let count = buffer.count
            var index = 0
            while index < count {
                if buffer[index] == UInt8(ascii: "\n") {
                    var end = index
                    if end > start && buffer[end - 1] == UInt8(ascii: "\r") { end -= 1 }
                    ranges.append(start..<end)
                    start = index + 1
                }
                index += 1
            }
            if start < count {
                var end = count
                if end > start && buffer[end - 1] == UInt8(ascii: "\r") { end -= 1 }
                ranges.append(start..<end)
            }
        }
        while let last = ranges.last, isBlank(last) { ranges.removeLast() }
        return ranges
    }

    /// Parses a file holding exactly one integer per line.
    func integerColumn() throws -> [Int] {
        let lines = lineRanges()
        var values = [Int]()
        values.reserveCapacity(lines.count)
        for (offset, range) in lines.enumerated() {
            let fields = fieldRanges(in: range)
            guard fields.count == 1 else {
                throw error(line: offset + 1, "expected 1 integer, found \(fields.count) comma-separated fields")
            }
            values.append(try integer(fields[0], line: offset + 1))
        }
        return values
    }

    /// Parses a file holding two comma-separated integers per line (an edge list).
    func integerPairs() throws -> (first: [Int], second: [Int]) {
        let lines = lineRanges()
        var first = [Int](), second = [Int]()
        first.reserveCapacity(lines.count)
        second.reserveCapacity(lines.count)
        for (offset, range) in lines.enumerated() {
            let fields = fieldRanges(in: range)
            guard fields.count == 2 else {
                throw error(line: offset + 1, "expected 2 comma-separated node ids, found \(fields.count) fields")
            }
            first.append(try integer(fields[0], line: offset + 1))
            second.append(try integer(fields[1], line: offset + 1))
        }
        return (first, second)
    }

    /// Parses a file of comma-separated finite floats with the same number of columns on every line.
    func floatRows() throws -> (values: [Float], rowCount: Int, columnCount: Int) {
        let lines = lineRanges()
        var values = [Float]()
        var columnCount = 0
        for (offset, range) in lines.enumerated() {
            let fields = fieldRanges(in: range)
            if offset == 0 {
                columnCount = fields.count
                values.reserveCapacity(lines.count * columnCount)
            } else if fields.count != columnCount {
                throw error(line: offset + 1, "expected \(columnCount) comma-separated values (as on line 1), found \(fields.count)")
            }
            for field in fields {
                let text = String(decoding: bytes[field], as: UTF8.self)
                guard let value = Float(text) else {
                    throw error(line: offset + 1, "expected a number, found '\(excerpt(field))'")
                }
                guard value.isFinite else {
                    throw error(line: offset + 1, "value '\(excerpt(field))' is not finite")
                }
                values.append(value)
            }
        }
        return (values, lines.count, columnCount)
    }

    /// Builds an error located at `line` of this file.
    func error(line: Int?, _ message: String) -> GraphDataError {
        GraphDataError(file: name, line: line, message: message)
    }

    // MARK: - Tokens

    private func isSpace(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r")
    }

    private func isBlank(_ range: Range<Int>) -> Bool {
        for index in range where !isSpace(bytes[index]) { return false }
        return true
    }

    /// Comma-separated fields of a line, each trimmed of spaces; a blank line yields no fields.
    private func fieldRanges(in range: Range<Int>) -> [Range<Int>] {
        if isBlank(range) { return [] }
        var fields: [Range<Int>] = []
        var start = range.lowerBound
        var index = range.lowerBound
        while index <= range.upperBound {
            if index == range.upperBound || bytes[index] == UInt8(ascii: ",") {
                var lower = start, upper = index
                while lower < upper && isSpace(bytes[lower]) { lower += 1 }
                while upper > lower && isSpace(bytes[upper - 1]) { upper -= 1 }
                fields.append(lower..<upper)
                start = index + 1
            }
            index += 1
        }
        return fields
    }

    /// Parses a trimmed field as a decimal integer with an optional sign (at most 18 digits).
    private func integer(_ field: Range<Int>, line: Int) throws -> Int {
        var index = field.lowerBound
        var negative = false
        if index < field.upperBound && (bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+")) {
            negative = bytes[index] == UInt8(ascii: "-")
            index += 1
        }
        let digitCount = field.upperBound - index
        guard digitCount > 0 else {
            throw error(line: line, "expected an integer, found '\(excerpt(field))'")
        }
        guard digitCount <= 18 else {
            throw error(line: line, "integer '\(excerpt(field))' is out of range")
        }
        var value = 0
        while index < field.upperBound {
            let byte = bytes[index]
            guard byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") else {
                throw error(line: line, "expected an integer, found '\(excerpt(field))'")
            }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
            index += 1
        }
        return negative ? -value : value
    }

    /// The field's text for an error message, shortened when long.
    private func excerpt(_ field: Range<Int>) -> String {
        let text = String(decoding: bytes[field], as: UTF8.self)
        return text.count > 40 ? String(text.prefix(40)) + "…" : text
    }
}
