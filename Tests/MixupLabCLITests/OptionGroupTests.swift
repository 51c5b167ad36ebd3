import ArgumentParser
import Foundation
import MixupLabCLI
import MixupTestSupport
import XCTest

/// An option a command cannot honour is an error, never silently ignored; typed options reject
/// malformed values at parse time.
final class OptionGroupTests: XCTestCase {
    func assertRefused(_ arguments: [String], mentioning text: String, file: StaticString = #filePath, line: UInt = #line) {
        guard let message = mixuplabError(arguments) else {
            return XCTFail("\(arguments.joined(separator: " ")) was accepted", file: file, line: line)
        }
        XCTAssertTrue(message.contains(text), "\(message)", file: file, line: line)
    }

    func testOptionsTheDatasetCannotUseAreRefused() {
        assertRefused(["train", "--augment", "--epochs", "1"], mentioning: "--augment applies to image datasets")
        assertRefused(["train", "--dataset", "mnist", "--test-data", "x.csv"], mentioning: "--test-data applies to tabular data only")
        assertRefused(["train", "--fold", "2"], mentioning: "--folds/--fold apply to graph datasets only")
        assertRefused(["train", "--data-dir", "x"], mentioning: "--data-dir applies to image and speech datasets")
        assertRefused(["train", "--cache-dir", "x"], mentioning: "--cache-dir applies to speech datasets only")
        assertRefused(["compare-q", "--dataset", "tu", "--data", "x", "--train-limit", "5"], mentioning: "--train-limit does not apply")
        assertRefused(["train", "--dataset", "tu", "--data", "x", "--partner", "second-loader"], mentioning: "pairs graphs within a batch")
    }

    func testOptionsTheModelCannotUseAreRefused() {
        assertRefused(["train", "--model", "lenet"], mentioning: "tabular rows need --model mlp")
        assertRefused(["train", "--dataset", "fsdd", "--hidden", "64"], mentioning: "--hidden applies to --model mlp")
        assertRefused(["train", "--base-width", "8"], mentioning: "--base-width applies to the preactresnet models")
        assertRefused(["train", "--gin-layers", "2"], mentioning: "applies to --model gin")
        assertRefused(["train", "--model", "gin"], mentioning: "--model gin reads graphs")
        assertRefused(["train", "--dataset", "tu", "--data", "x", "--model", "mlp"], mentioning: "graphs are trained with --model gin")
        assertRefused(["theorem1", "--dataset", "tu", "--data", "x", "--activation", "gelu"], mentioning: "--activation applies to mlp and lenet")
    }

    func testTheTwoStudiesShareOneOptionGroupWithTheirOwnDefaultsAndLimits() {
        assertRefused(["compare-q", "--samples", "1"], mentioning: "--samples must be ≥ 2, got 1")
        assertRefused(["diagnose-alpha", "--samples", "0"], mentioning: "--samples must be ≥ 1, got 0")
        assertRefused(["diagnose-alpha", "--every", "0"], mentioning: "--every must be ≥ 1, got 0")
        assertRefused(["compare-q", "--shift", "inf"], mentioning: "--shift must be finite")
        func help(_ command: String) -> String {
            guard let type = MixupLab.configuration.subcommands.first(where: { $0.configuration.commandName == command }) else {
                return "no subcommand \(command)"
            }
            // One line: help wraps descriptions at the terminal's width.
            return MixupLab.helpMessage(for: type).split(whereSeparator: \.isWhitespace).joined(separator: " ")
        }
        let compare = help("compare-q"), diagnose = help("diagnose-alpha")
        for expected in ["default: mixupe)", "the scored sample", "Compare every N epochs", "(default: 500)", "(default: runs/compare-q)",
                         "--centered", "--hidden <hidden>"] {
            XCTAssertTrue(compare.contains(expected), "compare-q help lacks \(expected):\n\(compare)")
        }
        for expected in ["default: mixup)", "the measured sample", "Measure α every K iterations", "(default: 100)",
                         "(default: runs/diagnose-alpha)", "--hidden <hidden>"] {
            XCTAssertTrue(diagnose.contains(expected), "diagnose-alpha help lacks \(expected):\n\(diagnose)")
        }
        XCTAssertFalse(diagnose.contains("--centered"))
    }

    func testOptionsTheMethodWouldIgnoreAreRefused() {
        assertRefused(["train", "--method", "mixup", "--regularizer", "exact"], mentioning: "--regularizer applies to the +R methods")
        assertRefused(["compare-q", "--method", "erm", "--eta", "0.1"], mentioning: "--eta applies to the +R methods")
        assertRefused(["diagnose-alpha", "--regularizer-options", "absolute=false"], mentioning: "not --method mixup")
        assertRefused(["train", "--method", "erm", "--alpha", "0.2"], mentioning: "--alpha applies to methods that mix")
        assertRefused(["ablate", "--arms", "erm,mixup", "--eta", "1"], mentioning: "--arms has none")
        // The +R methods and an ablation with a +R arm take them.
        XCTAssertNoThrow(try MixupLab.parseAsRoot(["train", "--method", "erm+r", "--alpha", "0.2", "--eta", "0.1"]))
        XCTAssertNoThrow(try MixupLab.parseAsRoot(["ablate", "--arms", "erm,mixupe", "--regularizer", "exact"]))
    }

    func testOptimizerOptionsMustFitTheOptimizer() {
        assertRefused(["train", "--momentum", "0.5"], mentioning: "--momentum and --nesterov apply to --optimizer sgd")
        assertRefused(["train", "--lr", "inf"], mentioning: "--lr must be a finite number, got inf")
        // Negative numbers are values, not options: the error says what is wrong with them.
        assertRefused(["train", "--alpha", "-1"], mentioning: "--alpha must be positive, got -1")
        assertRefused(["train", "--eta", "-0.5"], mentioning: "--eta must be ≥ 0, got -0.5")
        assertRefused(["train", "--ema", "1.5"], mentioning: "--ema must lie strictly between 0 and 1")
    }

    func testMalformedTypedValuesAreRejectedAtParseTime() {
        for (option, value) in [("--hidden", "128,,128"), ("--hidden", "0"), ("--schedule", "step:"), ("--schedule", "cosine:-1"),
                                ("--loss", "hinge"), ("--optimizer", "lbfgs"), ("--regularizer-options", "absolute"),
                                ("--dataset", "imagenet")] {
            XCTAssertThrowsError(try MixupLab.parseAsRoot(["train", option, value]), "\(option) \(value)")
        }
        XCTAssertThrowsError(try MixupLab.parseAsRoot(["ablate", "--arms", "erm,cutmix"]))
        XCTAssertThrowsError(try MixupLab.parseAsRoot(["theorem1", "--alphas", "0.1,,1"]))
    }

    func testUnknownRegularizerOptionIsReportedBeforeTraining() {
        assertRefused(["train", "--epochs", "1", "--regularizer-options", "absolutely=true"], mentioning: "has no option(s) absolutely")
    }

    func testTabularFilesWithoutFeaturesOrWithOneClassAreRefusedWithTheirPath() throws {
        let dir = try makeTemporaryDirectory("tabular-bad")
        let semicolons = dir.appendingPathComponent("semicolons.csv")
        try (0..<40).map { "\($0 % 7);\($0 % 3);\($0 % 2 == 0 ? "a" : "b")" }.joined(separator: "\n")
            .write(to: semicolons, atomically: true, encoding: .utf8)
        // Read with the delimiter detected, a ';' file has its features; forced to ',' it has none.
        assertRefused(["train", "--data", semicolons.path, "--delimiter", ",", "--epochs", "1", "--run-dir", dir.appendingPathComponent("r1").path],
                      mentioning: "semicolons.csv:1: rows have 1 column with ',' as the delimiter")
        let oneClass = dir.appendingPathComponent("one-class.csv")
        try (0..<40).map { "\($0),\($0 % 5),same" }.joined(separator: "\n").write(to: oneClass, atomically: true, encoding: .utf8)
        assertRefused(["train", "--data", oneClass.path, "--epochs", "1", "--run-dir", dir.appendingPathComponent("r2").path],
                      mentioning: "\(oneClass.path): the training split has 1 class")
    }
}
