import Foundation
import MixupCore
import MixupExperiments
import MixupTestSupport
import MixupTraining
import XCTest

/// `evaluate` and `predict` read new files as `train` read its data: with the user's `--delimiter`
/// and under the same input budgets (`--max-features`, `--max-one-hot`, `--max-decompressed-bytes`).
final class CheckpointInputReadingTests: XCTestCase {
    /// `rows` rows of three separable classes (4 features, class last) joined by `separator`.
    private func blobs(rows: Int, seed: UInt64, separator: String) -> String {
        var rng = SeededGenerator(seed: seed)
        return (0..<rows).map { i -> String in
            let c = i % 3
            return ((0..<4).map { k in String(format: "%.3f", Double(c * (k + 1)) + 0.5 * rng.normal()) } + ["c\(c)"])
                .joined(separator: separator)
        }.joined(separator: "\n") + "\n"
    }

    private func lastTestAccuracy(_ run: URL) throws -> Double? {
        let text = try String(contentsOf: run.appendingPathComponent("metrics.jsonl"), encoding: .utf8)
        let last = try XCTUnwrap(text.split(separator: "\n").last)
        return try JSONDecoder().decode(EpochMetrics.self, from: Data(last.utf8)).testAccuracy
    }

    func testEvaluateAndPredictReadATabularFileWithTheDelimiterTrainWasGiven() throws {
        let dir = try makeTemporaryDirectory("delimiter")
        // '|' is not among the separators detection tries (',', ';', tab, whitespace): without --delimiter the
        // rows read as one column, so only the user's option makes these files readable.
        let train = try write(Array(blobs(rows: 120, seed: 1, separator: "|").utf8), to: dir, "train.psv")
        let test = try write(Array(blobs(rows: 45, seed: 2, separator: "|").utf8), to: dir, "test.psv")
        let run = dir.appendingPathComponent("run")
        try mixuplab(["train", "--data", train.path, "--test-data", test.path, "--delimiter", "|", "--hidden", "8",
                      "--method", "erm", "--epochs", "3", "--lr", "0.01", "--no-tensorboard", "--run-dir", run.path])
        let checkpoint = run.appendingPathComponent("last.safetensors").path

        let detected = try XCTUnwrap(mixuplabError(["evaluate", "--checkpoint", checkpoint, "--data", test.path]))
        XCTAssertTrue(detected.contains("test.psv:1") && detected.contains("expected 5 columns, found 1"), detected)

        let report = dir.appendingPathComponent("report.json")
        try mixuplab(["evaluate", "--checkpoint", checkpoint, "--data", test.path, "--delimiter", "|", "--out", report.path])
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: report)) as? [String: Any])
        XCTAssertEqual(json["samples"] as? Int, 45)
        // The trainer scored the same file read the same way.
        XCTAssertEqual(try XCTUnwrap(json["accuracy"] as? Double), try XCTUnwrap(lastTestAccuracy(run)), accuracy: 1e-12)

        let preds = dir.appendingPathComponent("preds.csv")
        try mixuplab(["predict", "--checkpoint", checkpoint, "--data", test.path, "--delimiter", "|", "--out", preds.path])
        let lines = try String(contentsOf: preds, encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(lines.count, 46)
        let trueClasses = lines.dropFirst().map { $0.split(separator: ",")[1] }
        XCTAssertEqual(trueClasses, (0..<45).map { "c\($0 % 3)"[...] }, "the class column of every row, in file order")
        XCTAssertTrue(lines[1].hasPrefix("test.psv:1,"), String(lines[1]))

        // The column budget applies as in train: 4 features + the class is more than --max-features 2 allows.
        let wide = try XCTUnwrap(mixuplabError(["evaluate", "--checkpoint", checkpoint, "--data", test.path,
                                                "--delimiter", "|", "--max-features", "2"]))
        XCTAssertTrue(wide.contains("test.psv:1:") && wide.contains("more than 3 columns") && wide.contains("--max-features"), wide)
        // Options of other domains are refused, as train refuses them, instead of being ignored.
        let graphsOnly = try XCTUnwrap(mixuplabError(["evaluate", "--checkpoint", checkpoint, "--data", test.path, "--max-one-hot", "5"]))
        XCTAssertTrue(graphsOnly.contains("--max-one-hot applies to TU graph datasets only (this checkpoint reads tabular)"), graphsOnly)
        let badValue = try XCTUnwrap(mixuplabError(["predict", "--checkpoint", checkpoint, "--data", test.path, "--max-features", "0"]))
        XCTAssertTrue(badValue.contains("--max-features must be ≥ 1, got 0"), badValue)
    }

    func testEvaluateReadsTUFoldersUnderTheOneHotBudget() throws {
        let mutag = try sharedData("graphs/MUTAG/MUTAG_A.txt").deletingLastPathComponent()
        let dir = try makeTemporaryDirectory("graph-budget")
        let run = dir.appendingPathComponent("run")
        try mixuplab(["train", "--data", mutag.path, "--folds", "2", "--fold", "1", "--gin-layers", "1", "--gin-hidden", "4",
                      "--method", "erm", "--epochs", "1", "--no-tensorboard", "--run-dir", run.path])
        let checkpoint = run.appendingPathComponent("fold-01/last.safetensors").path
        // MUTAG's nodes carry 7 distinct labels.
        let refused = try XCTUnwrap(mixuplabError(["evaluate", "--checkpoint", checkpoint, "--data", mutag.path, "--max-one-hot", "6"]))
        XCTAssertTrue(refused.contains("MUTAG_node_labels.txt") && refused.contains("--max-one-hot"), refused)
        try mixuplab(["evaluate", "--checkpoint", checkpoint, "--data", mutag.path, "--max-one-hot", "7"])
        let tabularOnly = try XCTUnwrap(mixuplabError(["evaluate", "--checkpoint", checkpoint, "--data", mutag.path, "--delimiter", ";"]))
        XCTAssertTrue(tabularOnly.contains("--delimiter applies to tabular files only (this checkpoint reads graphs)"), tabularOnly)
    }

    func testEvaluateReadsGzipIDXFilesUnderTheDecompressedSizeBudget() throws {
        // A LeNet checkpoint for 1×28×28 Fashion-MNIST-layout images, trained briefly on random pixels:
        // only how the test files are read matters here.
        var data = TestData(seed: 11)
        let split = ClassificationData(features: Tensor<Float>(data.tensor([20, 1, 28, 28])), labels: (0..<20).map { $0 % 10 },
                                       classCount: 10)
        let splits = LoadedSplits(name: "synthetic", train: split, validation: split, test: split,
                                  classNames: (0..<10).map(String.init),
                                  preparation: .images(ImagePreparation(dataset: "fashion-mnist", channelMean: [0.3], channelStd: [0.35])))
        var configuration = TrainingConfiguration()
        configuration.method = .erm
        configuration.epochs = 1
        configuration.batchSize = 10
        let spec = RunSpec(data: .splits(splits), model: ModelSpec(kind: .lenet), configuration: configuration)
        let trained = try spec.makeRun()
        trained.log = { _ in }
        trained.writesTensorBoard = false
        let run = try makeTemporaryDirectory("idx-budget")
        trained.runDirectory = try RunDirectory(run)
        try trained.run()
        let checkpoint = run.appendingPathComponent("last.safetensors").path
        let fashion = try sharedData("images/fashion-mnist/t10k-images-idx3-ubyte.gz").deletingLastPathComponent().path

        // The test images inflate to 7,840,016 bytes.
        let refused = try XCTUnwrap(mixuplabError(["evaluate", "--checkpoint", checkpoint, "--data-dir", fashion,
                                                   "--max-decompressed-bytes", "1000000"]))
        XCTAssertTrue(refused.contains("t10k-images-idx3-ubyte.gz") && refused.contains("--max-decompressed-bytes"), refused)
        let report = run.appendingPathComponent("report.json")
        try mixuplab(["evaluate", "--checkpoint", checkpoint, "--data-dir", fashion, "--max-decompressed-bytes", "8000000",
                      "--out", report.path])
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: report)) as? [String: Any])
        XCTAssertEqual(json["samples"] as? Int, 10_000)
        let mnistOnly = try XCTUnwrap(mixuplabError(["evaluate", "--checkpoint", checkpoint, "--data-dir", fashion,
                                                     "--dataset", "cifar10", "--max-decompressed-bytes", "8000000"]))
        XCTAssertTrue(mnistOnly.contains("--max-decompressed-bytes applies to the gzip IDX files of mnist and fashion-mnist only"), mnistOnly)
    }
}
