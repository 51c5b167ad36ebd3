import Foundation
import MixupCore
import MixupExperiments
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
        var ablation = Ablation(configuration: config)
        ablation.arms = Ablation.Arm.fiveArms
        ablation.seeds = [0, 1]
        ablation.model.activation = .gelu    // smooth, so the taylor arm's second-order term is live
        ablation.log = { _ in }
        let runs = try ablation.run(on: data)
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

    func testGraphAblationCrossValidatesEachArmOnMUTAG() throws {
        let root = URL(fileURLWithPath: "\(#filePath)").deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        let dir = root.appendingPathComponent("shared/data/graphs/MUTAG")
        guard FileManager.default.fileExists(atPath: dir.appendingPathComponent("MUTAG_A.txt").path) else {
            XCTFail("missing real data: \(dir.path)/MUTAG_A.txt"); return
        }
        let source = try GraphDatasetSource(directory: dir)
        var training = GraphCrossValidation.defaultTraining()
        training.epochs = 2
        var cv = GraphCrossValidation(training: training, foldCount: 3, foldsToRun: [0, 1])
        cv.model.layerCount = 2
        cv.model.hiddenWidth = 8
        var ablation = Ablation(configuration: training)
        ablation.arms = [Ablation.Arm(.mixup), Ablation.Arm(.mixupE, regularizer: "exact"), Ablation.Arm(.mixupE, regularizer: "taylor")]
        ablation.seeds = [0]
        ablation.log = { _ in }
        let runs = try ablation.run(onGraphs: source, crossValidation: cv)
        XCTAssertEqual(runs.map(\.arm), ["mixup", "mixupe:exact", "mixupe:taylor"])
        XCTAssertTrue(runs.allSatisfy { $0.dataset == "MUTAG" && $0.validationError == nil && $0.testError <= 1 })
        XCTAssertTrue(AblationReport.markdown(runs).contains("| MUTAG | mixupe:taylor |"))
    }
}
