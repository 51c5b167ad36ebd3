import Foundation
import MixupLabCLI
import MixupTestSupport
import XCTest

/// A `--test-data` file with the training file's bytes makes "test accuracy" a training score:
/// the command says so instead of reporting it silently.
final class TestDataOverlapTests: XCTestCase {
    private func table(_ directory: URL, _ name: String, shift: Int = 0) throws -> URL {
        let rows = (0..<60).map { i in "\(i % 3 + shift),\(i % 5),\(i % 7),c\(i % 3)" }
        return try write(Array((rows.joined(separator: "\n") + "\n").utf8), to: directory, name)
    }

    func testATestFileWithTheTrainingFilesBytesIsWarnedAboutAndAnotherIsNot() throws {
        let dir = try makeTemporaryDirectory()
        let train = try table(dir, "train.csv"), copy = try table(dir, "copy.csv"), other = try table(dir, "test.csv", shift: 1)
        let same = try XCTUnwrap(DataOptions.sameContentWarning(data: train.path, testData: train.path))
        XCTAssertTrue(same.contains("--test-data \(train.path) has the same content as --data \(train.path)"), same)
        XCTAssertNotNil(DataOptions.sameContentWarning(data: train.path, testData: copy.path))
        XCTAssertNil(DataOptions.sameContentWarning(data: train.path, testData: other.path))
    }

    func testTrainPrintsTheWarningWhenTestDataIsTheTrainingFile() throws {
        let executable = try mixuplabExecutable()
        let dir = try makeTemporaryDirectory()
        let train = try table(dir, "train.csv"), other = try table(dir, "test.csv", shift: 1)
        func run(_ test: URL, _ name: String) throws -> String {
            let (status, output) = try runProcess(executable, [
                "train", "--data", train.path, "--test-data", test.path, "--epochs", "1", "--hidden", "4",
                "--batch-size", "20", "--no-tensorboard", "--run-dir", dir.appendingPathComponent(name).path])
            XCTAssertEqual(status, 0, output)
            return output
        }
        XCTAssertTrue(try run(train, "same").contains("warning: --test-data \(train.path) has the same content as --data"))
        XCTAssertFalse(try run(other, "other").contains("warning: --test-data"))
    }
}
