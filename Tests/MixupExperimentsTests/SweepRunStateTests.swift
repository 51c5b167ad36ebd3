import Foundation
import MixupExperiments
import MixupTestSupport
import XCTest

/// What a run directory says about its run, for split runs and for k-fold graph runs.
final class SweepRunStateTests: XCTestCase {
    func testAGraphRunWithACheckpointInAnyFoldIsInterruptedAndCountsEpochsOverFolds() throws {
        let dir = try makeTemporaryDirectory("run-state")
        XCTAssertEqual(SweepRunState.of(dir), .pending)
        let fold1 = dir.appendingPathComponent("fold-01"), fold2 = dir.appendingPathComponent("fold-02")
        for fold in [fold1, fold2] { try FileManager.default.createDirectory(at: fold, withIntermediateDirectories: true) }
        try "{}\n{}\n{}\n".write(to: fold1.appendingPathComponent("metrics.jsonl"), atomically: true, encoding: .utf8)
        try "{}\n".write(to: fold2.appendingPathComponent("metrics.jsonl"), atomically: true, encoding: .utf8)
        XCTAssertFalse(SweepRunState.hasCheckpoint(dir))
        XCTAssertEqual(SweepRunState.of(dir), .pending)
        try Data([0]).write(to: fold2.appendingPathComponent("last.safetensors"))
        XCTAssertTrue(SweepRunState.hasCheckpoint(dir))
        XCTAssertEqual(SweepRunState.of(dir), .interrupted(epochs: 4))
        XCTAssertEqual(SweepRunState.foldDirectories(of: dir).map(\.lastPathComponent), ["fold-01", "fold-02"])
        try Data("{}".utf8).write(to: dir.appendingPathComponent(SweepRunState.doneMarker))
        XCTAssertEqual(SweepRunState.of(dir), .done)
    }
}
