import Foundation
import MixupExperiments
import MixupLabCLI
import MixupTestSupport
import MixupTraining
import SafeTensors
import SpeechData
import XCTest

/// A folder that cannot be created or listed, or a file that cannot be read or written, is reported
/// with its path and the operating system's reason — never Foundation's "The operation could not be
/// completed". Tests run as root, so the cases use paths under a regular file ("Not a directory")
/// and paths below a missing folder instead of permissions.
final class FileSystemFailureMessageTests: XCTestCase {
    /// A regular file in a fresh folder, used as the parent of the paths that cannot exist.
    private func regularFile() throws -> URL {
        try write(Array("not a folder\n".utf8), to: makeTemporaryDirectory("fs-failure"), "plain.txt")
    }

    /// Asserts `message` names `path` and gives the reason, and that no Foundation wording leaks through.
    private func assertNamesPathAndReason(_ message: String, _ path: String, _ reason: String,
                                          file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertTrue(message.contains(path), "'\(message)' does not name \(path)", file: file, line: line)
        XCTAssertTrue(message.contains(reason), "'\(message)' lacks '\(reason)'", file: file, line: line)
        for leak in ["could not be completed", "Domain", "(null)"] {
            XCTAssertFalse(message.contains(leak), "'\(message)' shows Foundation's '\(leak)'", file: file, line: line)
        }
    }

    private func message(_ body: () throws -> Void) -> String {
        do { try body() } catch { return String(describing: error) }
        return "(no error)"
    }

    func testASpectrogramCacheUnderAFileNamesTheFolderAndWhyItCannotBeCreated() throws {
        let file = try regularFile()
        let cache = file.appendingPathComponent("cache")
        assertNamesPathAndReason(message { _ = try SpectrogramCache(directory: cache) }, cache.path,
                                 "cannot create cache directory (Not a directory (\(file.path) is a file))")
    }

    func testAFolderPathThatIsAFileIsRefusedNamingThatFile() throws {
        let file = try regularFile()
        XCTAssertEqual(message { _ = try SpectrogramCache(directory: file) },
                       "\(file.path): cannot create cache directory (Not a directory (\(file.path) is a file))")
        let grid = try SweepGrid.parse("datasets: [{name: d, data: x}]\narms: [erm]\n", file: "g.yaml")
        XCTAssertEqual(message { try SweepManifest(grid: grid, gridFile: "g.yaml", workingDirectory: "/work").writeOrCheck(in: file) },
                       "\(file.path): cannot create the sweep folder: Not a directory (\(file.path) is a file)")
        XCTAssertEqual(message { _ = try RunDirectory(file) },
                       "\(file.path): cannot create the run directory: Not a directory (\(file.path) is a file)")
    }

    func testASpeechCommandsRootThatIsAFileCannotBeListedAndSaysWhy() throws {
        let file = try regularFile()
        assertNamesPathAndReason(message { _ = try SpeechCommandsLayout.split(root: file) }, file.path,
                                 "cannot list directory (Not a directory (\(file.path) is a file))")
        let missing = file.deletingLastPathComponent().appendingPathComponent("gone/speech")
        assertNamesPathAndReason(message { _ = try SpeechCommandsLayout.split(root: missing) }, missing.path,
                                 "No such file or directory")
    }

    func testReadsBelowAFileNameThePathAndTheSystemReason() throws {
        let file = try regularFile()
        let grid = file.appendingPathComponent("grid.yaml")
        assertNamesPathAndReason(message { _ = try SweepGrid.load(path: grid.path) }, grid.path, "cannot read the grid file (Not a directory)")
        let tensors = file.appendingPathComponent("model.safetensors")
        assertNamesPathAndReason(message { _ = try SafeTensorsFile.read(from: tensors) }, tensors.path, "Not a directory")
        let record = file.appendingPathComponent("config.json")
        assertNamesPathAndReason(message { _ = try RunRecord.read(from: record) }, record.path,
                                 "cannot read the run record: Not a directory (\(file.path) is a file)")
        let missing = file.deletingLastPathComponent().appendingPathComponent("no-run/config.json")
        assertNamesPathAndReason(message { _ = try RunRecord.read(from: missing) }, missing.path,
                                 "No such file or directory (\(missing.deletingLastPathComponent().path) does not exist)")
    }

    func testEvaluateOutputThatCannotBeWrittenNamesTheFileAndTheReason() throws {
        let dir = try makeTemporaryDirectory("fs-failure-out")
        let rows = (0..<30).map { "\($0 % 3).\($0),\(($0 * 7) % 5),c\($0 % 3)" }.joined(separator: "\n") + "\n"
        let data = try write(Array(rows.utf8), to: dir, "rows.csv")
        let run = dir.appendingPathComponent("run")
        XCTAssertNil(mixuplabError(["train", "--data", data.path, "--hidden", "4", "--method", "erm", "--epochs", "1",
                                    "--no-tensorboard", "--run-dir", run.path]))
        let checkpoint = run.appendingPathComponent("last.safetensors").path
        let file = try regularFile()
        let underFile = file.appendingPathComponent("report.json")
        assertNamesPathAndReason(mixuplabError(["evaluate", "--checkpoint", checkpoint, "--data", data.path, "--out", underFile.path]) ?? "",
                                 "cannot write \(underFile.path)", "Not a directory (\(file.path) is a file)")
        let missing = dir.appendingPathComponent("absent/deeper/preds.csv")
        assertNamesPathAndReason(mixuplabError(["predict", "--checkpoint", checkpoint, "--data", data.path, "--out", missing.path]) ?? "",
                                 "cannot write \(missing.path)", "No such file or directory (\(dir.appendingPathComponent("absent").path) does not exist)")
    }
}
