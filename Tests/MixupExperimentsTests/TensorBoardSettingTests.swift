import Foundation
import MixupCore
import MixupExperiments
import MixupTestSupport
import MixupTraining
import XCTest

/// `RunSpec.writesTensorBoard` (the command line's `--[no-]tensorboard`) reaches every run `makeRun` builds.
final class TensorBoardSettingTests: XCTestCase {
    func testAblationRunDirectoriesGetEventFilesUnlessTheSpecSwitchesThemOff() throws {
        var rng = SeededGenerator(seed: 1)
        let labels = (0..<60).map { $0 % 3 }
        let x = labels.flatMap { c in (0..<4).map { k in Float(k == c ? 2 : 0) + Float(rng.normal()) } }
        let blobs = ClassificationData(features: Tensor(shape: [60, 4], scalars: x), labels: labels, classCount: 3)
        var config = TrainingConfiguration()
        config.epochs = 1
        config.batchSize = 20
        var spec = RunSpec(data: .splits(LoadedSplits(name: "blobs", train: blobs, validation: blobs, test: blobs, classNames: ["a", "b", "c"])),
                           model: ModelSpec(), configuration: config)
        func eventFileCounts(_ name: String) throws -> [Int] {
            var ablation = Ablation()
            ablation.arms = [Ablation.Arm(.erm), Ablation.Arm(.mixupE)]
            ablation.seeds = [0]
            ablation.log = { _ in }
            ablation.outputDirectory = try makeTemporaryDirectory(name)
            _ = try ablation.run(spec)
            return try ablation.arms.map { arm in
                try RunDirectory(ablation.directory(dataset: "blobs", arm: arm, seed: 0)!).tensorBoardEventFiles().count
            }
        }
        XCTAssertEqual(try eventFileCounts("on"), [1, 1])
        spec.writesTensorBoard = false
        XCTAssertEqual(try spec.makeRun().writesTensorBoard, false)
        XCTAssertEqual(try eventFileCounts("off"), [0, 0])
    }
}
