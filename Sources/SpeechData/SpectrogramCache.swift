import Foundation

/// A directory of precomputed feature arrays, one file per key, so spectrograms are computed once per
/// (file content, settings) pair.
///
/// Entry file `<hex key>.spec`: magic `MXSPEC01` (8 bytes), value count (UInt64 LE), the 32-byte key, the values
/// (Float32 LE), then the SHA-256 of everything before it. An entry is used only if its size, magic, count, key and
/// checksum all match; anything else is reported as `.corrupt` and the caller recomputes and overwrites it. Writes go
/// to a temporary file in the same directory and are moved into place with `rename(2)`, so readers never see a
/// half-written entry.
public struct SpectrogramCache {
    /// The directory holding the entries (created if missing).
    public let directory: URL

    /// Outcome of looking a key up.
    public enum Lookup: Equatable {
        /// A valid entry: its values.
        case hit([Float])
        /// No entry for this key.
        case miss
        /// An entry exists but failed validation (reason in words); it must be recomputed.
        case corrupt(String)
    }

    private static let magic: [UInt8] = Array("MXSPEC01".utf8)

    /// Opens (creating if needed) a cache in `directory`.
    public init(directory: URL) throws {
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw SpeechDataError(path: directory.path, reason: "cannot create cache directory (\(error.localizedDescription))")
        }
        self.directory = directory
    }

    /// Path of the entry for a 32-byte key.
    public func entryURL(forKey key: [UInt8]) -> URL {
        directory.appendingPathComponent(SHA256.hex(key) + ".spec")
    }

    /// Looks up `key`, expecting exactly `count` values.
    public func lookup(key: [UInt8], count: Int) -> Lookup {
        let url = entryURL(forKey: key)
        guard FileManager.default.fileExists(atPath: url.path) else { return .miss }
        guard let data = try? Data(contentsOf: url) else { return .corrupt("unreadable") }
        let expected = 8 + 8 + 32 + 4 * count + 32
        guard data.count == expected else { return .corrupt("size \(data.count) bytes, expected \(expected)") }
        return data.withUnsafeBytes { raw -> Lookup in
            guard Array(raw[0..<8]) == Self.magic else { return .corrupt("bad magic") }
            var n: UInt64 = 0
            for i in 0..<8 { n |= UInt64(raw[8 + i]) << (8 * UInt64(i)) }
            guard n == UInt64(count) else { return .corrupt("count \(n), expected \(count)") }
            guard Array(raw[16..<48]) == key else { return .corrupt("key mismatch") }
            let payloadEnd = expected - 32
            let digest = SHA256.hash(UnsafeRawBufferPointer(rebasing: raw[0..<payloadEnd]))
            guard Array(raw[payloadEnd..<expected]) == digest else { return .corrupt("checksum mismatch") }
            var values = [Float](repeating: 0, count: count)
            values.withUnsafeMutableBytes { dst in
                dst.copyMemory(from: UnsafeRawBufferPointer(rebasing: raw[48..<payloadEnd]))
            }
            #if _endian(big)
            for i in 0..<count { values[i] = Float(bitPattern: UInt32(littleEndian: values[i].bitPattern)) }
            #endif
            return .hit(values)
        }
    }

    /// Writes `values` under `key` atomically (temporary file + rename), replacing any existing entry.
    public func store(_ values: [Float], key: [UInt8]) throws {
        var bytes = [UInt8]()
        bytes.reserveCapacity(8 + 8 + 32 + 4 * values.count + 32)
        bytes += Self.magic
        let n = UInt64(values.count)
        for i in 0..<8 { bytes.append(UInt8(truncatingIfNeeded: n >> (8 * UInt64(i)))) }
        bytes += key
        for v in values {
            withUnsafeBytes(of: v.bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
        }
        bytes += SHA256.hash(bytes)
        let final = entryURL(forKey: key)
        let temp = directory.appendingPathComponent(".tmp-\(UUID().uuidString)-" + final.lastPathComponent)
        do {
            try Data(bytes).write(to: temp)
        } catch {
            throw SpeechDataError(path: temp.path, reason: "cannot write cache entry (\(error.localizedDescription))")
        }
        if rename(temp.path, final.path) != 0 {
            let code = errno
            try? FileManager.default.removeItem(at: temp)
            throw SpeechDataError(path: final.path, reason: "cannot move cache entry into place (errno \(code))")
        }
    }
}
