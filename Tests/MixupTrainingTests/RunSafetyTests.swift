import Foundation
import MixupCore
import MixupNN
import MixupTestSupport
import MixupTraining
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// Run directories are owned by one process and fail early; resume restores only sound tensors;
/// divergence — non-finite or exploding — stops a run before the epoch is written.
final class RunDirectorySafetyTests: XCTestCase {
    func testRunDirectoryUnderAFileFailsNamingThatFile() throws {
        let dir = try makeTemporaryDirectory()
        let file = dir.appendingPathComponent("plain.txt")
        try Data("x".utf8).write(to: file)
        XCTAssertThrowsError(try RunDirectory(file.appendingPathComponent("run"))) { error in
            XCTAssertEqual("\(error)", "\(file.path)/run: cannot create the run directory: Not a directory (\(file.path) is a file)")
        }
        XCTAssertThrowsError(try RunDirectory(file)) {
            XCTAssertEqual("\($0)", "\(file.path): cannot create the run directory: Not a directory (\(file.path) is a file)")
        }
    }

    func testUnwritableRunDirectoryFailsWhenOpened() throws {
        try XCTSkipIf(geteuid() == 0, "root writes everywhere")
        let dir = try makeTemporaryDirectory()
        try FileManager.default.setAttributes([.posixPermissions: 0o555], ofItemAtPath: dir.path)
        defer { try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: dir.path) }
        XCTAssertThrowsError(try RunDirectory(dir)) { XCTAssertTrue("\($0)".contains("not writable"), "\($0)") }
    }

    func testASecondLockIsRefusedNamingTheHoldersPidUntilTheFirstIsReleased() throws {
        let run = try RunDirectory(makeTemporaryDirectory())
        var first: RunDirectoryLock? = try run.lock()
        XCTAssertThrowsError(try run.lock()) { error in
            XCTAssertTrue("\(error)".contains("is in use by process \(getpid())"), "\(error)")
        }
        XCTAssertEqual(try String(contentsOf: run.lockURL, encoding: .utf8), "\(getpid())\n")
        first = nil
        XCTAssertNil(first)
        XCTAssertNoThrow(try run.lock())
    }

    func testStaleTemporaryFilesOfAtomicWritesAreRemovedAndNothingElse() throws {
        let run = try RunDirectory(makeTemporaryDirectory())
        for name in [".last.safetensors.1234.tmp", ".metrics.jsonl.ABCD.tmp", "notes.tmp", "last.safetensors"] {
            try Data("x".utf8).write(to: run.url.appendingPathComponent(name))
        }
        XCTAssertEqual(try run.removeStaleTemporaryFiles(), [".last.safetensors.1234.tmp", ".metrics.jsonl.ABCD.tmp"])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: run.url.path).sorted(), ["last.safetensors", "notes.tmp"])
        XCTAssertEqual(try run.previousRunFiles(), ["last.safetensors"])
    }

    func testMetricsThatAreNotJSONNameTheFileAndLine() throws {
        let run = try RunDirectory(makeTemporaryDirectory())
        try run.writeMetrics([])
        try Data("{\"epoch\": 1}\n".utf8).write(to: run.metricsJSONLinesURL)
        XCTAssertThrowsError(try run.readMetrics()) { error in
            XCTAssertTrue("\(error)".contains("\(run.metricsJSONLinesURL.path): line 1"), "\(error)")
        }
    }
}

final class SafeResumeTests: XCTestCase {
    private func trainer(_ dir: URL?, epochs: Int, optimizer: OptimizerConfiguration = .adam(learningRate: 1e-2, weightDecay: 0),
                         data: ClassificationData<Float>? = nil) throws -> Trainer<MLP<Float>> {
        var rng = SeededGenerator(seed: 7)
        var config = quickConfiguration(.mixupE, epochs: epochs)
        config.optimizer = optimizer
        let train = data ?? blobs(n: 96, d: 5, classes: 3, seed: 1)
        let t = try Trainer(model: MLP<Float>(widths: [5, 8, 3], using: &rng), configuration: config,
                            train: train, validation: blobs(n: 30, d: 5, classes: 3, seed: 2))
        t.log = { _ in }
        t.runDirectory = try dir.map(RunDirectory.init)
        return t
    }

    /// Writes `checkpoint` with `name`'s first value replaced by `value`.
    private func corrupt(_ url: URL, _ name: String, _ value: Float) throws {
        var checkpoint = try Checkpoint<Float>.read(from: url)
        if name.hasPrefix("optimizer.") {
            let key = String(name.dropFirst("optimizer.".count))
            var s = checkpoint.optimizerState[key]!.scalars; s[0] = value
            checkpoint.optimizerState[key] = Tensor(shape: checkpoint.optimizerState[key]!.shape, scalars: s)
        } else {
            var s = checkpoint.parameters[name]!.scalars; s[0] = value
            checkpoint.parameters[name] = Tensor(shape: checkpoint.parameters[name]!.shape, scalars: s)
        }
        try checkpoint.write(to: url)
    }

    func testNonFiniteOrNegativeTensorsInACheckpointAreReportedAsCorruptNamingFileAndTensor() throws {
        for (tensor, value) in [("layers.0.weight", Float.nan), ("layers.1.bias", Float.infinity),
                                ("optimizer.adam.exp_avg.0", Float.nan), ("optimizer.adam.exp_avg_sq.1", -1)] {
            let dir = try makeTemporaryDirectory()
            try trainer(dir, epochs: 1).run()
            let last = try RunDirectory(dir).lastCheckpointURL
            let names = try Set(Checkpoint<Float>.read(from: last).parameters.keys)
            XCTAssertTrue(tensor.hasPrefix("optimizer.") || names.contains(tensor), "\(tensor) not among \(names.sorted())")
            try corrupt(last, tensor, value)
            let resumed = try trainer(dir, epochs: 2)
            let before = resumed.model.parameters.map(\.value)
            XCTAssertThrowsError(try resumed.resume(from: last)) { error in
                let message = "\(error)"
                XCTAssertTrue(message.contains("corrupt checkpoint: \(last.path)"), message)
                XCTAssertTrue(message.contains("'\(tensor)'"), message)
                XCTAssertFalse(message.contains("diverged"), message)
            }
            XCTAssertEqual(resumed.model.parameters.map(\.value), before, "a refused checkpoint must not change the model")
        }
    }

    func testNaNBatchNormRunningVarianceIsFoundBeforeRestoring() {
        let checkpoint = Checkpoint<Float>(parameters: ["features.1.running_var": Tensor(shape: [2], scalars: [1, .nan]),
                                                        "features.1.running_mean": Tensor(shape: [2], scalars: [0, 0])])
        XCTAssertThrowsError(try checkpoint.checkFinite()) {
            XCTAssertEqual("\($0)", "tensor 'features.1.running_var' holds nan at index 1")
        }
        let negative = Checkpoint<Float>(parameters: ["bn.running_var": Tensor(shape: [1], scalars: [-0.5])])
        XCTAssertThrowsError(try negative.checkFinite()) { XCTAssertTrue("\($0)".contains("must be ≥ 0"), "\($0)") }
    }

    func testAKillBetweenWritingBestAndLastNeverLeavesBestStale() throws {
        // Uninterrupted reference run.
        let reference = try makeTemporaryDirectory()
        try trainer(reference, epochs: 2).run()
        // The same run killed during epoch 2's save, after `best` but before metrics and `last`.
        let dir = try makeTemporaryDirectory()
        let run = try RunDirectory(dir)
        try trainer(dir, epochs: 1).run()
        let saved = try [run.lastCheckpointURL, run.metricsJSONLinesURL, run.metricsCSVURL].map { ($0, try Data(contentsOf: $0)) }
        let second = try trainer(dir, epochs: 2)
        try second.resume(from: run.lastCheckpointURL)
        try second.run()
        for (url, bytes) in saved { try bytes.write(to: url) }   // `best` of epoch 2 stays, the rest is epoch 1's
        let third = try trainer(dir, epochs: 2)
        try third.resume(from: run.lastCheckpointURL)
        try third.run()
        let referenceRun = try RunDirectory(reference)
        XCTAssertEqual(try Data(contentsOf: run.bestCheckpointURL), try Data(contentsOf: referenceRun.bestCheckpointURL))
        XCTAssertEqual(try Data(contentsOf: run.lastCheckpointURL), try Data(contentsOf: referenceRun.lastCheckpointURL))
    }

    func testIdenticalRunsWriteByteIdenticalCheckpointsRecordsAndMetrics() throws {
        let a = try makeTemporaryDirectory(), b = try makeTemporaryDirectory()
        try trainer(a, epochs: 2).run()
        try trainer(b, epochs: 2).run()
        let (ra, rb) = (try RunDirectory(a), try RunDirectory(b))
        for (x, y) in [(ra.lastCheckpointURL, rb.lastCheckpointURL), (ra.bestCheckpointURL, rb.bestCheckpointURL),
                       (ra.configURL, rb.configURL)] {
            XCTAssertEqual(try Data(contentsOf: x), try Data(contentsOf: y), x.lastPathComponent)
        }
        // Wall-clock timings are the only metrics allowed to differ.
        func untimed(_ run: RunDirectory) throws -> [EpochMetrics] {
            try run.readMetrics().map { var m = $0; m.trainSeconds = 0; m.samplesPerSecond = 0; return m }
        }
        XCTAssertEqual(try untimed(ra), try untimed(rb))
        XCTAssertEqual(try untimed(ra).count, 2)
    }

    func testTheRunRecordKeepsTheCommandLinesFieldsAndUpdatesTheConfiguration() throws {
        let dir = try makeTemporaryDirectory()
        let run = try RunDirectory(dir)
        var record = RunRecord(training: quickConfiguration(.mixupE, epochs: 1))
        record.command = "train"
        record.options = ["split-seed": "3"]
        try run.writeJSON(record, to: run.configURL)
        try trainer(dir, epochs: 2).run()
        let written = try RunRecord.read(from: run.configURL)
        XCTAssertEqual(written.options, ["split-seed": "3"])
        XCTAssertEqual(written.training.epochs, 2)
        XCTAssertEqual(written.format, RunRecord.currentFormat)
    }
}

final class DivergenceTests: XCTestCase {
    private func trainer(_ optimizer: OptimizerConfiguration, dir: URL) throws -> Trainer<MLP<Float>> {
        var rng = SeededGenerator(seed: 7)
        var config = quickConfiguration(.mixup, epochs: 3)
        config.optimizer = optimizer
        let t = try Trainer(model: MLP<Float>(widths: [5, 8, 3], using: &rng), configuration: config,
                            train: blobs(n: 96, d: 5, classes: 3, seed: 1))
        t.log = { _ in }
        t.runDirectory = try RunDirectory(dir)
        return t
    }

    func testAnUpdateThatMakesAParameterNonFiniteStopsTheRunBeforeAnythingIsWritten() throws {
        let dir = try makeTemporaryDirectory()
        let t = try trainer(.sgd(learningRate: 1e300, momentum: 0, nesterov: false, weightDecay: 0), dir: dir)
        XCTAssertThrowsError(try t.run()) { error in
            let message = "\(error)"
            XCTAssertTrue(message.contains("diverged at epoch 1, batch 1"), message)
            XCTAssertTrue(message.contains("the update made parameter 'layers."), message)
            XCTAssertTrue(message.contains("No checkpoint was written yet"), message)
        }
        let run = try RunDirectory(dir)
        XCTAssertFalse(FileManager.default.fileExists(atPath: run.lastCheckpointURL.path))
        XCTAssertFalse(FileManager.default.fileExists(atPath: run.metricsJSONLinesURL.path))
    }

    func testAdamAtAHugeLearningRateStopsAsAnExplosionInsteadOfFinishing() throws {
        let dir = try makeTemporaryDirectory()
        let t = try trainer(.adam(learningRate: 1e6, weightDecay: 0), dir: dir)
        XCTAssertThrowsError(try t.run()) { error in
            let message = "\(error)"
            XCTAssertTrue(message.contains("diverged at epoch 1"), message)
            XCTAssertTrue(message.contains("the loss exploded"), message)
        }
        XCTAssertTrue(t.history.isEmpty)
        XCTAssertFalse(FileManager.default.fileExists(atPath: try RunDirectory(dir).lastCheckpointURL.path))
    }

    func testAnOrdinaryRunIsNotMistakenForAnExplosion() throws {
        let dir = try makeTemporaryDirectory()
        let history = try trainer(.adam(learningRate: 1e-2, weightDecay: 0), dir: dir).run()
        XCTAssertEqual(history.count, 3)
    }
}
