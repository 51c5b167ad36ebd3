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
            let process = Process()
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = ["train", "--data", train.path, "--test-data", test.path, "--epochs", "1", "--hidden", "4",
                                 "--batch-size", "20", "--no-tensorboard", "--run-dir", dir.appendingPathComponent(name).path]
            let out = Pipe()
            process.standardOutput = out
            process.standardError = out
            try process.run()
            let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            XCTAssertEqual(process.terminationStatus, 0, text)
            return text
        }
        XCTAssertTrue(try run(train, "same").contains("warning: --test-data \(train.path) has the same content as --data"))
        XCTAssertFalse(try run(other, "other").contains("warning: --test-data"))
    }
}
