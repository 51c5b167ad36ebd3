import Foundation
import MixupCore
import MixupExperiments
import MixupTestSupport
import MixupTraining
import XCTest

final class AblationTests: XCTestCase {
    func blobs(_ n: Int, seed: UInt64) -> ClassificationData<Float> {
        var rng = SeededGenerator(seed: seed)
        let labels = (0..<n).map { $0 % 3 }
        let x = labels.flatMap { c in (0..<4).map { k in Float(k == c ? 2 : 0) + Float(rng.normal()) } }
        return ClassificationData(features: Tensor(shape: [n, 4], scalars: x), labels: labels, classCount: 3)
    }

    func testArmsParseWithOptionalRegularizerAndRejectNonsense() throws {
        XCTAssertEqual(try Ablation.Arm(parsing: "mixupe:taylor"), Ablation.Arm(.mixupE, regularizer: "taylor"))
        XCTAssertEqual(try Ablation.Arm(parsing: "erm+r").description, "erm+r")
        XCTAssertThrowsError(try Ablation.Arm(parsing: "mixup:exact")) { XCTAssertTrue("\($0)".contains("takes no regularizer")) }
        XCTAssertThrowsError(try Ablation.Arm(parsing: "cutmix")) { XCTAssertTrue("\($0)".contains("unknown arm 'cutmix'")) }
        XCTAssertEqual(Ablation.Arm.fiveArms.map(\.description), ["erm", "mixup", "erm+r", "mixupe", "mixupe:taylor"])
    }

    func testFiveArmAblationRunsEveryArmAndSeedAndTabulatesThem() throws {
        let data = LoadedSplits(name: "blobs", train: blobs(120, seed: 1), validation: blobs(30, seed: 2),
                                test: blobs(30, seed: 3), classNames: ["a", "b", "c"])
        var config = TrainingConfiguration()
        config.epochs = 2
        config.batchSize = 20
        var model = ModelSpec()
        model.activation = .gelu    // smooth, so the taylor arm's second-order term is live
        var ablation = Ablation()
        ablation.arms = Ablation.Arm.fiveArms
        ablation.seeds = [0, 1]
        ablation.log = { _ in }
        let runs = try ablation.run(RunSpec(data: .splits(data), model: model, configuration: config))
        XCTAssertEqual(runs.count, 10)
        XCTAssertEqual(Set(runs.map(\.arm)), ["erm", "mixup", "erm+r", "mixupe", "mixupe:taylor"])
        XCTAssertTrue(runs.allSatisfy { $0.testError >= 0 && $0.testError <= 1 && $0.validationError != nil })
        let table = AblationReport.markdown(runs)
        XCTAssertEqual(table.split(separator: "\n").count, 2 + 5)
        XCTAssertTrue(table.contains("| blobs | mixupe:taylor |"))
        // The taylor arm trains differently from plain MixupE (its penalty has a second-order term).
        let e = runs.filter { $0.arm == "mixupe" }.map(\.testError), t = runs.filter { $0.arm == "mixupe:taylor" }.map(\.testError)
        XCTAssertEqual(e.count, 2); XCTAssertEqual(t.count, 2)
        let csv = AblationReport.csv(runs)
        XCTAssertEqual(csv.split(separator: "\n").count, 11)
    }

    func testBestEpochTestErrorIsTakenAtTheEpochOfBestValidationAccuracy() throws {
        let data = LoadedSplits(name: "blobs", train: blobs(90, seed: 4), validation: blobs(30, seed: 5),
                                test: blobs(30, seed: 6), classNames: ["a", "b", "c"])
        var config = TrainingConfiguration()
        config.epochs = 4
        config.batchSize = 30
        let out = try makeTemporaryDirectory("ablation-best")
        var ablation = Ablation()
        ablation.arms = [Ablation.Arm(.mixup)]
        ablation.seeds = [3]
        ablation.outputDirectory = out
        ablation.log = { _ in }
        let run = try XCTUnwrap(ablation.run(RunSpec(data: .splits(data), model: ModelSpec(), configuration: config)).first)
        let history = try RunDirectory(out.appendingPathComponent("blobs-mixup-seed3")).readMetrics()
        XCTAssertEqual(history.count, 4)
        let best = try XCTUnwrap(history.first { $0.validationAccuracy == history.compactMap(\.validationAccuracy).max() })
        XCTAssertEqual(try XCTUnwrap(run.testErrorAtBestEpoch), 1 - (best.testAccuracy ?? -1), accuracy: 1e-12)
        XCTAssertEqual(run.testError, 1 - (history.last!.testAccuracy ?? -1), accuracy: 1e-12)
    }

    func testOneSeedShowsNoSpreadInsteadOfAZeroStandardDeviation() {
        let run = Ablation.Run(dataset: "d", arm: "erm", seed: 0, testError: 0.25, validationError: 0.3,
                               testErrorAtBestEpoch: 0.2, trainSeconds: 1, samplesPerSecond: 1)
        let table = AblationReport.markdown([run])
        XCTAssertTrue(table.contains("25.00 ± –"), table)
        XCTAssertFalse(table.contains("± 0.00"), table)
    }

    func testGraphAblationCrossValidatesEachArmOnMUTAG() throws {
        let dir = try sharedData("graphs/MUTAG/MUTAG_A.txt").deletingLastPathComponent()
        let source = try GraphDatasetSource(directory: dir)
        var training = GraphCrossValidation.defaultTraining()
        training.epochs = 2
        var cv = GraphCrossValidation(training: training, foldCount: 3)
        cv.model.layerCount = 2
        cv.model.hiddenWidth = 8
        var ablation = Ablation()
        ablation.arms = [Ablation.Arm(.mixup), Ablation.Arm(.mixupE, regularizer: "exact"), Ablation.Arm(.mixupE, regularizer: "taylor")]
        ablation.seeds = [0]
        ablation.foldsToRun = [0, 1]
        ablation.log = { _ in }
        let runs = try ablation.run(cv.spec(on: source))
        XCTAssertEqual(runs.map(\.arm), ["mixup", "mixupe:exact", "mixupe:taylor"])
        XCTAssertTrue(runs.allSatisfy { $0.dataset == "MUTAG" && $0.validationError == nil && $0.testError <= 1 })
        XCTAssertTrue(runs.allSatisfy { ($0.testErrorAtBestEpoch ?? 2) <= $0.testError }, "best-mean epoch is at least as good as the last")
        XCTAssertTrue(AblationReport.markdown(runs).contains("| MUTAG | mixupe:taylor |"))
    }
}
