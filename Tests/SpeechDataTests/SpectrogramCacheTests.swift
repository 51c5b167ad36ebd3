import Foundation
import MixupTestSupport
import SpeechData
import XCTest

final class SpectrogramCacheTests: XCTestCase {
    private func tone(_ f: Double, rate: Int, count: Int) -> [Int] {
        (0..<count).map { Int(12000 * sin(2 * Double.pi * f * Double($0) / Double(rate))) }
    }

    /// Bytes before the first value in a format-2 entry: magic, count, 16-byte key.
    private let headerSize = 8 + 8 + 16

    private func entries(_ dir: URL) throws -> [URL] {
        try FileManager.default.contentsOfDirectory(at: dir, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "spec" }
    }

    func testCacheHitReturnsIdenticalNumbers() throws {
        let dir = try makeTemporaryDirectory()
        let wav = try write(WAVBuilder.pcm16File(tone(440, rate: 8000, count: 4000), rate: 8000), to: dir, "a.wav")
        let cacheDir = dir.appendingPathComponent("cache")
        let first = try SpeechPreprocessor(cacheDirectory: cacheDir)
        let computed = try first.features(forFileAt: wav)
        XCTAssertEqual(first.statistics, .init(hits: 0, misses: 1, rejected: 0))
        XCTAssertEqual(try entries(cacheDir).count, 1)

        let second = try SpeechPreprocessor(cacheDirectory: cacheDir)
        XCTAssertEqual(try second.features(forFileAt: wav), computed)
        XCTAssertEqual(second.statistics, .init(hits: 1, misses: 0, rejected: 0))
        XCTAssertEqual(try SpeechPreprocessor().features(forFileAt: wav), computed)   // same as uncached
    }

    func testCorruptedCacheEntryIsDetectedAndRecomputed() throws {
        let dir = try makeTemporaryDirectory()
        let wav = try write(WAVBuilder.pcm16File(tone(700, rate: 8000, count: 6000), rate: 8000), to: dir, "b.wav")
        let cacheDir = dir.appendingPathComponent("cache")
        let reference = try SpeechPreprocessor(cacheDirectory: cacheDir).features(forFileAt: wav)
        let entry = try XCTUnwrap(try entries(cacheDir).first)

        // 1) flip one payload byte: same size and magic, checksum must catch it
        var bytes = [UInt8](try Data(contentsOf: entry))
        bytes[headerSize + 4 * 1234] ^= 0x40
        try Data(bytes).write(to: entry)
        let p1 = try SpeechPreprocessor(cacheDirectory: cacheDir)
        XCTAssertEqual(p1.cache?.lookup(key: SpectrogramCache.Key(crc32: 0, adler32: 1, byteCount: 0), count: 1), .miss)
        XCTAssertEqual(p1.cache?.lookup(key: p1.cacheKey(forFileContents: try Data(contentsOf: wav)), count: p1.featureCount),
                       .corrupt("checksum mismatch"))
        XCTAssertEqual(try p1.features(forFileAt: wav), reference)
        XCTAssertEqual(p1.statistics, .init(hits: 0, misses: 0, rejected: 1))

        // the rewritten entry is valid again
        let p2 = try SpeechPreprocessor(cacheDirectory: cacheDir)
        XCTAssertEqual(try p2.features(forFileAt: wav), reference)
        XCTAssertEqual(p2.statistics.hits, 1)

        // 2) truncated entry
        bytes = [UInt8](try Data(contentsOf: entry))
        try Data(bytes[0..<100]).write(to: entry)
        let p3 = try SpeechPreprocessor(cacheDirectory: cacheDir)
        XCTAssertEqual(try p3.features(forFileAt: wav), reference)
        XCTAssertEqual(p3.statistics.rejected, 1)

        // 3) bad magic
        bytes = [UInt8](try Data(contentsOf: entry))
        bytes[0] = UInt8(ascii: "X")
        try Data(bytes).write(to: entry)
        let p4 = try SpeechPreprocessor(cacheDirectory: cacheDir)
        XCTAssertEqual(try p4.features(forFileAt: wav), reference)
        XCTAssertEqual(p4.statistics.rejected, 1)
        XCTAssertFalse(try FileManager.default.contentsOfDirectory(atPath: cacheDir.path).contains { $0.hasPrefix(".tmp") })
    }

    func testChangedFileContentOrSettingsMissTheCache() throws {
        let dir = try makeTemporaryDirectory()
        let cacheDir = dir.appendingPathComponent("cache")
        let wav = try write(WAVBuilder.pcm16File(tone(440, rate: 8000, count: 4000), rate: 8000), to: dir, "c.wav")
        _ = try SpeechPreprocessor(cacheDirectory: cacheDir).features(forFileAt: wav)

        try write(WAVBuilder.pcm16File(tone(880, rate: 8000, count: 4000), rate: 8000), to: dir, "c.wav")
        let p = try SpeechPreprocessor(cacheDirectory: cacheDir)
        _ = try p.features(forFileAt: wav)
        XCTAssertEqual(p.statistics.misses, 1)

        var unnormalised = SpectrogramSettings.paper
        unnormalised.normalize = false
        let q = try SpeechPreprocessor(settings: unnormalised, cacheDirectory: cacheDir)
        _ = try q.features(forFileAt: wav)
        XCTAssertEqual(q.statistics.misses, 1)
        XCTAssertEqual(try entries(cacheDir).count, 3)
    }

    func testEntryOfTheOldFormatIsRecomputedNotMisread() throws {
        let dir = try makeTemporaryDirectory()
        let wav = try write(WAVBuilder.pcm16File(tone(523, rate: 8000, count: 5000), rate: 8000), to: dir, "old.wav")
        let cacheDir = dir.appendingPathComponent("cache")
        let reference = try SpeechPreprocessor().features(forFileAt: wav)
        let probe = try SpeechPreprocessor(cacheDirectory: cacheDir)
        let key = probe.cacheKey(forFileContents: try Data(contentsOf: wav))
        let entry = try XCTUnwrap(probe.cache).entryURL(forKey: key)
        let count = probe.featureCount
        func le64(_ n: Int) -> [UInt8] { (0..<8).map { UInt8(truncatingIfNeeded: UInt64(n) >> (8 * UInt64($0))) } }

        // 1) the format-1 layout (MXSPEC01, 32-byte key, values, 32-byte digest) found under a format-2 name
        let v1 = Array("MXSPEC01".utf8) + le64(count) + [UInt8](repeating: 7, count: 32)
            + [UInt8](repeating: 0, count: 4 * count) + [UInt8](repeating: 9, count: 32)
        try Data(v1).write(to: entry)
        XCTAssertEqual(probe.cache?.lookup(key: key, count: count), .corrupt("cache format 01, expected 02"))
        let p1 = try SpeechPreprocessor(cacheDirectory: cacheDir)
        XCTAssertEqual(try p1.features(forFileAt: wav), reference)
        XCTAssertEqual(p1.statistics, .init(hits: 0, misses: 0, rejected: 1))

        // 2) an old-version entry that is otherwise flawless (format-2 size, count, key and a valid CRC-32) holding
        //    wrong numbers: only the version tells it apart, and it must.
        var forged = Array("MXSPEC01".utf8) + le64(count) + key.bytes + [UInt8](repeating: 0, count: 4 * count)
        let crc = Checksums.crc32(forged)
        forged += (0..<4).map { UInt8(truncatingIfNeeded: crc >> (8 * UInt32($0))) }
        try Data(forged).write(to: entry)
        let p2 = try SpeechPreprocessor(cacheDirectory: cacheDir)
        XCTAssertEqual(try p2.features(forFileAt: wav), reference)
        XCTAssertEqual(p2.statistics, .init(hits: 0, misses: 0, rejected: 1))

        // the recomputed entry is current and is used from now on
        XCTAssertEqual(Array(try Data(contentsOf: entry).prefix(8)), Array("MXSPEC02".utf8))
        let p3 = try SpeechPreprocessor(cacheDirectory: cacheDir)
        XCTAssertEqual(try p3.features(forFileAt: wav), reference)
        XCTAssertEqual(p3.statistics, .init(hits: 1, misses: 0, rejected: 0))
    }

    func testSameContentAtAnotherPathHitsTheCache() throws {
        let dir = try makeTemporaryDirectory()
        let bytes = WAVBuilder.pcm16File(tone(300, rate: 8000, count: 4000), rate: 8000)
        let a = try write(bytes, to: dir, "a.wav")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("moved"), withIntermediateDirectories: true)
        let b = try write(bytes, to: dir.appendingPathComponent("moved"), "renamed.wav")
        let cacheDir = dir.appendingPathComponent("cache")
        let computed = try SpeechPreprocessor(cacheDirectory: cacheDir).features(forFileAt: a)
        let p = try SpeechPreprocessor(cacheDirectory: cacheDir)
        XCTAssertEqual(try p.features(forFileAt: b), computed)
        XCTAssertEqual(p.statistics, .init(hits: 1, misses: 0, rejected: 0))
    }

    func testCacheKeyChecksumsAreZlibsCRC32AndAdler32() {
        let check = Array("123456789".utf8)
        XCTAssertEqual(Checksums.crc32(check), 0xCBF4_3926)         // the CRC-32 check value
        XCTAssertEqual(Checksums.adler32(check), 0x091E_01DE)
        XCTAssertEqual(Checksums.adler32(Array("Wikipedia".utf8)), 0x11E6_0398)
        XCTAssertEqual(Checksums.crc32([]), 0)
        XCTAssertEqual(Checksums.adler32([]), 1)
        // continuing over pieces equals one pass, for both and for the key
        XCTAssertEqual(Checksums.crc32(Array(check[4...]), continuing: Checksums.crc32(Array(check[..<4]))), 0xCBF4_3926)
        XCTAssertEqual(Checksums.adler32(Array(check[4...]), continuing: Checksums.adler32(Array(check[..<4]))), 0x091E_01DE)
        let whole = check.withUnsafeBytes { SpectrogramCache.Key(of: [$0]) }
        let pieces = check[..<3].withUnsafeBytes { h in check[3...].withUnsafeBytes { t in SpectrogramCache.Key(of: [h, t]) } }
        XCTAssertEqual(whole, pieces)
        XCTAssertEqual(whole, SpectrogramCache.Key(crc32: 0xCBF4_3926, adler32: 0x091E_01DE, byteCount: 9))
        XCTAssertEqual(whole.hex, "2639f4cb" + "de011e09" + "0900000000000000")   // little-endian, as stored
    }

    func testBadWavThroughPreprocessorNamesTheFile() throws {
        let dir = try makeTemporaryDirectory()
        var bytes = WAVBuilder.pcm16File([1, 2, 3], rate: 8000)
        bytes[20] = 7   // µ-law
        let url = try write(bytes, to: dir, "mulaw.wav")
        XCTAssertThrowsError(try SpeechPreprocessor(cacheDirectory: dir.appendingPathComponent("cache"))
            .features(forFileAt: url)) { error in
            XCTAssertTrue("\(error)".hasSuffix("mulaw.wav: byte 20: unsupported format tag 7 (µ-law); only PCM and IEEE float are read"),
                          "\(error)")
        }
    }
}
