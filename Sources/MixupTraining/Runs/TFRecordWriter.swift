import Foundation

/// Appends TFRecord-framed records to a file: each record is its length (UInt64, little-endian),
/// the masked CRC-32C of those 8 bytes, the data, and the masked CRC-32C of the data. This is the
/// container of TensorBoard event files (`TensorBoardEventFile`).
public struct TFRecordWriter {
    /// The file records are appended to (created on the first append).
    public let url: URL

    /// A writer appending to `url`; nothing is touched until `append` is called.
    public init(url: URL) {
        self.url = url
    }

    /// The framed bytes of one record holding `data`.
    public static func frame(_ data: [UInt8]) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(data.count + 16)
        let length = withUnsafeBytes(of: UInt64(data.count).littleEndian, Array.init)
        bytes += length
        bytes += withUnsafeBytes(of: CRC32C.maskedChecksum(length).littleEndian, Array.init)
        bytes += data
        bytes += withUnsafeBytes(of: CRC32C.maskedChecksum(data).littleEndian, Array.init)
        return bytes
    }

    /// Appends `records` (each one record's data) to the end of the file in one write, creating
    /// the file if it does not exist yet.
    public func append(_ records: [[UInt8]]) throws {
        guard !records.isEmpty else { return }
        var bytes: [UInt8] = []
        for record in records { bytes += Self.frame(record) }
        do {
            if !FileManager.default.fileExists(atPath: url.path) {
                guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
                    throw RunDirectoryError("\(url.path): cannot create the TensorBoard event file")
                }
            }
            let handle = try FileHandle(forWritingTo: url)
            defer { try? handle.close() }
            try handle.seekToEnd()
            try handle.write(contentsOf: Data(bytes))
        } catch {
            throw RunDirectoryError.wrapping(error, url.path, "cannot append TensorBoard events")
        }
    }
}
