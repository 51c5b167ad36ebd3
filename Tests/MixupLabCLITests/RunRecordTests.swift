import ArgumentParser
import Foundation
import MixupCore
import MixupLabCLI
import MixupTestSupport
import MixupTraining
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// `train` records a complete, re-runnable run in `config.json`, owns its run directory, and
/// resumes only the same run on the same data.
final class RunRecordTests: XCTestCase {
    /// A small learnable CSV (class last) in a fresh folder.
    private func csv() throws -> URL {
        let dir = try makeTemporaryDirectory("data")
        var rng = SeededGenerator(seed: 3)
        let rows = (0..<90).map { i -> String in
            let c = i % 3
            return (0..<4).map { k in String(format: "%.3f", Double(c * (k + 1)) + rng.normal()) }.joined(separator: ",") + ",c\(c)"
        }
        return try write(Array((rows.joined(separator: "\n") + "\n").utf8), to: dir, "blobs.csv")
    }

    private func train(_ data: URL, _ run: URL, _ extra: [String] = []) throws {
        try mixuplab(["train", "--data", data.path, "--run-dir", run.path, "--epochs", "1", "--batch-size", "20",
                      "--hidden", "8", "--no-tensorboard"] + extra)
    }

    func testTheRecordHoldsArgumentsDataHashSettingsAndEnvironment() throws {
        let data = try csv()
        let run = try makeTemporaryDirectory().appendingPathComponent("r")
        try train(data, run, ["--train-limit", "40", "--split-seed", "5", "--activation", "tanh"])
        let record = try RunRecord.read(from: run.appendingPathComponent("config.json"))
        XCTAssertEqual(record.command, "train")
        let options = try XCTUnwrap(record.options)
        XCTAssertEqual(options["train-limit"], "40")
        XCTAssertEqual(options["split-seed"], "5")
        XCTAssertEqual(options["activation"], "tanh")
        XCTAssertEqual(options["hidden"], "8")
        XCTAssertEqual(options["tensorboard"], "false")
        XCTAssertNil(options["run-dir"])
        let arguments = try XCTUnwrap(record.arguments)
        XCTAssertTrue(arguments.contains("--no-tensorboard") && !arguments.contains("--run-dir"), "\(arguments)")
        XCTAssertEqual(options["data"], data.standardizedFileURL.path)
        XCTAssertEqual(record.dataset, "tabular")
        XCTAssertEqual(record.model, "MLP hidden 8 tanh")
        let file = try XCTUnwrap(record.data?.first)
        XCTAssertEqual(file.role, "data")
        XCTAssertEqual(file.bytes, try Data(contentsOf: data).count)
        var hash = ContentHash()
        try Data(contentsOf: data).withUnsafeBytes { hash.add($0) }
        XCTAssertEqual(file.hash, "fnv1a64:" + hash.hex)
        XCTAssertEqual(record.training.epochs, 1)
        let environment = try XCTUnwrap(record.environment)
        XCTAssertFalse(environment.openBLASCore.isEmpty || environment.openBLASCore == "unknown", environment.openBLASCore)
        XCTAssertEqual(environment.toolVersion, ToolVersion.current)
    }

    func testResumeRefusesOtherSettingsOrChangedDataListingTheKeys() throws {
        let data = try csv()
        let run = try makeTemporaryDirectory().appendingPathComponent("r")
        try train(data, run, ["--train-limit", "40"])
        func refused(_ extra: [String], _ key: String, file: StaticString = #filePath, line: UInt = #line) {
            let message = mixuplabError(["train", "--data", data.path, "--run-dir", run.path, "--epochs", "2", "--batch-size", "20",
                                         "--hidden", "8", "--no-tensorboard", "--resume"] + extra)
            XCTAssertTrue(message?.contains("these settings differ") == true && message?.contains(key) == true,
                          message ?? "accepted", file: file, line: line)
        }
        refused(["--train-limit", "40", "--split-seed", "1"], "--split-seed: 0 → 1")
        refused(["--train-limit", "30"], "--train-limit: 40 → 30")
        refused(["--train-limit", "40", "--activation", "tanh"], "--activation: (absent) → tanh")
        refused([], "--train-limit: 40 → (absent)")
        var bytes = try Data(contentsOf: data)
        bytes.append(contentsOf: Array("9,9,9,9,c0\n".utf8))
        try bytes.write(to: data)
        refused(["--train-limit", "40"], "data data (\(data.path))")
        try bytes.dropLast(11).write(to: data)
        // The same run with more epochs resumes.
        try train(data, run, ["--train-limit", "40", "--epochs", "2", "--resume"])
        XCTAssertEqual(try RunDirectory(run).readMetrics().count, 2)
    }

    func testARunDirectoryIsReusedOnlyWithResumeOrOverwrite() throws {
        let data = try csv()
        let run = try makeTemporaryDirectory().appendingPathComponent("r")
        try train(data, run)
        let message = mixuplabError(["train", "--data", data.path, "--run-dir", run.path, "--epochs", "1", "--no-tensorboard"])
        XCTAssertTrue(message?.contains("\(run.path) already holds a run (best.safetensors, config.json, last.safetensors") == true, message ?? "accepted")
        XCTAssertTrue(message?.contains("--overwrite") == true, message ?? "")
        try Data("junk".utf8).write(to: run.appendingPathComponent(".last.safetensors.DEAD.tmp"))
        try train(data, run, ["--overwrite", "--seed", "4"])
        XCTAssertEqual(try RunRecord.read(from: run.appendingPathComponent("config.json")).training.seed, 4)
        XCTAssertFalse(FileManager.default.fileExists(atPath: run.appendingPathComponent(".last.safetensors.DEAD.tmp").path))
        XCTAssertNotNil(mixuplabError(["train", "--run-dir", run.path, "--resume", "--overwrite"]))
    }

    func testARunRefusedForItsDataLeavesNoRecordSoTheCorrectedCommandRunsWithoutOverwrite() throws {
        let data = try csv()
        let good = try Data(contentsOf: data)
        try (good + Data("1,2,c0\n".utf8)).write(to: data)   // a short last row (line 91)
        let run = try makeTemporaryDirectory().appendingPathComponent("r")
        let message = mixuplabError(["train", "--data", data.path, "--run-dir", run.path, "--epochs", "1", "--batch-size", "20",
                                     "--hidden", "8", "--no-tensorboard"])
        XCTAssertTrue(message?.contains("blobs.csv:91") == true, message ?? "accepted")
        XCTAssertFalse(FileManager.default.fileExists(atPath: run.appendingPathComponent("config.json").path))
        XCTAssertEqual(try RunDirectory(run).previousRunFiles(), [])
        try good.write(to: data)
        try train(data, run)
        XCTAssertEqual(try RunDirectory(run).readMetrics().count, 1)
        // A --resume with nothing to resume is refused and records nothing either.
        let empty = try makeTemporaryDirectory().appendingPathComponent("none")
        XCTAssertNotNil(mixuplabError(["train", "--data", data.path, "--run-dir", empty.path, "--epochs", "1", "--resume"]))
        XCTAssertEqual(try RunDirectory(empty).previousRunFiles(), [])
    }

    func testARunKilledBeforeItsFirstCheckpointResumesFromTheStart() throws {
        let data = try csv()
        let run = try makeTemporaryDirectory().appendingPathComponent("r")
        try train(data, run)
        let reference = try RunDirectory(run).readMetrics().map { var m = $0; m.trainSeconds = 0; m.samplesPerSecond = 0; return m }
        for name in ["last.safetensors", "best.safetensors", "metrics.jsonl", "metrics.csv"] {
            try FileManager.default.removeItem(at: run.appendingPathComponent(name))
        }
        try train(data, run, ["--resume"])
        let again = try RunDirectory(run).readMetrics().map { var m = $0; m.trainSeconds = 0; m.samplesPerSecond = 0; return m }
        XCTAssertEqual(again, reference)
        let empty = try makeTemporaryDirectory().appendingPathComponent("none")
        let message = mixuplabError(["train", "--data", data.path, "--run-dir", empty.path, "--resume"])
        XCTAssertTrue(message?.contains("--resume: no checkpoint at") == true, message ?? "accepted")
    }

    func testALockedRunDirectoryIsRefusedNamingTheHolder() throws {
        let data = try csv()
        let run = try makeTemporaryDirectory().appendingPathComponent("r")
        let lock = try RunDirectory(run).lock()
        let message = mixuplabError(["train", "--data", data.path, "--run-dir", run.path, "--epochs", "1"])
        XCTAssertTrue(message?.contains("is in use by process \(getpid())") == true, message ?? "accepted")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: run.path), [".lock"], "nothing may be written")
        withExtendedLifetime(lock) {}
    }

    func testAnAblationOutputFolderInUseIsRefusedNamingTheHolder() throws {
        let data = try csv()
        let out = try makeTemporaryDirectory().appendingPathComponent("ablation")
        let lock = try RunDirectory(out).lock()
        let message = mixuplabError(["ablate", "--data", data.path, "--out", out.path, "--epochs", "1", "--seeds", "1",
                                     "--arms", "erm", "--hidden", "8", "--no-tensorboard"])
        XCTAssertTrue(message?.contains("is in use by process \(getpid())") == true, message ?? "accepted")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: out.path), [".lock"], "nothing may be written")
        withExtendedLifetime(lock) {}
    }

    func testARunDirectoryUnderAFileFailsBeforeTheDataIsRead() throws {
        let dir = try makeTemporaryDirectory()
        let file = dir.appendingPathComponent("taken")
        try Data().write(to: file)
        let message = mixuplabError(["train", "--data", dir.appendingPathComponent("missing.csv").path,
                                     "--run-dir", file.appendingPathComponent("run").path, "--epochs", "1"])
        XCTAssertTrue(message?.contains("\(file.path) is a file") == true, message ?? "accepted")
    }

    func testConfigReRunsTheRecordedRunAndGivenOptionsOverrideIt() throws {
        let data = try csv()
        let root = try makeTemporaryDirectory()
        let first = root.appendingPathComponent("first"), second = root.appendingPathComponent("second")
        try train(data, first, ["--train-limit", "50", "--method", "mixup", "--lr", "0.003", "--seed", "9"])
        try mixuplab(["train", "--config", first.appendingPathComponent("config.json").path, "--run-dir", second.path, "--epochs", "2"])
        let a = try RunRecord.read(from: first.appendingPathComponent("config.json"))
        let b = try RunRecord.read(from: second.appendingPathComponent("config.json"))
        var expected = try XCTUnwrap(a.options)
        expected["epochs"] = "2"
        XCTAssertEqual(b.options, expected)
        XCTAssertEqual(b.training.epochs, 2)
        XCTAssertEqual(b.training.seed, 9)
        XCTAssertEqual(b.data, a.data)
        // A re-run computes the same numbers: its first epoch is the recorded run's.
        func untimed(_ dir: URL) throws -> [EpochMetrics] {
            try RunDirectory(dir).readMetrics().map { var m = $0; m.trainSeconds = 0; m.samplesPerSecond = 0; return m }
        }
        XCTAssertEqual(try untimed(second).first, try untimed(first).first)
        XCTAssertNotNil(mixuplabError(["train", "--config", root.appendingPathComponent("none.json").path]))
    }

    func testFlagsOfARecordCanBeSwitchedOffWhenReRunningIt() throws {
        let data = try csv()
        let root = try makeTemporaryDirectory()
        let first = root.appendingPathComponent("first"), second = root.appendingPathComponent("second")
        // The older spellings keep working: --no-bias (now the inversion of --bias) and --nesterov.
        try train(data, first, ["--no-bias", "--optimizer", "sgd", "--momentum", "0.9", "--nesterov"])
        let recorded = try RunRecord.read(from: first.appendingPathComponent("config.json"))
        XCTAssertEqual(recorded.options?["bias"], "false")
        XCTAssertEqual(recorded.options?["nesterov"], "true")
        XCTAssertEqual(recorded.model, "MLP hidden 8 relu bias-free")
        var lines: [String] = []
        let arguments = try MixupLab.expandingRunConfig(["train", "--config", first.appendingPathComponent("config.json").path,
                                                         "--run-dir", second.path, "--bias", "--no-nesterov"]) { lines.append($0) }
        XCTAssertEqual(lines.count, 1)
        XCTAssertTrue(lines[0].hasSuffix("overridden on the command line: --bias (recorded --no-bias), --no-nesterov (recorded --nesterov)"),
                      lines[0])
        var command = try MixupLab.parseAsRoot(arguments)
        try command.run()
        let rerun = try RunRecord.read(from: second.appendingPathComponent("config.json"))
        XCTAssertEqual(rerun.options?["bias"], "true")
        XCTAssertEqual(rerun.options?["nesterov"], "false")
        XCTAssertEqual(rerun.model, "MLP hidden 8 relu")
        guard case let .sgd(_, momentum, nesterov, _) = rerun.training.optimizer else { return XCTFail("\(rerun.training.optimizer)") }
        XCTAssertEqual(momentum, 0.9)
        XCTAssertFalse(nesterov)
        // The new record spells the switched-off flag, so re-running it keeps it off.
        XCTAssertTrue(rerun.arguments?.contains("--no-nesterov") == true, "\(rerun.arguments ?? [])")
    }

    func testARunRecordedUnderTheOldNoBiasNameResumesAsTheSameRun() throws {
        let data = try csv()
        let run = try makeTemporaryDirectory().appendingPathComponent("r")
        try train(data, run, ["--no-bias"])
        // Records written before --bias/--no-bias said `no-bias: true` (and nothing for a bias).
        let config = run.appendingPathComponent("config.json")
        var object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: config)) as? [String: Any])
        var options = try XCTUnwrap(object["options"] as? [String: String])
        XCTAssertEqual(options.removeValue(forKey: "bias"), "false")
        options["no-bias"] = "true"
        object["options"] = options
        try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]).write(to: config)
        try train(data, run, ["--no-bias", "--resume", "--epochs", "2"])
        XCTAssertEqual(try RunDirectory(run).readMetrics().count, 2)
        // A different setting is still refused.
        let message = mixuplabError(["train", "--data", data.path, "--run-dir", run.path, "--epochs", "3", "--batch-size", "20",
                                     "--hidden", "8", "--no-tensorboard", "--resume"])
        XCTAssertTrue(message?.contains("--bias: false → true") == true, message ?? "accepted")
    }

    func testEveryRealOptionMustBeFinite() {
        for (option, value) in [("--lr", "1e309"), ("--alpha", "inf"), ("--eta", "nan"), ("--weight-decay", "1e400"),
                                ("--ema", "nan"), ("--width-multiplier", "inf")] {
            let message = mixuplabError(["train", option, value])
            XCTAssertTrue(message?.contains("\(option) must be a finite number") == true, "\(option) \(value): \(message ?? "accepted")")
        }
        let momentum = mixuplabError(["train", "--optimizer", "sgd", "--momentum", "inf"])
        XCTAssertTrue(momentum?.contains("--momentum must be a finite number") == true, momentum ?? "accepted")
        let nesterov = mixuplabError(["train", "--optimizer", "sgd", "--nesterov", "--momentum", "0"])
        XCTAssertTrue(nesterov?.contains("--nesterov needs --momentum > 0") == true, nesterov ?? "accepted")
    }
}
