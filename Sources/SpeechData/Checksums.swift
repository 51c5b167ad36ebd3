import CZlib

/// zlib's two 32-bit checksums, CRC-32 and Adler-32, over byte buffers of any length.
///
/// They guard the spectrogram cache against accidental damage and identify its entries (see `SpectrogramCache.Key`);
/// neither is a cryptographic hash, and nothing here needs one: the cache only ever meets files you put there.
public enum Checksums {
    /// CRC-32 (IEEE 802.3 polynomial, as in gzip and PNG) of `bytes`, continuing from `crc` (0 starts a new one).
    public static func crc32(_ bytes: UnsafeRawBufferPointer, continuing crc: UInt32 = 0) -> UInt32 {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return crc }
        return UInt32(CZlib.crc32_z(UInt(crc), base.assumingMemoryBound(to: Bytef.self), bytes.count))
    }

    /// CRC-32 of a byte array, continuing from `crc` (0 starts a new one).
    public static func crc32(_ bytes: [UInt8], continuing crc: UInt32 = 0) -> UInt32 {
        bytes.withUnsafeBytes { crc32($0, continuing: crc) }
    }

    /// Adler-32 of `bytes`, continuing from `adler` (1 starts a new one).
    public static func adler32(_ bytes: UnsafeRawBufferPointer, continuing adler: UInt32 = 1) -> UInt32 {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return adler }
        return UInt32(CZlib.adler32_z(UInt(adler), base.assumingMemoryBound(to: Bytef.self), bytes.count))
    }

    /// Adler-32 of a byte array, continuing from `adler` (1 starts a new one).
    public static func adler32(_ bytes: [UInt8], continuing adler: UInt32 = 1) -> UInt32 {
        bytes.withUnsafeBytes { adler32($0, continuing: adler) }
    }
}
