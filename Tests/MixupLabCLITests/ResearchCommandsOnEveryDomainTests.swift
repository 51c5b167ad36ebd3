import ArgumentParser
import Foundation
import MixupCore
import MixupExperiments
import MixupLabCLI
import MixupNN
import MixupTestSupport
import MixupTraining
import XCTest

/// `compare-q`, `diagnose-alpha`, `theorem1` and `ablate` honour the data and model option groups
/// in every domain: the rows they report come from the model and data that were asked for.
final class ResearchCommandsOnEveryDomainTests: XCTestCase {
    func fashionMNIST() throws -> String {
        try sharedData("images/fashion-mnist/train-images-idx3-ubyte.gz").deletingLastPathComponent().path
    }

    func testCompareQWithMNISTLayoutAndLeNetScoresLeNetOnThoseImages() throws {
        let out = try makeTemporaryDirectory("cq-mnist")
        // Fashion-MNIST is stored in the MNIST IDX layout, so `--dataset mnist` reads it as MNIST.
        let dataArguments = ["--dataset", "mnist", "--data-dir", try fashionMNIST(), "--train-limit", "120"]
        try mixuplab(["compare-q"] + dataArguments + ["--model", "lenet", "--epochs", "1", "--every", "1",
                                                      "--samples", "30", "--seed", "3", "--out", out.path])
        let report = try String(contentsOf: out.appendingPathComponent("compare-q.md"), encoding: .utf8)
        XCTAssertTrue(report.contains("compare-q: mnist, mixupe, LeNet-5 relu, q at the input [1×28×28]"), report)
        let rows = try comparisonRows(out)
        XCTAssertEqual(rows.count, 2 * 30, "30 samples at epochs 0 and 1")

        // Independently: the freshly initialised LeNet-5 of seed 3 on the same 120 training images.
        guard case let .splits(splits) = try DataOptions.parse(dataArguments).load() else { return XCTFail("not splits") }
        XCTAssertEqual(splits.train.count, 120)
        var rng = SeededGenerator(seed: 3)
        let lenet = try LeNet5<Float>(inputShape: [1, 28, 28], classCount: 10, firstPadding: 2, using: &rng)
        let probe = Probe(model: lenet, inputs: splits.train.features,
                          targets: ClassificationLoss.crossEntropy.targets(splits.train.labels, classes: 10),
                          labels: splits.train.labels, dataMean: splits.train.mean)
        assertEpochZeroRowsAreScoresOf(lenet, probe: probe, rows: rows)
        // And they are not an MLP's scores on the same images.
        var mlpRNG = SeededGenerator(seed: 3)
        let mlp = MLP<Float>(widths: [784, 128, 128, 10], using: &mlpRNG)
        let mlpScores = QComparison.scores(model: mlp, inputs: probe.inputs, targets: probe.targets,
                                           dataMean: probe.dataMean, loss: .crossEntropy)
        XCTAssertFalse(rows.filter { $0.epoch == 0 }.allSatisfy { row in mlpScores.exact.contains { abs($0 - row.exact) < 1e-6 } })
    }

    func testCompareQWithSpeechCommandsScoresSpectrogramsWithLeNet() throws {
        let root = try makeSpeechCommands()
        let cache = try makeTemporaryDirectory("cq-speech-cache")
        let out = try makeTemporaryDirectory("cq-speech")
        let dataArguments = ["--dataset", "speech-commands", "--data-dir", root.path, "--cache-dir", cache.path]
        try mixuplab(["compare-q"] + dataArguments + ["--epochs", "1", "--every", "1", "--samples", "8", "--out", out.path])
        let report = try String(contentsOf: out.appendingPathComponent("compare-q.md"), encoding: .utf8)
        XCTAssertTrue(report.contains("compare-q: speech-commands, mixupe, LeNet-5 relu, q at the input [1×160×101]"), report)
        let rows = try comparisonRows(out)
        XCTAssertEqual(rows.count, 2 * 8)
        guard case let .splits(splits) = try DataOptions.parse(dataArguments).load() else { return XCTFail("not splits") }
        XCTAssertEqual(splits.train.count, 12)
        XCTAssertEqual(splits.classNames, ["no", "up", "yes"])
        var rng = SeededGenerator(seed: 0)
        let lenet = try LeNet5<Float>(inputShape: [1, 160, 101], classCount: 3, using: &rng)
        let probe = Probe(model: lenet, inputs: splits.train.features,
                          targets: ClassificationLoss.crossEntropy.targets(splits.train.labels, classes: 3),
                          labels: splits.train.labels, dataMean: splits.train.mean)
        assertEpochZeroRowsAreScoresOf(lenet, probe: probe, rows: rows)
    }

    func testCompareQOnATUDatasetScoresTheGINHeadAtTheReadoutOfTheChosenFold() throws {
        let mutag = try sharedData("graphs/MUTAG/MUTAG_A.txt").deletingLastPathComponent().path
        let out = try makeTemporaryDirectory("cq-tu")
        try mixuplab(["compare-q", "--dataset", "tu", "--data", mutag, "--folds", "5", "--fold", "2", "--gin-layers", "2",
                      "--gin-hidden", "8", "--epochs", "1", "--every", "1", "--samples", "25", "--out", out.path])
        let report = try String(contentsOf: out.appendingPathComponent("compare-q.md"), encoding: .utf8)
        // Readout width of a 2-layer GIN with concatenated sums: 7 node labels + 2 × 8.
        XCTAssertTrue(report.contains("q at the readout [23] of fold 2"), report)
        let rows = try comparisonRows(out)
        XCTAssertEqual(rows.count, 2 * 25)
        // Independently of the command: the same fold's freshly built GIN, probed over all its training graphs.
        var cv = GraphCrossValidation(foldCount: 5)
        cv.model.layerCount = 2
        cv.model.hiddenWidth = 8
        let run = try cv.spec(on: GraphDatasetSource(directory: URL(fileURLWithPath: mutag))).makeRun(fold: 1)
        let probe = try run.probe(examples: Array(0..<run.trainingCount))
        XCTAssertEqual(probe.inputs.shape, [run.trainingCount, 23])
        guard let head = probe.model as? MLP<Float> else { return XCTFail("the probe of a GIN must be its head") }
        // E[h̄] in the report is the mean over the 25 scored graphs, so compare the sign-free residual part:
        // q̄ = (y − g(f(h)))ᵀ f(h) does not involve E[h̄] and must match a training graph's exactly.
        let all = QComparison.scores(model: head, inputs: probe.inputs, targets: probe.targets, dataMean: probe.dataMean,
                                     loss: .crossEntropy)
        for row in rows where row.epoch == 0 {
            XCTAssertTrue(all.approximate.contains { abs($0 - row.approximate) <= 1e-5 * max(1e-3, abs(row.approximate)) },
                          "q̄ = \(row.approximate) is not the readout score of any training graph of fold 2")
        }
    }

    func testDiagnoseAlphaAndTheorem1RunOnImagesWithLeNet() throws {
        let data = ["--dataset", "fashion-mnist", "--data-dir", try fashionMNIST(), "--train-limit", "100", "--model", "lenet"]
        let alphaOut = try makeTemporaryDirectory("alpha-img")
        try mixuplab(["diagnose-alpha"] + data + ["--epochs", "1", "--batch-size", "20", "--every", "2", "--samples", "10",
                                                  "--out", alphaOut.path])
        let alpha = try String(contentsOf: alphaOut.appendingPathComponent("alpha.csv"), encoding: .utf8)
        XCTAssertEqual(alpha.split(separator: "\n").count, 1 + 1 + 2, "header, iteration 0, iterations 2 and 4 of 5")
        let theoremOut = try makeTemporaryDirectory("theorem1-img")
        try mixuplab(["theorem1"] + data + ["--epochs", "1", "--pairs", "12", "--partner-samples", "2", "--lambda-draws", "4",
                                            "--samples", "40", "--alphas", "0.2,1", "--max-order", "2", "--out", theoremOut.path])
        let table = try String(contentsOf: theoremOut.appendingPathComponent("theorem1.md"), encoding: .utf8)
        XCTAssertTrue(table.contains("Theorem 1: fashion-mnist, LeNet-5 gelu"), table)
        XCTAssertEqual(table.split(separator: "\n").filter { $0.hasPrefix("| 0.2 |") || $0.hasPrefix("| 1 |") }.count, 2, table)
    }

    func testAblateOnATUDatasetCrossValidatesEveryArmIntoFoldDirectories() throws {
        let exe = try mixuplabExecutable()
        let mutag = try sharedData("graphs/MUTAG/MUTAG_A.txt").deletingLastPathComponent().path
        let out = try makeTemporaryDirectory("ablate-tu")
        try mixuplab(["ablate", "--dataset", "tu", "--data", mutag, "--folds", "4", "--fold", "1", "--gin-layers", "1",
                      "--gin-hidden", "4", "--epochs", "2", "--seeds", "1", "--arms", "erm,mixupe:exact", "--out", out.path,
                      "--executable", exe])
        let csv = try String(contentsOf: out.appendingPathComponent("ablation.csv"), encoding: .utf8)
        XCTAssertEqual(csv.split(separator: "\n").count, 3)
        for run in ["erm/s0", "mixupe-exact/a1-e0.01/s0"] {
            let runDir = out.appendingPathComponent("runs/MUTAG/\(run)")
            XCTAssertTrue(FileManager.default.fileExists(atPath: runDir.appendingPathComponent("fold-01/metrics.jsonl").path), runDir.path)
            XCTAssertEqual(SweepRunState.foldDirectories(of: runDir).count, 1, "--fold 1 runs the first of 4 folds only")
        }
        XCTAssertTrue(try String(contentsOf: out.appendingPathComponent("ablation.md"), encoding: .utf8).contains("Xu et al."))
    }

    /// Three words × 6 clips of 1 s at 16 kHz (tones of a word-specific pitch with seeded noise);
    /// one clip per word each in the validation and testing lists.
    func makeSpeechCommands() throws -> URL {
        let root = try makeTemporaryDirectory("speech-commands")
        var rng = SeededGenerator(seed: 8)
        var validation: [String] = [], testing: [String] = []
        for (w, word) in ["yes", "no", "up"].enumerated() {
            let folder = root.appendingPathComponent(word)
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            for k in 0..<6 {
                let frequency = 300.0 * Double(w + 1)
                let samples = (0..<16000).map { t in
                    Int(8000 * sin(2 * Double.pi * frequency * Double(t) / 16000) + 500 * rng.normal())
                }
                let name = "clip\(k).wav"
                try Data(WAVBuilder.pcm16File(samples, rate: 16000)).write(to: folder.appendingPathComponent(name))
                if k == 4 { validation.append("\(word)/\(name)") }
                if k == 5 { testing.append("\(word)/\(name)") }
            }
        }
        try validation.joined(separator: "\n").write(to: root.appendingPathComponent("validation_list.txt"), atomically: true, encoding: .utf8)
        try testing.joined(separator: "\n").write(to: root.appendingPathComponent("testing_list.txt"), atomically: true, encoding: .utf8)
        return root
    }
}
