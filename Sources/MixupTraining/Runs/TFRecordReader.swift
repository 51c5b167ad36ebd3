import Foundation

/// Reads TFRecord files written by `TFRecordWriter` (or TensorFlow), checking every length and
/// checksum, so a truncated or corrupted event file is reported rather than misread.
public enum TFRecordReader {
    /// The data of every record in `url`, in order. Throws `TFRecordError` naming the file and
    /// byte offset of the first bad record (truncated, wrong length CRC, wrong data CRC).
    public static func records(in url: URL) throws -> [[UInt8]] {
        try records(in: [UInt8](Data(contentsOf: url)), path: url.path)
    }

    /// The data of every record in `bytes`; `path` names the source in errors.
    public static func records(in bytes: [UInt8], path: String) throws -> [[UInt8]] {
        func uint<T: FixedWidthInteger>(_: T.Type, at offset: Int) -> T {
            var value: T = 0
            for k in 0..<MemoryLayout<T>.size { value |= T(bytes[offset + k]) << (8 * k) }
            return value
        }
        var records: [[UInt8]] = []
        var offset = 0
        while offset < bytes.count {
            guard bytes.count - offset >= 12 else {
                throw TFRecordError(path: path, offset: offset, reason: "truncated record header (\(bytes.count - offset) bytes left, 12 needed)")
            }
            let length = uint(UInt64.self, at: offset)
            guard CRC32C.maskedChecksum(bytes[offset..<offset + 8]) == uint(UInt32.self, at: offset + 8) else {
                throw TFRecordError(path: path, offset: offset, reason: "length checksum mismatch")
            }
            let available = UInt64(bytes.count - offset - 12)
            guard length <= available, available - length >= 4 else {
                throw TFRecordError(path: path, offset: offset, reason: "record claims \(length) bytes but only \(available) follow (4 of them needed for its checksum)")
            }
            let start = offset + 12, end = start + Int(length)
            guard CRC32C.maskedChecksum(bytes[start..<end]) == uint(UInt32.self, at: end) else {
                throw TFRecordError(path: path, offset: offset, reason: "data checksum mismatch")
            }
            records.append(Array(bytes[start..<end]))
            offset = end + 4
        }
        return records
    }
}

/// A TFRecord file that cannot be read: which file, where, and why.
public struct TFRecordError: Error, CustomStringConvertible {
    /// The file (or description of the bytes) being read.
    public var path: String
    /// Byte offset of the record that failed.
    public var offset: Int
    /// What was wrong with it.
    public var reason: String

    /// "path: byte N: reason".
    public var description: String { "\(path): byte \(offset): \(reason)" }
}
