import Foundation
import MixupTestSupport
import SpeechData
import XCTest

final class SpectrogramCacheTests: XCTestCase {
    private func tone(_ f: Double, rate: Int, count: Int) -> [Int] {
        (0..<count).map { Int(12000 * sin(2 * Double.pi * f * Double($0) / Double(rate))) }
    }

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
        bytes[48 + 4 * 1234] ^= 0x40
        try Data(bytes).write(to: entry)
        let p1 = try SpeechPreprocessor(cacheDirectory: cacheDir)
        XCTAssertEqual(p1.cache?.lookup(key: [UInt8](repeating: 0, count: 32), count: 1), .miss)
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
