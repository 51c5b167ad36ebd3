import Foundation
import MixupExperiments
import MixupTestSupport
import MixupTraining
import XCTest

/// The grid file and its expansion into runs.
final class SweepGridTests: XCTestCase {
    let grid = """
    name: g
    seeds: 2
    alpha: [0.2, 1]
    eta: [0.0001, 0.1, 1]
    epochs: 3
    options: {tensorboard: false, hidden: [64, 64]}
    datasets:
      - {name: cmc, data: Data/cmc/contraceptive.dat}
      - {name: iris, data: iris.dat, alpha: [0.5]}
    arms: [erm, mixup, erm+r, "mixupe:exact", {name: big, method: mixupe, options: {batch-size: 50}}]
    """

    func testArmsAreMultipliedOnlyOverTheAxesTheyUse() throws {
        let runs = try SweepGrid.parse(grid, file: "g.yaml").expand()
        // cmc: erm 2 + mixup 2·2 + three +R arms 2·3·2 each; iris with one α: 2 + 2 + 3·3·2.
        XCTAssertEqual(runs.count, (2 + 4 + 3 * 12) + (2 + 2 + 3 * 6))
        let erm = runs.filter { $0.dataset == "cmc" && $0.arm == "erm" }
        XCTAssertEqual(erm.map(\.id), ["cmc/erm/s0", "cmc/erm/s1"])
        XCTAssertTrue(erm.allSatisfy { $0.alpha == nil && $0.eta == nil && !$0.arguments.contains("--alpha") && !$0.arguments.contains("--eta") })
        let mixup = runs.filter { $0.dataset == "cmc" && $0.arm == "mixup" }
        XCTAssertEqual(mixup.map(\.id), ["cmc/mixup/a0.2/s0", "cmc/mixup/a0.2/s1", "cmc/mixup/a1/s0", "cmc/mixup/a1/s1"])
        XCTAssertTrue(mixup.allSatisfy { !$0.arguments.contains("--eta") })
        XCTAssertEqual(runs.filter { $0.dataset == "iris" && $0.arm == "mixup" }.compactMap(\.alpha), [0.5, 0.5])
        XCTAssertEqual(Array(runs.map(\.index)), Array(0..<runs.count))
        XCTAssertEqual(Set(runs.map(\.id)).count, runs.count, "ids are unique")
    }

    func testRunArgumentsCarryTheSettingTheRegularizerAndMergedOptions() throws {
        let runs = try SweepGrid.parse(grid, file: "g.yaml").expand()
        let exact = try XCTUnwrap(runs.first { $0.id == "cmc/mixupe-exact/a1-e0.0001/s1" })
        XCTAssertEqual(exact.arguments, ["--method", "mixupe", "--seed", "1", "--alpha", "1.0", "--eta", "0.0001",
                                         "--regularizer", "exact", "--data", "Data/cmc/contraceptive.dat", "--epochs", "3",
                                         "--hidden", "64,64", "--no-tensorboard"])
        let big = try XCTUnwrap(runs.first { $0.id == "iris/big/a0.5-e1/s0" })
        XCTAssertTrue(big.arguments.contains("--batch-size") && big.arguments.contains("iris.dat"))
        // The same grid expands to the same runs (ids are stable, so a re-run finds its directories).
        XCTAssertEqual(try SweepGrid.parse(grid, file: "g.yaml").expand(), runs)
    }

    func testManifestsRoundTripAndListRunIds() throws {
        let parsed = try SweepGrid.parse(grid, file: "g.yaml")
        let manifest = SweepManifest(grid: parsed, gridFile: "g.yaml", workingDirectory: "/work")
        let dir = try makeTemporaryDirectory()
        try manifest.writeOrCheck(in: dir)
        XCTAssertEqual(try SweepManifest.read(from: dir), manifest)
        let text = try String(contentsOf: SweepManifest.url(in: dir), encoding: .utf8)
        XCTAssertTrue(text.contains(#""id" : "cmc\/mixupe-exact\/a1-e0.0001\/s1""#) || text.contains(#""id" : "cmc/mixupe-exact/a1-e0.0001/s1""#), text)
        try manifest.writeOrCheck(in: dir)   // the same grid again: accepted
        var other = parsed
        other.seeds = [0]
        XCTAssertThrowsError(try SweepManifest(grid: other, gridFile: "g.yaml", workingDirectory: "/work").writeOrCheck(in: dir))
    }

    func testJSONGridsParseLikeYAML() throws {
        let json = #"{"seeds": [3], "alpha": [0.5], "eta": [0.01], "datasets": [{"name": "d", "data": "x.csv"}], "arms": ["mixupe"]}"#
        let runs = try SweepGrid.parse(json, file: "g.json").expand()
        XCTAssertEqual(runs.map(\.id), ["d/mixupe/a0.5-e0.01/s3"])
    }

    func testADatasetsOwnArmsReplaceTheGridsArmsForThatDatasetOnly() throws {
        let text = """
        seeds: 1
        alpha: [1]
        eta: [0.1]
        datasets:
          - {name: cmc, data: cmc.dat}
          - name: letter
            data: letter.dat
            arms: [erm, "mixupe:exact", {name: wide, method: mixupe, options: {hidden: 256}}]
        arms: [erm, mixup, "mixupe:exact", mixupe]
        """
        let grid = try SweepGrid.parse(text, file: "g.yaml")
        XCTAssertNil(grid.datasets[0].arms)
        XCTAssertEqual(grid.datasets[1].arms?.map(\.name), ["erm", "mixupe-exact", "wide"])
        let runs = grid.expand()
        XCTAssertEqual(runs.filter { $0.dataset == "cmc" }.map(\.id),
                       ["cmc/erm/s0", "cmc/mixup/a1/s0", "cmc/mixupe-exact/a1-e0.1/s0", "cmc/mixupe/a1-e0.1/s0"])
        XCTAssertEqual(runs.filter { $0.dataset == "letter" }.map(\.id),
                       ["letter/erm/s0", "letter/mixupe-exact/a1-e0.1/s0", "letter/wide/a1-e0.1/s0"])
        let exact = try XCTUnwrap(runs.first { $0.id == "letter/mixupe-exact/a1-e0.1/s0" })
        XCTAssertEqual(Array(exact.arguments.prefix(10)), ["--method", "mixupe", "--seed", "0", "--alpha", "1.0", "--eta", "0.1",
                                                           "--regularizer", "exact"])
        let wide = try XCTUnwrap(runs.first { $0.id == "letter/wide/a1-e0.1/s0" })
        XCTAssertTrue(wide.arguments.contains("256") && wide.arguments.contains("letter.dat"), "\(wide.arguments)")
        XCTAssertEqual(Array(runs.map(\.index)), Array(0..<runs.count))

        // Without grid-level arms every dataset names its own.
        let own = try SweepGrid.parse("datasets: [{name: a, data: x, arms: [{method: erm}]}, {name: b, data: y, arms: [{method: mixup}]}]\n",
                                      file: "g.yaml")
        XCTAssertEqual(own.expand().map(\.id), ["a/erm/s0", "b/mixup/a1/s0"])
        // A manifest written before datasets had arms still reads (the key is optional).
        let manifest = SweepManifest(grid: grid, gridFile: "g.yaml", workingDirectory: "/work")
        let data = try JSONEncoder().encode(manifest)
        XCTAssertEqual(try JSONDecoder().decode(SweepManifest.self, from: data), manifest)
    }

    func testUnknownArmNamesOfADatasetAreRefusedNamingTheFileAndTheDataset() {
        func message(_ text: String) -> String {
            do { _ = try SweepGrid.parse(text, file: "bad.yaml"); return "parsed" } catch { return "\(error)" }
        }
        XCTAssertEqual(message("arms: [erm, mixupe]\ndatasets:\n  - {name: cmc, data: x, arms: [erm, mixpue]}\n"),
                       "bad.yaml:3: dataset 'cmc' names arm 'mixpue', which is not one of the grid's arms (the grid's arms are erm, mixupe); give a full entry {method: …} for a new arm")
        XCTAssertTrue(message("arms: [erm]\ndatasets:\n  - {name: cmc, data: x, arms: [erm, erm]}\n")
            .hasPrefix("bad.yaml:3: dataset 'cmc' lists arm 'erm' twice"))
        XCTAssertTrue(message("arms: [erm]\ndatasets:\n  - {name: cmc, data: x, arms: []}\n")
            .hasPrefix("bad.yaml:3: dataset 'cmc': 'arms' must be a non-empty list"))
        XCTAssertTrue(message("datasets:\n  - {name: cmc, data: x}\n")
            .hasPrefix("bad.yaml:2: dataset 'cmc' has no 'arms' and the grid has no list 'arms'"), message("datasets:\n  - {name: cmc, data: x}\n"))
        XCTAssertTrue(message("arms: [erm]\ndatasets:\n  - {name: cmc, data: x, arms: [{method: sgd}]}\n")
            .hasPrefix("bad.yaml:3: an arm needs 'method'"))
    }

    func testBadGridsNameTheFileLineAndCause() {
        func message(_ text: String) -> String {
            do { _ = try SweepGrid.parse(text, file: "bad.yaml"); return "parsed" } catch { return "\(error)" }
        }
        let base = "datasets: [{name: d, data: x}]\narms: [erm]\n"
        XCTAssertEqual(message(base + "alpah: [1]\n"), "bad.yaml:3: unknown key 'alpah'; a grid has alpha, arms, datasets, epochs, eta, name, options, plugins, seeds")
        XCTAssertTrue(message(base + "options:\n  seed: 3\n").hasPrefix("bad.yaml:4: 'seed' is set by the sweep"), message(base + "options:\n  seed: 3\n"))
        XCTAssertTrue(message(base + "alpha: [0.2, -1]\n").hasPrefix("bad.yaml:3: alpha must hold positive numbers, got '-1'"))
        XCTAssertTrue(message(base + "eta: [0.1, 0.1]\n").hasPrefix("bad.yaml:3: eta lists a value twice"))
        XCTAssertTrue(message("datasets: [{name: d, data: x}]\narms: [erm, sgd]\n").hasPrefix("bad.yaml:2: unknown arm 'sgd'"))
        XCTAssertTrue(message("datasets: [{name: a/b, data: x}]\narms: [erm]\n").hasPrefix("bad.yaml:1: name 'a/b' may only hold"))
        XCTAssertTrue(message("datasets: [{name: d, data: x}]\narms: [erm, erm]\n").hasPrefix("bad.yaml:2: arm 'erm' is listed twice"))
        XCTAssertTrue(message("arms: [erm]\n").contains("needs a non-empty list 'datasets'"))
        XCTAssertTrue(message("datasets: [{name: d, data: x}]\narms: []\n").hasPrefix("bad.yaml:2: 'arms' must be a non-empty list"))
        XCTAssertTrue(message("datasets: [{name: d\n").hasPrefix("bad.yaml: not valid YAML or JSON"))
    }

    func testOldAndNewFlagNamesBothExpandToWhatTheySay() throws {
        func arguments(_ options: String, dataset: String = "") throws -> [String] {
            let text = "options: {\(options)}\ndatasets: [{name: d, data: x\(dataset)}]\narms: [erm]\n"
            let run = try XCTUnwrap(try SweepGrid.parse(text, file: "g.yaml").expand().first)
            return Array(run.arguments.dropFirst(4))   // after --method erm --seed 0
        }
        // Today's names and the names written before the flags were renamed.
        XCTAssertEqual(try arguments("bias: true"), ["--bias", "--data", "x"])
        XCTAssertEqual(try arguments("bias: false"), ["--no-bias", "--data", "x"])
        XCTAssertEqual(try arguments("no-bias: true"), ["--data", "x", "--no-bias"])
        XCTAssertEqual(try arguments("no-bias: false"), ["--data", "x", "--bias"])
        XCTAssertEqual(try arguments("batch-norm: false"), ["--no-batch-norm", "--data", "x"])
        XCTAssertEqual(try arguments("no-batch-norm: true"), ["--data", "x", "--no-batch-norm"])
        XCTAssertEqual(try arguments("no-batch-norm: false"), ["--data", "x", "--batch-norm"])
        // A dataset's flag overrides the grid's under either name.
        XCTAssertEqual(try arguments("no-bias: true", dataset: ", bias: true"), ["--bias", "--data", "x"])
        XCTAssertEqual(try arguments("bias: true", dataset: ", no-bias: true"), ["--data", "x", "--no-bias"])
    }

    func testFlagKeysAreCheckedAgainstTrainsFlagsNamingTheFileLineAndKey() {
        let flags = ["bias": true, "batch-norm": true, "tensorboard": true, "plain": false]
        func message(_ options: String) -> String {
            let text = "datasets: [{name: d, data: x}]\narms: [erm]\noptions:\n  \(options)\n"
            do { _ = try SweepGrid.parse(text, file: "bad.yaml", trainFlags: flags); return "parsed" } catch { return "\(error)" }
        }
        XCTAssertEqual(message("epochs: true"), "bad.yaml:4: 'epochs: true': --epochs is not a flag of train; give it a value")
        XCTAssertEqual(message("hidden: false"), "bad.yaml:4: 'hidden: false': --hidden is not a flag of train; give it a value")
        XCTAssertEqual(message("no-bias: 3"), "bad.yaml:4: 'no-bias' (today 'bias') is a flag: give it true or false, got '3'")
        XCTAssertEqual(message("{no-bias: true, bias: true}"), "bad.yaml:4: 'no-bias' and 'bias' set the same flag; give one")
        XCTAssertEqual(message("{batch-norm: true, no-batch-norm: false}"),
                       "bad.yaml:4: 'no-batch-norm' and 'batch-norm' set the same flag; give one")
        XCTAssertEqual(message("plain: false"), "bad.yaml:4: 'plain: false': --plain has no --no- form; leave the key out to keep it off")
        for accepted in ["no-bias: false", "no-bias: true", "bias: false", "no-batch-norm: true", "tensorboard: false", "epochs: 3",
                         "plain: true"] {
            XCTAssertEqual(message(accepted), "parsed", accepted)
        }
    }
}
