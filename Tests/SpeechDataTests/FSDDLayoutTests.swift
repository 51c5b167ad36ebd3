import Foundation
import MixupTestSupport
import SeededRandom
import SpeechData
import XCTest

final class FSDDLayoutTests: XCTestCase {
    func testFileNamesParseIntoDigitSpeakerAndIndex() {
        XCTAssertEqual(FSDDLayout.parse(fileName: "7_jackson_32.wav"),
                       FSDDLayout.FileName(digit: 7, speaker: "jackson", index: 32))
        XCTAssertEqual(FSDDLayout.parse(fileName: "0_some_one_4.wav")?.speaker, "some_one")
        XCTAssertNil(FSDDLayout.parse(fileName: "12_jackson_3.wav"))
        XCTAssertNil(FSDDLayout.parse(fileName: "7__3.wav"))
        XCTAssertNil(FSDDLayout.parse(fileName: "7_jackson_x.wav"))
        XCTAssertNil(FSDDLayout.parse(fileName: "7_jackson_3.mp3"))
    }

    func testRealFSDDHas3000FilesTenClassesAndOfficial300FileTestSplit() throws {
        let dir = try fsddRecordings()
        // Count independently from the directory listing.
        let wavs = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".wav") }
        let speakers = Set(wavs.map { $0.split(separator: "_")[1] })
        let expectedTest = wavs.filter { Int($0.split(separator: "_")[2].dropLast(4))! <= 4 }.count
        XCTAssertEqual(wavs.count, 3000)
        XCTAssertEqual(speakers.count, 6)
        XCTAssertEqual(expectedTest, 5 * 6 * 10)   // indices 0–4 × 6 speakers × 10 digits = 300 (10 %)

        var rng = SplitMix64(seed: 1)
        let split = try FSDDLayout.split(directory: dir, validationFraction: 0.1, using: &rng)
        XCTAssertEqual(split.classNames, (0...9).map(String.init))
        XCTAssertEqual(split.test.count, expectedTest)
        XCTAssertEqual(split.train.count + split.validation.count + split.test.count, 3000)
        XCTAssertEqual(split.validation.count, 270)   // 10 % of the 2700 non-test files
        for item in split.test {
            let name = FSDDLayout.parse(fileName: item.url.lastPathComponent)
            XCTAssertTrue((0...4).contains(name?.index ?? -1))
            XCTAssertEqual(name?.digit, item.label)
        }
        for item in split.train + split.validation {
            XCTAssertGreaterThanOrEqual(FSDDLayout.parse(fileName: item.url.lastPathComponent)?.index ?? -1, 5)
        }
        let perDigit = Dictionary(grouping: split.test, by: \.label).mapValues(\.count)
        XCTAssertEqual(perDigit, Dictionary(uniqueKeysWithValues: (0...9).map { ($0, 5 * 6) }))
        XCTAssertEqual(Set((split.train + split.validation + split.test).map(\.url)).count, 3000)
    }

    func testValidationSubsetIsReproducibleForASeedAndChangesWithTheSeed() throws {
        let dir = try fsddRecordings()
        var a = SplitMix64(seed: 5), b = SplitMix64(seed: 5), c = SplitMix64(seed: 6)
        let s1 = try FSDDLayout.split(directory: dir, using: &a)
        let s2 = try FSDDLayout.split(directory: dir, using: &b)
        let s3 = try FSDDLayout.split(directory: dir, using: &c)
        XCTAssertEqual(s1, s2)
        XCTAssertNotEqual(s1.validation, s3.validation)
        XCTAssertEqual(s1.test, s3.test)
    }

    func testRealRecordingsBecomeNormalised160By101Spectrograms() throws {
        let dir = try fsddRecordings()
        let files = (0...9).map { LabeledAudioFile(url: dir.appendingPathComponent("\($0)_jackson_0.wav"), label: $0) }
        let data = try SpeechDataset(files: files, classNames: (0...9).map(String.init),
                                     preprocessor: SpeechPreprocessor())
        XCTAssertEqual(data.count, 10)
        XCTAssertEqual(data.features.count, 10 * 1 * 160 * 101)
        XCTAssertEqual(data.labels, Array(0...9))
        for i in 0..<10 {
            let s = data.features[(i * 16160)..<((i + 1) * 16160)]
            let mean = s.reduce(0.0) { $0 + Double($1) } / 16160
            let std = (s.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / 16160).squareRoot()
            XCTAssertEqual(mean, 0, accuracy: 1e-4)
            XCTAssertEqual(std, 1, accuracy: 1e-3)
            XCTAssertTrue(s.allSatisfy(\.isFinite))
        }
    }

    func testMisnamedWavIsRejectedWithItsPath() throws {
        let dir = try makeTemporaryDirectory()
        try write(WAVBuilder.pcm16File([0], rate: 8000), to: dir, "3_alice_7.wav")
        try write(WAVBuilder.pcm16File([0], rate: 8000), to: dir, "three_alice.wav")
        var rng = SplitMix64(seed: 1)
        XCTAssertThrowsError(try FSDDLayout.split(directory: dir, using: &rng)) { error in
            XCTAssertTrue("\(error)".contains("three_alice.wav: file name does not follow"), "\(error)")
        }
    }
}
