import Foundation
import MixupCore
import MixupExperiments
import MixupNN
import MixupTestSupport
import MixupTraining
import XCTest

/// GIN with MixupE on the readout, on the real MUTAG benchmark (shared/data/graphs/MUTAG).
final class GraphExperimentTests: XCTestCase {
    func mutagDirectory() throws -> URL {
        try sharedData("graphs/MUTAG/MUTAG_graph_indicator.txt").deletingLastPathComponent()
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
    /// Floors leave two to three test graphs of margin below what was measured: best ≥ 80%, last ≥ 60%.
    func testMixupEOnMUTAGFoldReachesAccuracyFloor() throws {
        let source = try GraphDatasetSource(directory: try mutagDirectory())
        var training = GraphCrossValidation.defaultTraining()
        training.epochs = 40
        training.regularizer = "exact"
        training.eta = 0.1
        let cv = GraphCrossValidation(training: training, foldCount: 10, foldsToRun: [0])
        let result = try cv.run(on: source, log: { _ in })
        print(result.report)
        XCTAssertEqual(result.testAccuracy.count, 1)
        XCTAssertEqual(result.testAccuracy[0].count, 40)
        XCTAssertGreaterThanOrEqual(result.testAccuracy[0].max() ?? 0, 0.80, "MUTAG fold 1 best test accuracy")
        XCTAssertGreaterThanOrEqual(result.lastEpoch.mean, 0.60, "MUTAG fold 1 last-epoch test accuracy \(result.lastEpoch.mean)")
    }

    func testFoldOutOfRangeIsRejected() throws {
        let source = try GraphDatasetSource(directory: try mutagDirectory())
        var training = GraphCrossValidation.defaultTraining()
        training.epochs = 1
        XCTAssertThrowsError(try GraphCrossValidation(training: training, foldCount: 10, foldsToRun: [10]).run(on: source, log: { _ in })) {
            XCTAssertTrue("\($0)".contains("fold 11 does not exist among 10 folds"), "\($0)")
        }
    }

    /// A graph run killed after its second epoch's checkpoint and resumed from its fold directory
    /// ends bit-identical to an uninterrupted run: parameters, batch-norm buffers, optimizer state
    /// (through the updates) and every metric except wall time.
    func testGraphFoldResumedAfterAKillMatchesAnUninterruptedRunBitForBit() throws {
        let source = try GraphDatasetSource(directory: try mutagDirectory())
        var training = GraphCrossValidation.defaultTraining()
        training.epochs = 4
        training.regularizer = "exact"
        var cv = GraphCrossValidation(training: training, foldCount: 5, foldsToRun: [2])
        cv.model.layerCount = 2
        cv.model.hiddenWidth = 8
        let spec = cv.spec(on: source)
        let straight = try spec.makeRun(fold: 2)
        straight.log = { _ in }
        let full = try straight.run()

        let dir = try makeTemporaryDirectory("graph-resume")
        struct Killed: Error {}
        let first = try spec.makeRun(fold: 2)
        first.log = { _ in }
        first.runDirectory = try RunDirectory(GraphCrossValidation.foldDirectory(dir, fold: 2))
        first.onEpoch.append { if $0.epoch == 2 { throw Killed() } }
        XCTAssertThrowsError(try first.run()) { XCTAssertTrue($0 is Killed) }

        // A new process: the cross-validation resumes the fold from its directory.
        let resumed = try cv.run(on: source, directory: dir, resume: true, log: { _ in })
        let saved = try RunDirectory(GraphCrossValidation.foldDirectory(dir, fold: 2)).readMetrics()
        XCTAssertEqual(saved.count, 4)
        func strip(_ m: [EpochMetrics]) -> [EpochMetrics] {
            m.map { var x = $0; x.trainSeconds = 0; x.samplesPerSecond = 0; return x }
        }
        XCTAssertEqual(strip(saved), strip(full))
        XCTAssertEqual(resumed.testAccuracy[0], full.map { $0.testAccuracy ?? -1 })
        let checkpoint = try Checkpoint<Float>.read(from: RunDirectory(GraphCrossValidation.foldDirectory(dir, fold: 2)).lastCheckpointURL)
        for (name, variable) in straight.trainedModel.namedParameters {
            XCTAssertEqual(checkpoint.parameters[name], variable.value, "parameter \(name) differs after resume")
        }
        for (name, buffer) in straight.trainedModel.namedBuffers {
            XCTAssertEqual(checkpoint.parameters[name], buffer, "buffer \(name) differs after resume")
        }
    }
}
