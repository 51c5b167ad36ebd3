import Foundation
import MixupCore
import MixupExperiments
import MixupNN
import MixupTestSupport
import MixupTraining
import SafeTensors
import XCTest

/// `evaluate`, `predict` and `export` rebuild a trained model from its checkpoint alone, prepare
/// new data with the checkpoint's recorded normalisation, and export weights PyTorch can load.
final class EvaluatePredictExportTests: XCTestCase {
    // MARK: Data

    /// An ARFF file of three classes decided by two numeric features and a nominal colour, `rows`
    /// rows from `seed` (values far from 0, so the recorded standardisation matters, and a one-hot
    /// column, so the recorded category list matters).
    func tabularARFF(rows: Int, seed: UInt64, extraColumn: Bool = false, classNames: [String] = ["low", "mid", "high"]) -> String {
        var rng = SeededGenerator(seed: seed)
        let colours = ["red", "green", "blue"]
        let header = ["@relation synthetic", "@attribute x numeric", "@attribute y numeric", "@attribute colour {red,green,blue}"]
            + (extraColumn ? ["@attribute z numeric"] : []) + ["@attribute class {\(classNames.joined(separator: ","))}", "@data"]
        let data = (0..<rows).map { i -> String in
            let x = Double.random(in: 0...10, using: &rng), y = Double.random(in: 100...200, using: &rng)
            let colour = colours[i % 3]
            let score = x / 10 + (y - 100) / 100 + (colour == "blue" ? 0.5 : 0)
            let label = score < 0.8 ? 0 : score < 1.4 ? 1 : 2
            let cells = [String(format: "%.3f", x), String(format: "%.3f", y), colour] + (extraColumn ? ["1"] : [])
            return (cells + [classNames[label]]).joined(separator: ",")
        }
        return (header + data).joined(separator: "\n") + "\n"
    }

    func lastMetrics(_ runDirectory: URL) throws -> EpochMetrics {
        let text = try String(contentsOf: runDirectory.appendingPathComponent("metrics.jsonl"), encoding: .utf8)
        let last = try XCTUnwrap(text.split(separator: "\n").last)
        return try JSONDecoder().decode(EpochMetrics.self, from: Data(last.utf8))
    }

    /// Rows of a predictions CSV as dictionaries keyed by the header.
    func predictionRows(_ url: URL) throws -> (header: [String], rows: [[String: String]]) {
        let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map {
            $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        }
        let header = try XCTUnwrap(lines.first)
        return (header, lines.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(header, $0)) })
    }

    func fashionMNIST() throws -> String {
        try sharedData("images/fashion-mnist/train-images-idx3-ubyte.gz").deletingLastPathComponent().path
    }

    // MARK: Tabular

    func testTabularEvaluateReproducesTheTrainersTestScoresAndPredictRecomputesTheSameAccuracy() throws {
        let dir = try makeTemporaryDirectory("tabular")
        let train = try write(Array(tabularARFF(rows: 240, seed: 1).utf8), to: dir, "train.arff")
        let test = try write(Array(tabularARFF(rows: 90, seed: 2).utf8), to: dir, "test.arff")
        let run = dir.appendingPathComponent("run")
        try mixuplab(["train", "--data", train.path, "--test-data", test.path, "--model", "mlp", "--hidden", "12",
                      "--method", "erm", "--epochs", "20", "--lr", "0.01", "--seed", "5", "--run-dir", run.path])
        let checkpoint = run.appendingPathComponent("last.safetensors").path
        // A model that has learnt something, so predictions differ between classes and rows.
        XCTAssertGreaterThan(try XCTUnwrap(lastMetrics(run).testAccuracy), 0.6)

        // The trainer scored test.arff with the training statistics; evaluate must find the same numbers
        // from the checkpoint alone.
        let report = dir.appendingPathComponent("report.json")
        try mixuplab(["evaluate", "--checkpoint", checkpoint, "--data", test.path, "--out", report.path])
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: report)) as! [String: Any]
        let metrics = try lastMetrics(run)
        XCTAssertEqual(json["samples"] as? Int, 90)
        XCTAssertEqual(json["accuracy"] as! Double, try XCTUnwrap(metrics.testAccuracy), accuracy: 1e-12)
        XCTAssertEqual(json["meanLoss"] as! Double, try XCTUnwrap(metrics.testLoss), accuracy: 1e-4)
        XCTAssertEqual(json["classNames"] as? [String], ["low", "mid", "high"], "the ARFF's declared class order")
        let confusion = json["confusion"] as! [[Int]]
        XCTAssertEqual(confusion.flatMap { $0 }.reduce(0, +), 90)

        // predict: one row per data line of test.arff, true labels as in the file, accuracy recomputed from the rows.
        let preds = dir.appendingPathComponent("preds.csv")
        try mixuplab(["predict", "--checkpoint", checkpoint, "--data", test.path, "--out", preds.path])
        let (header, rows) = try predictionRows(preds)
        XCTAssertEqual(Array(header.prefix(7)), ["sample", "true", "true_index", "predicted", "predicted_index", "correct", "loss"])
        XCTAssertEqual(Array(header.dropFirst(7)), ["logit_low", "logit_mid", "logit_high", "prob_low", "prob_mid", "prob_high"])
        XCTAssertEqual(rows.count, 90)
        let fileClasses = try String(contentsOf: test, encoding: .utf8).split(separator: "\n").dropFirst(6)
            .map { String($0.split(separator: ",").last!) }
        XCTAssertEqual(rows.map { $0["true"]! }, fileClasses)
        XCTAssertEqual(rows.first?["sample"], "test.arff:7", "the first data line, after 6 header lines")
        let correct = rows.filter { $0["true"] == $0["predicted"] }.count
        XCTAssertEqual(Double(correct) / 90, json["accuracy"] as! Double, accuracy: 1e-12)
        let names = ["low", "mid", "high"]
        for row in rows {
            let logits = names.map { Double(row["logit_\($0)"]!)! }, probs = names.map { Double(row["prob_\($0)"]!)! }
            XCTAssertEqual(probs.reduce(0, +), 1, accuracy: 1e-9)
            XCTAssertEqual(names[logits.indices.max { logits[$0] < logits[$1] }!], row["predicted"])
            // Cross-entropy of the row from its own logits.
            let m = logits.max()!, lse = m + log(logits.map { exp($0 - m) }.reduce(0, +))
            XCTAssertEqual(Double(row["loss"]!)!, lse - logits[names.firstIndex(of: row["true"]!)!], accuracy: 1e-5)
        }
        // The confusion matrix is the tally of the prediction rows.
        for (t, trueName) in names.enumerated() {
            for (p, predictedName) in names.enumerated() {
                XCTAssertEqual(confusion[t][p], rows.filter { $0["true"] == trueName && $0["predicted"] == predictedName }.count)
            }
        }
        let csv = dir.appendingPathComponent("confusion.csv")
        try mixuplab(["evaluate", "--checkpoint", checkpoint, "--data", test.path, "--out", csv.path])
        let csvLines = try String(contentsOf: csv, encoding: .utf8).split(separator: "\n").map(String.init)
        XCTAssertEqual(csvLines.first, "true,low,mid,high")
        XCTAssertEqual(csvLines.dropFirst().map { $0.split(separator: ",").dropFirst().map { Int($0)! } }, confusion)
    }

    func testEvaluateWithEMAScoresTheWeightAverageAsTheTrainerDid() throws {
        let dir = try makeTemporaryDirectory("ema")
        let train = try write(Array(tabularARFF(rows: 200, seed: 4).utf8), to: dir, "train.arff")
        let test = try write(Array(tabularARFF(rows: 60, seed: 5).utf8), to: dir, "test.arff")
        let run = dir.appendingPathComponent("run")
        try mixuplab(["train", "--data", train.path, "--test-data", test.path, "--model", "mlp", "--hidden", "8", "--method", "erm",
                      "--epochs", "6", "--lr", "0.01", "--ema", "0.9", "--run-dir", run.path])
        let checkpoint = run.appendingPathComponent("last.safetensors").path
        let metrics = try lastMetrics(run)
        for (flag, accuracy, loss) in [([String](), metrics.testAccuracy, metrics.testLoss), (["--ema"], metrics.emaTestAccuracy, metrics.emaTestLoss)] {
            let report = dir.appendingPathComponent("report\(flag.count).json")
            try mixuplab(["evaluate", "--checkpoint", checkpoint, "--data", test.path, "--out", report.path] + flag)
            let json = try JSONSerialization.jsonObject(with: Data(contentsOf: report)) as! [String: Any]
            XCTAssertEqual(json["accuracy"] as! Double, try XCTUnwrap(accuracy), accuracy: 1e-12, "\(flag)")
            XCTAssertEqual(json["meanLoss"] as! Double, try XCTUnwrap(loss), accuracy: 1e-4, "\(flag)")
        }
        XCTAssertNotEqual(metrics.testLoss, metrics.emaTestLoss, "the average differs from the raw weights, so the test tells them apart")
        // Without a weight average in the checkpoint, --ema is refused with the reason.
        let plain = dir.appendingPathComponent("plain")
        try mixuplab(["train", "--data", train.path, "--model", "mlp", "--hidden", "4", "--method", "erm", "--epochs", "1",
                      "--run-dir", plain.path])
        let error = try XCTUnwrap(mixuplabError(["evaluate", "--checkpoint", plain.appendingPathComponent("last.safetensors").path,
                                                 "--data", test.path, "--ema"]))
        XCTAssertTrue(error.contains("without --ema"), error)
    }

    func testEvaluateRefusesTabularDataWhoseColumnsOrClassesDifferFromTheCheckpoint() throws {
        let dir = try makeTemporaryDirectory("tabular-mismatch")
        let train = try write(Array(tabularARFF(rows: 120, seed: 1).utf8), to: dir, "train.arff")
        let run = dir.appendingPathComponent("run")
        try mixuplab(["train", "--data", train.path, "--model", "mlp", "--hidden", "4", "--method", "erm", "--epochs", "1",
                      "--run-dir", run.path])
        let checkpoint = run.appendingPathComponent("last.safetensors").path
        let wide = try write(Array(tabularARFF(rows: 20, seed: 3, extraColumn: true).utf8), to: dir, "wide.arff")
        let wideError = try XCTUnwrap(mixuplabError(["evaluate", "--checkpoint", checkpoint, "--data", wide.path]))
        XCTAssertTrue(wideError.contains("wide.arff") && wideError.contains("'z'"), wideError)
        let renamed = try write(Array(tabularARFF(rows: 20, seed: 3, classNames: ["low", "mid", "top"]).utf8), to: dir, "renamed.arff")
        let classError = try XCTUnwrap(mixuplabError(["predict", "--checkpoint", checkpoint, "--data", renamed.path,
                                                      "--out", dir.appendingPathComponent("p.csv").path]))
        XCTAssertTrue(classError.contains("renamed.arff") && classError.contains("top"), classError)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("p.csv").path))
        // A checkpoint without the model record (an older or hand-made file) is refused with the reason.
        let bare = dir.appendingPathComponent("bare.safetensors")
        try Checkpoint<Float>(parameters: ["layers.0.weight": Tensor(zeros: [2, 2])]).write(to: bare)
        let bareError = try XCTUnwrap(mixuplabError(["evaluate", "--checkpoint", bare.path, "--data", train.path]))
        XCTAssertTrue(bareError.contains("bare.safetensors") && bareError.contains("records no model"), bareError)
    }

    func testTrainingOnDataWhoseStatisticsOverflowStopsWithAClearErrorInsteadOfWritingAnUnreadableRecord() throws {
        let dir = try makeTemporaryDirectory("overflow")
        // Every fifth row is ±1e308, so whichever rows the split trains on, their variance overflows.
        let rows = (0..<40).map { i in "\(i % 5 == 0 ? (i % 10 == 0 ? "1e308" : "-1e308") : String(i % 7)),\(i % 2 == 0 ? "a" : "b")" }
        let data = try write(Array(rows.joined(separator: "\n").utf8), to: dir, "huge.csv")
        let error = try XCTUnwrap(mixuplabError(["train", "--data", data.path, "--model", "mlp", "--hidden", "4", "--method", "erm",
                                                 "--epochs", "1", "--run-dir", dir.appendingPathComponent("run").path]))
        XCTAssertTrue(error.contains("huge"), error)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("run/last.safetensors").path))
    }

    // MARK: Images

    func testLeNetCheckpointEvaluatesTheFashionMNISTTestSetAsTheTrainerDidAndRefusesOtherShapes() throws {
        let dir = try makeTemporaryDirectory("lenet")
        let run = dir.appendingPathComponent("run")
        let data = try fashionMNIST()
        try mixuplab(["train", "--dataset", "fashion-mnist", "--data-dir", data, "--train-limit", "1000", "--model", "lenet",
                      "--method", "mixup", "--optimizer", "adam", "--lr", "0.002", "--epochs", "2", "--run-dir", run.path])
        let checkpoint = run.appendingPathComponent("last.safetensors").path
        // A model well above chance, so its scores depend on the images and on how they were normalised.
        XCTAssertGreaterThan(try XCTUnwrap(lastMetrics(run).testAccuracy), 0.4)
        let report = dir.appendingPathComponent("report.json")
        try mixuplab(["evaluate", "--checkpoint", checkpoint, "--data-dir", data, "--out", report.path])
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: report)) as! [String: Any]
        let metrics = try lastMetrics(run)
        XCTAssertEqual(json["samples"] as? Int, 10_000)
        XCTAssertEqual(json["accuracy"] as! Double, try XCTUnwrap(metrics.testAccuracy), accuracy: 1e-12)
        XCTAssertEqual(json["meanLoss"] as! Double, try XCTUnwrap(metrics.testLoss), accuracy: 1e-4)

        let preds = dir.appendingPathComponent("preds.csv")
        try mixuplab(["predict", "--checkpoint", checkpoint, "--data", data, "--out", preds.path])
        let (_, rows) = try predictionRows(preds)
        XCTAssertEqual(rows.count, 10_000)
        let accuracy = Double(rows.filter { $0["true_index"] == $0["predicted_index"] }.count) / 10_000
        XCTAssertEqual(accuracy, json["accuracy"] as! Double, accuracy: 1e-12)
        // The true labels are the IDX test labels, in file order.
        let labelsFile = try idxLabels(URL(fileURLWithPath: data).appendingPathComponent("t10k-labels-idx1-ubyte.gz"))
        XCTAssertEqual(rows.map { Int($0["true_index"]!)! }, labelsFile)

        // 20×20 images do not fit a model trained on 28×28: a clear error, not a trap.
        let small = dir.appendingPathComponent("small")
        try writeIDX(images: 4, height: 20, width: 20, to: small)
        let error = try XCTUnwrap(mixuplabError(["evaluate", "--checkpoint", checkpoint, "--data-dir", small.path]))
        XCTAssertTrue(error.contains("20×20") && error.contains("1×28×28"), error)

        // export: exactly the LeNet's parameters, in PyTorch's layouts.
        let exported = dir.appendingPathComponent("lenet.safetensors")
        try mixuplab(["export", "--checkpoint", checkpoint, "--weights-only", "--out", exported.path])
        let file = try SafeTensorsFile.read(from: exported)
        XCTAssertEqual(file.tensors.mapValues(\.shape), [
            "conv1.weight": [6, 1, 5, 5], "conv1.bias": [6], "conv2.weight": [16, 6, 5, 5], "conv2.bias": [16],
            "fc1.weight": [120, 400], "fc1.bias": [120], "fc2.weight": [84, 120], "fc2.bias": [84],
            "fc3.weight": [10, 84], "fc3.bias": [10],
        ])
        let saved = try Checkpoint<Float>.read(from: URL(fileURLWithPath: checkpoint))
        XCTAssertEqual(try file.floats(named: "fc1.weight"), saved.parameters["fc1.weight"]?.scalars)
        XCTAssertNotNil(mixuplabError(["export", "--checkpoint", checkpoint, "--out", exported.path]), "--weights-only is required")
    }

    /// The labels of an IDX label file, decoded here independently of the loaders (gzip via `gzip -dc`).
    func idxLabels(_ url: URL) throws -> [Int] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["gzip", "-dc", url.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let bytes = [UInt8](pipe.fileHandleForReading.readDataToEndOfFile())
        process.waitUntilExit()
        XCTAssertEqual(Array(bytes.prefix(4)), [0, 0, 8, 1])
        return bytes.dropFirst(8).map(Int.init)
    }

    /// Uncompressed MNIST-layout test files of `images` images `height`×`width` in `directory`.
    func writeIDX(images: Int, height: Int, width: Int, to directory: URL) throws {
        func u32(_ v: Int) -> [UInt8] { [UInt8(v >> 24 & 0xFF), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }
        try write([0, 0, 8, 3] + u32(images) + u32(height) + u32(width) + (0..<(images * height * width)).map { UInt8($0 % 256) },
                  to: directory, "t10k-images-idx3-ubyte")
        try write([0, 0, 8, 1] + u32(images) + (0..<images).map { UInt8($0 % 10) }, to: directory, "t10k-labels-idx1-ubyte")
    }

    // MARK: Speech

    /// A Speech Commands layout of three words, six noisy tones each (clip4 validation, clip5 test).
    func makeSpeechCommands() throws -> URL {
        let root = try makeTemporaryDirectory("speech-commands")
        var rng = SeededGenerator(seed: 8)
        var validation: [String] = [], testing: [String] = []
        for (w, word) in ["yes", "no", "up"].enumerated() {
            for k in 0..<6 {
                let frequency = 300.0 * Double(w + 1)
                let samples = (0..<16000).map { t in Int(8000 * sin(2 * Double.pi * frequency * Double(t) / 16000) + 500 * rng.normal()) }
                try write(WAVBuilder.pcm16File(samples, rate: 16000), to: root, "\(word)/clip\(k).wav")
                if k == 4 { validation.append("\(word)/clip\(k).wav") }
                if k == 5 { testing.append("\(word)/clip\(k).wav") }
            }
        }
        try write(Array(validation.joined(separator: "\n").utf8), to: root, "validation_list.txt")
        try write(Array(testing.joined(separator: "\n").utf8), to: root, "testing_list.txt")
        return root
    }

    func testSpeechCheckpointRecomputesSpectrogramsWithItsSettingsAndScoresTheTestClipsAsTheTrainerDid() throws {
        let root = try makeSpeechCommands()
        let dir = try makeTemporaryDirectory("speech")
        let run = dir.appendingPathComponent("run")
        try mixuplab(["train", "--dataset", "speech-commands", "--data-dir", root.path, "--cache-dir", dir.appendingPathComponent("cache").path,
                      "--model", "lenet", "--method", "erm", "--epochs", "2", "--run-dir", run.path])
        let checkpoint = run.appendingPathComponent("last.safetensors").path
        // A fresh cache: the spectrograms are recomputed from the WAVs with the recorded settings.
        let report = dir.appendingPathComponent("report.json")
        try mixuplab(["evaluate", "--checkpoint", checkpoint, "--data-dir", root.path, "--cache-dir",
                      dir.appendingPathComponent("fresh-cache").path, "--out", report.path])
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: report)) as! [String: Any]
        let metrics = try lastMetrics(run)
        XCTAssertEqual(json["samples"] as? Int, 3)
        XCTAssertEqual(json["classNames"] as? [String], ["no", "up", "yes"])
        XCTAssertEqual(json["accuracy"] as! Double, try XCTUnwrap(metrics.testAccuracy), accuracy: 1e-12)
        XCTAssertEqual(json["meanLoss"] as! Double, try XCTUnwrap(metrics.testLoss), accuracy: 1e-4)
        let preds = dir.appendingPathComponent("preds.csv")
        try mixuplab(["predict", "--checkpoint", checkpoint, "--data", root.path, "--split", "all", "--cache-dir",
                      dir.appendingPathComponent("fresh-cache").path, "--out", preds.path])
        let (_, rows) = try predictionRows(preds)
        XCTAssertEqual(rows.count, 18)
        XCTAssertEqual(Set(rows.map { $0["sample"]! }), Set(["yes", "no", "up"].flatMap { w in (0..<6).map { "\(w)/clip\($0).wav" } }))
        for row in rows { XCTAssertEqual(row["true"], String(row["sample"]!.split(separator: "/")[0])) }
        // --dataset must name a layout of the checkpoint's own domain.
        let tabular = try XCTUnwrap(mixuplabError(["evaluate", "--checkpoint", checkpoint, "--data", root.path, "--dataset", "cifar10"]))
        XCTAssertTrue(tabular.contains("cifar10") && tabular.contains("speech"), tabular)
    }

    // MARK: Graphs

    func testGraphFoldCheckpointScoresItsOwnTestGraphsAsTheTrainerDid() throws {
        let mutag = try sharedData("graphs/MUTAG/MUTAG_A.txt").deletingLastPathComponent()
        let dir = try makeTemporaryDirectory("graphs")
        let run = dir.appendingPathComponent("run")
        try mixuplab(["train", "--data", mutag.path, "--folds", "2", "--fold", "1", "--gin-layers", "2", "--gin-hidden", "8",
                      "--method", "erm", "--epochs", "3", "--run-dir", run.path])
        let fold = run.appendingPathComponent("fold-01")
        let preds = dir.appendingPathComponent("preds.csv")
        try mixuplab(["predict", "--checkpoint", fold.appendingPathComponent("last.safetensors").path, "--data", mutag.path,
                      "--out", preds.path])
        let (_, rows) = try predictionRows(preds)
        XCTAssertEqual(rows.count, 188)
        XCTAssertEqual(Set(rows.map { $0["true"]! }), ["-1", "1"], "MUTAG's class values")
        // The fold's test graphs, found independently of the command, scored as the trainer scored them.
        let source = try GraphDatasetSource(directory: mutag)
        var spec = RunSpec(data: .graphs(source), model: ModelSpec(kind: .gin), configuration: TrainingConfiguration())
        spec.foldCount = 2
        let testGraphs = try spec.graphFolds(source)[0].testIndices
        XCTAssertEqual(testGraphs.map { rows[$0]["true_index"]! }, testGraphs.map { String(source.labels[$0]) })
        let correct = testGraphs.filter { rows[$0]["true_index"] == rows[$0]["predicted_index"] }.count
        let metrics = try lastMetrics(fold)
        XCTAssertEqual(Double(correct) / Double(testGraphs.count), try XCTUnwrap(metrics.testAccuracy), accuracy: 1e-12)
        let meanLoss = testGraphs.map { Double(rows[$0]["loss"]!)! }.reduce(0, +) / Double(testGraphs.count)
        XCTAssertEqual(meanLoss, try XCTUnwrap(metrics.testLoss), accuracy: 1e-4)
        // A GIN has no reference PyTorch definition: export says so.
        let error = try XCTUnwrap(mixuplabError(["export", "--checkpoint", fold.appendingPathComponent("last.safetensors").path,
                                                 "--weights-only", "--out", dir.appendingPathComponent("gin.safetensors").path]))
        XCTAssertTrue(error.contains("gin") && error.contains("no reference PyTorch definition"), error)
    }

    // MARK: Export of every architecture

    /// A checkpoint of `model` trained `epochs` epochs on 16 random 3×32×32 images of 3 classes, written
    /// through `RunSpec` as `train` does (so it carries the model record).
    func imageCheckpoint(_ model: ModelSpec, in directory: URL, epochs: Int = 1) throws -> URL {
        var data = TestData(seed: 7)
        let features = Tensor<Float>(data.tensor([16, 3, 32, 32]))
        let labels = (0..<16).map { $0 % 3 }
        let split = ClassificationData(features: features, labels: labels, classCount: 3)
        let splits = LoadedSplits(name: "synthetic", train: split, validation: split, test: split, classNames: ["a", "b", "c"])
        var configuration = TrainingConfiguration()
        configuration.method = .erm
        configuration.epochs = epochs
        configuration.batchSize = 8
        let spec = RunSpec(data: .splits(splits), model: model, configuration: configuration)
        let run = try spec.makeRun()
        run.log = { _ in }
        run.writesTensorBoard = false
        run.runDirectory = try RunDirectory(directory)
        try run.run()
        return directory.appendingPathComponent("last.safetensors")
    }

    /// The architectures with a PyTorch reference, CPU-sized.
    var exportableModels: [ModelSpec] {
        var vgg11 = ModelSpec(kind: .vgg11); vgg11.widthMultiplier = 0.125
        var vgg13 = ModelSpec(kind: .vgg13); vgg13.widthMultiplier = 0.1
        var resnet18 = ModelSpec(kind: .preactresnet18); resnet18.baseWidth = 4
        var resnet50 = ModelSpec(kind: .preactresnet50); resnet50.baseWidth = 2
        var mlp = ModelSpec(kind: .mlp); mlp.hiddenWidths = [7, 5]; mlp.activation = .gelu
        var lenet = ModelSpec(kind: .lenet); lenet.activation = .tanh
        return [mlp, lenet, vgg11, vgg13, resnet18, resnet50]
    }

    func testExportNamesEveryTensorAsPyTorchsModulesDoWithBatchNormCounters() throws {
        let dir = try makeTemporaryDirectory("export-names")
        var vgg = ModelSpec(kind: .vgg11); vgg.widthMultiplier = 0.125
        let checkpoint = try imageCheckpoint(vgg, in: dir.appendingPathComponent("vgg"))
        let out = dir.appendingPathComponent("vgg.safetensors")
        try mixuplab(["export", "--checkpoint", checkpoint.path, "--weights-only", "--out", out.path])
        let file = try SafeTensorsFile.read(from: out)
        // nn.Sequential indices of VGG-11 with batch norm: conv, bn, relu per entry, one index per max-pool.
        var expected: [String: [Int]] = [:]
        var index = 0, channels = 3
        for entry in [64, 0, 128, 0, 256, 256, 0, 512, 512, 0, 512, 512, 0] {
            if entry == 0 { index += 1; continue }
            let width = Int((Double(entry) * 0.125).rounded())
            expected["features.\(index).weight"] = [width, channels, 3, 3]
            expected["features.\(index).bias"] = [width]
            for name in ["weight", "bias", "running_mean", "running_var"] { expected["features.\(index + 1).\(name)"] = [width] }
            expected["features.\(index + 1).num_batches_tracked"] = []
            index += 3
            channels = width
        }
        expected["classifier.weight"] = [3, 64]
        expected["classifier.bias"] = [3]
        XCTAssertEqual(file.tensors.mapValues(\.shape), expected)
        XCTAssertEqual(file.tensors["features.1.num_batches_tracked"]?.dtype, .I64)
        XCTAssertEqual(file.tensors["features.1.running_var"]?.dtype, .F32)
        // The running statistics are the trained ones, not the initial 0/1.
        XCTAssertNotEqual(try file.floats(named: "features.1.running_mean"), [Float](repeating: 0, count: 8))
        XCTAssertEqual(file.metadata["format"], "pt")
        XCTAssertTrue(file.metadata["mixuplab.model"]?.contains("\"vgg11\"") == true)
    }

    /// With MIXUPLAB_TORCH_PYTHON naming a Python that has `torch` and `safetensors`, every exported
    /// architecture loads into `Examples/pytorch/models.py` with strict=True and PyTorch's logits equal
    /// ours. Skipped without it (CI does not install torch).
    func testPyTorchLoadsEveryExportStrictlyAndComputesOurLogits() throws {
        guard let python = ProcessInfo.processInfo.environment["MIXUPLAB_TORCH_PYTHON"], !python.isEmpty else {
            throw XCTSkip("set MIXUPLAB_TORCH_PYTHON to a python with torch and safetensors to run the PyTorch check")
        }
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Examples/pytorch/check_export.py")
        let dir = try makeTemporaryDirectory("export-torch")
        for spec in exportableModels {
            let name = spec.kind.rawValue
            // 15 epochs (30 steps): batch-norm running statistics near the activations' own, so the logits
            // depend on the input and equal logits mean something (check_export.py checks that they vary).
            let checkpoint = try imageCheckpoint(spec, in: dir.appendingPathComponent(name), epochs: 15)
            let exported = dir.appendingPathComponent("\(name).safetensors")
            try mixuplab(["export", "--checkpoint", checkpoint.path, "--weights-only", "--out", exported.path])
            let model = try CheckpointedModel(contentsOf: checkpoint)
            var data = TestData(seed: 11)
            let inputs = Tensor<Float>(data.tensor([5, 3, 32, 32]))
            let logits = try model.logits(inputs)
            let probe = dir.appendingPathComponent("\(name)-probe.safetensors")
            try SafeTensorsFile(tensors: ["inputs": TensorEntry(floats: inputs.scalars, shape: inputs.shape),
                                          "logits": TensorEntry(floats: logits.scalars, shape: logits.shape)]).write(to: probe)
            let (status, output) = try runProcess(python, [script.path, exported.path, probe.path])
            XCTAssertEqual(status, 0, "\(name): \(output)")
            XCTAssertTrue(output.contains("OK \(name): strict load"), "\(name): \(output)")
            print(output.trimmingCharacters(in: .whitespacesAndNewlines))
        }
    }
}
