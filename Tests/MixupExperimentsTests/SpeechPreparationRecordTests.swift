import Foundation
import MixupExperiments
import MixupNN
import SpeechData
import XCTest

/// The speech part of a checkpoint's model record holds a `SpectrogramSettings`, yet its JSON keeps
/// the flat shape checkpoints were written in before, so those checkpoints still load.
final class SpeechPreparationRecordTests: XCTestCase {
    /// A speech model record's `input` exactly as checkpoints written before held it (key-sorted).
    let oldInput = #"{"speech":{"_0":{"clipSamples":8000,"dataset":"fsdd","frequencyBins":100,"hopLength":80,"#
        + #""kaiserBeta":8.5,"normalize":false,"sampleRate":8000,"windowLength":200,"zeroCrossings":16}}}"#
    let settings = SpectrogramSettings(sampleRate: 8000, clipSamples: 8000, windowLength: 200, hopLength: 80, frequencyBins: 100,
                                       normalize: false)

    func testAnInputRecordInTheFlatShapeReadsIntoItsSettings() throws {
        let input = try JSONDecoder().decode(InputPreparation.self, from: Data(oldInput.utf8))
        guard case let .speech(preparation) = input else { return XCTFail("read as \(input.domain)") }
        XCTAssertEqual(preparation.dataset, "fsdd")
        XCTAssertEqual(preparation.settings, settings)
        XCTAssertEqual(preparation.zeroCrossings, 16)
        XCTAssertEqual(preparation.kaiserBeta, 8.5)
        let preprocessor = try preparation.makePreprocessor(cacheDirectory: nil)
        XCTAssertEqual(preprocessor.settings, settings)
        XCTAssertEqual(preprocessor.zeroCrossings, 16)
        XCTAssertEqual(preprocessor.kaiserBeta, 8.5)
    }

    func testTheRecordIsWrittenInTheSameFlatShape() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let preparation = SpeechPreparation(dataset: "fsdd", settings: settings, zeroCrossings: 16, kaiserBeta: 8.5)
        XCTAssertEqual(String(decoding: try encoder.encode(InputPreparation.speech(preparation)), as: UTF8.self), oldInput)
    }

    func testAWholeSpeechModelRecordOfAnOlderCheckpointLoadsAndAMissingSettingIsNamed() throws {
        let manifest = ModelManifest(dataset: "fsdd", model: ModelSpec(kind: .lenet), inputShape: [1, 100, 101], outputCount: 10,
                                     classNames: (0..<10).map(String.init), loss: .crossEntropy, input: .none)
        let none = String(decoding: try JSONEncoder().encode(InputPreparation.none), as: UTF8.self)
        let json = try manifest.json()
        XCTAssertTrue(json.contains(#""input":\#(none)"#), json)
        let old = json.replacingOccurrences(of: #""input":\#(none)"#, with: #""input":\#(oldInput)"#)
        let read = try ModelManifest.read(from: [ModelManifest.metadataKey: old], file: "old.safetensors")
        guard case let .speech(preparation) = read.input else { return XCTFail("read as \(read.input.domain)") }
        XCTAssertEqual(preparation.settings, settings)
        XCTAssertEqual(read.input.layout, "fsdd")

        let missing = old.replacingOccurrences(of: #""hopLength":80,"#, with: "")
        XCTAssertThrowsError(try ModelManifest.read(from: [ModelManifest.metadataKey: missing], file: "old.safetensors")) { error in
            XCTAssertTrue("\(error)".hasPrefix("old.safetensors: metadata 'model' cannot be read") && "\(error)".contains("hopLength"),
                          "\(error)")
        }
    }
}
