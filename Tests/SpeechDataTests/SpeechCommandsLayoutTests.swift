import Foundation
import MixupTestSupport
import SpeechData
import XCTest

final class SpeechCommandsLayoutTests: XCTestCase {
    /// A tiny Speech Commands tree: words yes/no/up, background noise, and both list files.
    private func makeTree(validation: String, testing: String) throws -> URL {
        let root = try makeTemporaryDirectory()
        let wav = WAVBuilder.pcm16File(Array(repeating: 0, count: 160), rate: 16000)
        for path in ["yes/a_nohash_0.wav", "yes/b_nohash_0.wav", "yes/c_nohash_0.wav",
                     "no/a_nohash_0.wav", "no/b_nohash_0.wav",
                     "up/a_nohash_0.wav",
                     "_background_noise_/white_noise.wav"] {
            try write(wav, to: root, path)
        }
        try write(Array("not audio".utf8), to: root, "yes/README.txt")
        try write(Array(validation.utf8), to: root, "validation_list.txt")
        try write(Array(testing.utf8), to: root, "testing_list.txt")
        return root
    }

    private func names(_ files: [LabeledAudioFile]) -> [String] {
        files.map { $0.url.deletingLastPathComponent().lastPathComponent + "/" + $0.url.lastPathComponent }
    }

    func testListsDefineValidationAndTestAndBackgroundNoiseIsIgnored() throws {
        let root = try makeTree(validation: "yes/b_nohash_0.wav\n\nno/a_nohash_0.wav\n",
                                testing: "yes/c_nohash_0.wav\r\nup/a_nohash_0.wav")
        let split = try SpeechCommandsLayout.split(root: root)
        XCTAssertEqual(split.classNames, ["no", "up", "yes"])
        XCTAssertEqual(names(split.validation), ["no/a_nohash_0.wav", "yes/b_nohash_0.wav"])
        XCTAssertEqual(names(split.test), ["up/a_nohash_0.wav", "yes/c_nohash_0.wav"])
        XCTAssertEqual(names(split.train), ["no/b_nohash_0.wav", "yes/a_nohash_0.wav"])
        XCTAssertEqual(split.train.map(\.label), [0, 2])
        XCTAssertEqual(split.test.map(\.label), [1, 2])
    }

    func testListedFileThatDoesNotExistIsRejectedWithListFileAndLine() throws {
        let root = try makeTree(validation: "yes/b_nohash_0.wav\nno/missing.wav\n", testing: "")
        XCTAssertThrowsError(try SpeechCommandsLayout.split(root: root)) { error in
            let e = error as? SpeechDataError
            XCTAssertEqual(e?.line, 2)
            XCTAssertTrue(e?.path.hasSuffix("validation_list.txt") ?? false, "\(error)")
            XCTAssertTrue("\(error)".contains("validation_list.txt:2: listed file 'no/missing.wav' does not exist"),
                          "\(error)")
        }
    }

    func testFileInBothListsIsRejected() throws {
        let root = try makeTree(validation: "yes/b_nohash_0.wav\n", testing: "no/b_nohash_0.wav\nyes/b_nohash_0.wav\n")
        XCTAssertThrowsError(try SpeechCommandsLayout.split(root: root)) { error in
            XCTAssertTrue("\(error)".contains("testing_list.txt:2: 'yes/b_nohash_0.wav' is also listed"), "\(error)")
        }
    }

    func testMissingListFileIsAnErrorNotASilentAllTrainSplit() throws {
        let root = try makeTree(validation: "", testing: "")
        try FileManager.default.removeItem(at: root.appendingPathComponent("testing_list.txt"))
        XCTAssertThrowsError(try SpeechCommandsLayout.split(root: root)) { error in
            XCTAssertTrue("\(error)".contains("testing_list.txt: cannot read list file"), "\(error)")
        }
    }

    func testSplitLoadsIntoDatasetOfTheRightShape() throws {
        let root = try makeTree(validation: "", testing: "yes/c_nohash_0.wav\n")
        let split = try SpeechCommandsLayout.split(root: root)
        let data = try SpeechDataset(files: split.test, classNames: split.classNames, preprocessor: SpeechPreprocessor())
        XCTAssertEqual(data.count, 1)
        XCTAssertEqual(data.labels, [2])
        XCTAssertEqual(data.features.count, 160 * 101)
        XCTAssertEqual(data.height, 160)
        XCTAssertEqual(data.width, 101)
    }
}
