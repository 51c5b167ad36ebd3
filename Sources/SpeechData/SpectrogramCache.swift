import DataFiles
import Foundation

/// A directory of precomputed feature arrays, one file per key, so spectrograms are computed once per
/// (file content, settings) pair.
///
/// Entry file `<32 hex digits of the key>.spec`: magic `MXSPEC02` (8 bytes; the last two digits are the format
/// version), value count (UInt64 LE), the 16-byte key, the values (Float32 LE), then the CRC-32 (UInt32 LE) of
/// everything before it. An entry is used only if its size, magic, version, count, key and checksum all match;
/// anything else — an entry of another format version included — is reported as `.corrupt` and the caller
/// recomputes and overwrites it. Writes go to a temporary file in the same directory and are moved into place with
/// `rename(2)`, so readers never see a half-written entry.
///
/// Format 1 (`MXSPEC01`, SHA-256 keys and checksums, 64-hex-digit names) is never read as format 2: its files have
/// other names, and one found under a format-2 name fails the version check.
public struct SpectrogramCache {
    /// The directory holding the entries (created if missing).
    public let directory: URL

    /// What identifies an entry: two independent 32-bit checksums and the length of the keyed bytes
    /// (settings description ‖ file bytes, see `SpeechPreprocessor`).
    ///
    /// Why no cryptographic hash is needed: the cache only meets files you chose, so collisions can only be
    /// accidental. CRC-32 (a polynomial over GF(2)) and Adler-32 (two sums modulo the prime 65521) have unrelated
    /// algebra, so on inputs that differ they agree by chance with probability about 2⁻³² each, 2⁻⁶⁴ for both;
    /// the length must match as well. Over n = 100,000 distinct files the chance that any two of them share a key is
    /// at most n²/2 · 2⁻⁶⁴ ≈ 3 · 10⁻¹⁰. (Adler-32 is weak on inputs of a few hundred bytes; every keyed input is a
    /// WAV file of several kilobytes plus the settings text, long enough for both of its sums to wrap.)
    public struct Key: Equatable, Hashable, Sendable {
        /// CRC-32 of the keyed bytes.
        public var crc32: UInt32
        /// Adler-32 of the keyed bytes.
        public var adler32: UInt32
        /// Number of keyed bytes.
        public var byteCount: UInt64

        /// Creates a key from its parts.
        public init(crc32: UInt32, adler32: UInt32, byteCount: UInt64) {
            self.crc32 = crc32
            self.adler32 = adler32
            self.byteCount = byteCount
        }

        /// The key of the concatenation of `parts` (each part is fed to both checksums in order).
        public init(of parts: [UnsafeRawBufferPointer]) {
            var crc: UInt32 = 0, adler: UInt32 = 1, count: UInt64 = 0
            for part in parts {
                crc = Checksums.crc32(part, continuing: crc)
                adler = Checksums.adler32(part, continuing: adler)
                count += UInt64(part.count)
            }
            self.init(crc32: crc, adler32: adler, byteCount: count)
        }

        /// The 16 bytes stored in an entry: CRC-32, Adler-32 (UInt32 LE each), byte count (UInt64 LE).
        public var bytes: [UInt8] {
            var out = [UInt8]()
            out.reserveCapacity(16)
            for i in 0..<4 { out.append(UInt8(truncatingIfNeeded: crc32 >> (8 * UInt32(i)))) }
            for i in 0..<4 { out.append(UInt8(truncatingIfNeeded: adler32 >> (8 * UInt32(i)))) }
            for i in 0..<8 { out.append(UInt8(truncatingIfNeeded: byteCount >> (8 * UInt64(i)))) }
            return out
        }

        /// `bytes` as 32 lowercase hex digits (the entry's file name).
        public var hex: String {
            let digits = Array("0123456789abcdef".utf8)
            var out = [UInt8]()
            out.reserveCapacity(32)
            for b in bytes { out += [digits[Int(b >> 4)], digits[Int(b & 15)]] }
            return String(decoding: out, as: UTF8.self)
        }
    }

    /// Outcome of looking a key up.
    public enum Lookup: Equatable {
        /// A valid entry: its values.
        case hit([Float])
        /// No entry for this key.
        case miss
        /// An entry exists but failed validation (reason in words); it must be recomputed.
        case corrupt(String)
    }

    /// Format version written into every entry's magic; bump it whenever the layout or the key changes meaning.
    public static let formatVersion = 2

    private static let magicPrefix: [UInt8] = Array("MXSPEC".utf8)
    private static let magic: [UInt8] = magicPrefix + Array(String(format: "%02d", formatVersion).utf8)
    private static let headerSize = 8 + 8 + 16
    private static let checksumSize = 4

    /// Opens (creating if needed) a cache in `directory`.
    public init(directory: URL) throws {
        do {
            try FileSystemFailure.createFolder(directory.path)
        } catch {
            throw SpeechDataError(path: directory.path, reason: "cannot create cache directory (\(FileSystemFailure.reason(directory.path, error)))")
        }
        self.directory = directory
    }

    /// Path of the entry for `key`.
    public func entryURL(forKey key: Key) -> URL {
        directory.appendingPathComponent(key.hex + ".spec")
    }

    /// Looks up `key`, expecting exactly `count` values.
    public func lookup(key: Key, count: Int) -> Lookup {
        let url = entryURL(forKey: key)
        guard FileManager.default.fileExists(atPath: url.path) else { return .miss }
        guard let data = try? Data(contentsOf: url) else { return .corrupt("unreadable") }
        return data.withUnsafeBytes { raw -> Lookup in
            // The version first: an entry of another format must be refused as such, whatever its size.
            guard raw.count >= 8, Array(raw[0..<6]) == Self.magicPrefix else { return .corrupt("bad magic") }
            guard Array(raw[0..<8]) == Self.magic else {
                return .corrupt("cache format \(String(decoding: raw[6..<8], as: UTF8.self)), expected \(String(format: "%02d", Self.formatVersion))")
            }
            let expected = Self.headerSize + 4 * count + Self.checksumSize
            guard raw.count == expected else { return .corrupt("size \(raw.count) bytes, expected \(expected)") }
            var n: UInt64 = 0
            for i in 0..<8 { n |= UInt64(raw[8 + i]) << (8 * UInt64(i)) }
            guard n == UInt64(count) else { return .corrupt("count \(n), expected \(count)") }
            guard Array(raw[16..<Self.headerSize]) == key.bytes else { return .corrupt("key mismatch") }
            let payloadEnd = expected - Self.checksumSize
            var stored: UInt32 = 0
            for i in 0..<4 { stored |= UInt32(raw[payloadEnd + i]) << (8 * UInt32(i)) }
            guard Checksums.crc32(UnsafeRawBufferPointer(rebasing: raw[0..<payloadEnd])) == stored else {
                return .corrupt("checksum mismatch")
            }
            var values = [Float](repeating: 0, count: count)
            values.withUnsafeMutableBytes { dst in
                dst.copyMemory(from: UnsafeRawBufferPointer(rebasing: raw[Self.headerSize..<payloadEnd]))
            }
            #if _endian(big)
            for i in 0..<count { values[i] = Float(bitPattern: UInt32(littleEndian: values[i].bitPattern)) }
            #endif
            return .hit(values)
        }
    }

    /// Writes `values` under `key` atomically (temporary file + rename), replacing any existing entry.
    public func store(_ values: [Float], key: Key) throws {
        var bytes = [UInt8]()
        bytes.reserveCapacity(Self.headerSize + 4 * values.count + Self.checksumSize)
        bytes += Self.magic
        let n = UInt64(values.count)
        for i in 0..<8 { bytes.append(UInt8(truncatingIfNeeded: n >> (8 * UInt64(i)))) }
        bytes += key.bytes
        for v in values {
            withUnsafeBytes(of: v.bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
        }
        let crc = Checksums.crc32(bytes)
        for i in 0..<4 { bytes.append(UInt8(truncatingIfNeeded: crc >> (8 * UInt32(i)))) }
        let final = entryURL(forKey: key)
        let temp = directory.appendingPathComponent(".tmp-\(UUID().uuidString)-" + final.lastPathComponent)
        do {
            try Data(bytes).write(to: temp)
        } catch {
            throw SpeechDataError(path: temp.path, reason: "cannot write cache entry (\(FileSystemFailure.reason(temp.path, error)))")
        }
        if rename(temp.path, final.path) != 0 {
            let code = errno
            try? FileManager.default.removeItem(at: temp)
            throw SpeechDataError(path: final.path, reason: "cannot move cache entry into place (\(String(cString: strerror(code))))")
        }
    }
}
