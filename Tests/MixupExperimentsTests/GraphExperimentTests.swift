import Foundation
import MixupCore
import MixupExperiments
import MixupNN
import MixupTraining
import XCTest

/// GIN with MixupE on the readout, on the real MUTAG benchmark (shared/data/graphs/MUTAG).
final class GraphExperimentTests: XCTestCase {
    func mutagDirectory(file: StaticString = #filePath) throws -> URL {
        let url = URL(fileURLWithPath: "\(file)").deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/data/graphs/MUTAG")
        let indicator = url.appendingPathComponent("MUTAG_graph_indicator.txt")
        guard FileManager.default.fileExists(atPath: indicator.path) else {
            XCTFail("missing real data file \(indicator.path)")
            throw CocoaError(.fileNoSuchFile)
        }
        return url
    }

    func testSourceBatchesMatchDatasetShapes() throws {
        let source = try GraphDatasetSource(directory: try mutagDirectory())
        XCTAssertEqual(source.graphCount, 188)
        XCTAssertEqual(source.classCount, 2)
        let input = try source.input(graphs: [0, 5, 0], as: Float.self)
        XCTAssertEqual(input.graphCount, 3)
        let n0 = source.dataset.nodeRange(ofGraph: 0).count, n5 = source.dataset.nodeRange(ofGraph: 5).count
        XCTAssertEqual(input.nodeCount, 2 * n0 + n5)
        XCTAssertEqual(input.adjacency.entryCount, 2 * source.dataset.edgeCount(ofGraph: 0) + source.dataset.edgeCount(ofGraph: 5))
    }

    /// One fold of 10-fold CV with MixupE (exact q on the readout).
    /// Measured (release, seed 0, 40 epochs, 6.3 s): last epoch 73.7% (14/19 test graphs), best epoch
    /// 94.7% (18/19). Floors leave two to three graphs of margin: best ≥ 80%, last ≥ 60%.
    func testMixupEOnMUTAGFoldReachesAccuracyFloor() throws {
        let source = try GraphDatasetSource(directory: try mutagDirectory())
        var training = GraphCrossValidation.defaultTraining()
        training.epochs = 40
        training.regularizer = "exact"
        training.eta = 0.1
        let cv = GraphCrossValidation(training: training, foldCount: 10, foldsToRun: [0])
        let started = Date()
        let result = try cv.run(on: source, log: { _ in })
        let seconds = Date().timeIntervalSince(started)
        print(result.report)
        print(String(format: "MUTAG fold 1: %.1f s", seconds))
        XCTAssertEqual(result.testAccuracy.count, 1)
        XCTAssertEqual(result.testAccuracy[0].count, 40)
        XCTAssertGreaterThanOrEqual(result.testAccuracy[0].max() ?? 0, 0.80, "MUTAG fold 1 best test accuracy")
        XCTAssertGreaterThanOrEqual(result.lastEpoch.mean, 0.60, "MUTAG fold 1 last-epoch test accuracy \(result.lastEpoch.mean)")
        XCTAssertLessThan(seconds, 30, "one MUTAG fold should train within 30 s in release")
    }

    func testFoldOutOfRangeIsRejected() throws {
        let source = try GraphDatasetSource(directory: try mutagDirectory())
        var training = GraphCrossValidation.defaultTraining()
        training.epochs = 1
        XCTAssertThrowsError(try GraphCrossValidation(training: training, foldCount: 10, foldsToRun: [10]).run(on: source, log: { _ in })) {
            XCTAssertTrue("\($0)".contains("fold 11 does not exist among 10 folds"), "\($0)")
        }
    }
}
