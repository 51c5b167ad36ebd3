import Foundation
import MixupExperiments
import MixupLabCLI
import MixupTestSupport
import MixupTraining
import XCTest

/// `mixuplab sweep`, `sweep-run` and `collect` end to end: real worker subprocesses of the built
/// `mixuplab` executable on the bundled CMC data, and (with MIXUPLAB_SLURM=1) a real Slurm.
final class SweepCommandTests: XCTestCase {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// The `mixuplab` executable next to this test bundle (or $MIXUPLAB_EXECUTABLE).
    func executable() throws -> String { try mixuplabExecutable() }

    /// A small grid on CMC: ERM and MixupE (one α, two η), two seeds → 6 runs.
    func writeGrid(_ dir: URL, epochs: Int = 3, arms: String = "[erm, mixupe]", seeds: String = "[0, 1]",
                   eta: String = "[0.01, 1]") throws -> String {
        let cmc = Self.packageRoot.appendingPathComponent("Data/cmc/contraceptive.dat").path
        let text = """
        name: tiny
        seeds: \(seeds)
        alpha: [1]
        eta: \(eta)
        epochs: \(epochs)
        options: {tensorboard: false}
        datasets:
          - {name: cmc, data: "\(cmc)"}
        arms: \(arms)
        """
        let url = dir.appendingPathComponent("tiny.yaml")
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    func metricsWithoutTimes(_ file: URL) throws -> [String] {
        try String(contentsOf: file, encoding: .utf8).split(separator: "\n").map { line in
            var object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            object["trainSeconds"] = nil
            object["samplesPerSecond"] = nil
            return String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
        }
    }

    func testLocalWorkersRunEveryRunOnceARerunSkipsThemAndCollectSelectsOnValidation() throws {
        let exe = try executable()
        let dir = try makeTemporaryDirectory()
        let grid = try writeGrid(dir)
        let out = dir.appendingPathComponent("sweep")
        try mixuplab(["sweep", grid, "--out", out.path, "--workers", "2", "--executable", exe])
        let manifest = try SweepManifest.read(from: out)
        XCTAssertEqual(manifest.runs.map(\.id), ["cmc/erm/s0", "cmc/erm/s1", "cmc/mixupe/a1-e0.01/s0", "cmc/mixupe/a1-e0.01/s1",
                                                 "cmc/mixupe/a1-e1/s0", "cmc/mixupe/a1-e1/s1"])
        var stamps: [Date] = []
        for run in manifest.runs {
            let runDir = manifest.directory(of: run, in: out)
            XCTAssertEqual(SweepRunState.of(runDir), .done, run.id)
            XCTAssertEqual(try metricsWithoutTimes(runDir.appendingPathComponent("metrics.jsonl")).count, 3, run.id)
            stamps.append(try XCTUnwrap(FileManager.default.attributesOfItem(atPath: runDir.appendingPathComponent("metrics.jsonl").path)[.modificationDate] as? Date))
        }
        // Two seeds of ERM differ (each seeds initialisation and shuffling).
        XCTAssertNotEqual(try metricsWithoutTimes(manifest.directory(of: manifest.runs[0], in: out).appendingPathComponent("metrics.jsonl")),
                          try metricsWithoutTimes(manifest.directory(of: manifest.runs[1], in: out).appendingPathComponent("metrics.jsonl")))

        try mixuplab(["sweep", grid, "--out", out.path, "--workers", "2", "--executable", exe])
        for (run, stamp) in zip(manifest.runs, stamps) {
            let file = manifest.directory(of: run, in: out).appendingPathComponent("metrics.jsonl")
            XCTAssertEqual(try FileManager.default.attributesOfItem(atPath: file.path)[.modificationDate] as? Date, stamp, "\(run.id) ran again")
        }

        try mixuplab(["collect", out.path])
        let table = try String(contentsOf: out.appendingPathComponent("collected/table.md"), encoding: .utf8)
        let (_, results, missing) = try SweepResult.load(sweep: out)
        XCTAssertTrue(missing.isEmpty)
        let selection = SweepSelection(results)
        XCTAssertEqual(table, SweepReport.markdown(selection) + "\n")
        let mixupe = try XCTUnwrap(selection.rows.first { $0.arm == "mixupe" })
        let others = results.filter { $0.run.arm == "mixupe" && $0.run.eta != mixupe.selected.eta }
        XCTAssertGreaterThanOrEqual(mixupe.selected.meanBestValidation, others.map(\.bestValidationAccuracy).reduce(0, +) / 2)
        XCTAssertTrue(FileManager.default.fileExists(atPath: out.appendingPathComponent("collected/plots/cmc-mixupe-eta.svg").path))
        XCTAssertTrue(FileManager.default.fileExists(atPath: out.appendingPathComponent("collected/table.tex").path))

        // A different grid in the same directory is refused rather than mixed with these runs.
        let other = try writeGrid(dir.appendingPathComponent("other").creatingDirectory(), seeds: "[0]")
        XCTAssertEqual(mixuplabError(["sweep", other, "--out", out.path, "--executable", exe]),
                       "\(out.path)/sweep.json holds a different grid (6 runs of 'tiny'); use another --out or remove it")
    }

    func testAKilledWorkerResumesExactlyAndAKilledSweepContinuesWhenRunAgain() throws {
        let exe = try executable()
        let dir = try makeTemporaryDirectory()
        let grid = try writeGrid(dir, epochs: 40, arms: "[mixupe]", seeds: "[0]", eta: "[0.1]")
        let reference = dir.appendingPathComponent("reference")
        try mixuplab(["sweep", grid, "--out", reference.path, "--executable", exe])

        // The manifest only (--slurm --no-submit), then one worker that is killed mid-run.
        let out = dir.appendingPathComponent("killed")
        try mixuplab(["sweep", grid, "--out", out.path, "--slurm", "--no-submit", "--executable", exe])
        let manifest = try SweepManifest.read(from: out)
        let runDir = manifest.directory(of: manifest.runs[0], in: out)
        let worker = Process()
        worker.executableURL = URL(fileURLWithPath: exe)
        worker.arguments = ["sweep-run", out.path, "--index", "0"]
        worker.standardOutput = FileHandle.nullDevice
        try worker.run()
        let metrics = runDir.appendingPathComponent("metrics.jsonl")
        while worker.isRunning, ((try? String(contentsOf: metrics, encoding: .utf8))?.split(separator: "\n").count ?? 0) < 3 {
            usleep(2_000)
        }
        kill(worker.processIdentifier, SIGKILL)
        worker.waitUntilExit()
        guard case let .interrupted(epochs) = SweepRunState.of(runDir) else {
            return XCTFail("the worker finished before it could be killed (state \(SweepRunState.of(runDir))); raise the epochs")
        }
        XCTAssertLessThan(epochs, 40)

        try mixuplab(["sweep", grid, "--out", out.path, "--executable", exe])
        XCTAssertEqual(SweepRunState.of(runDir), .done)
        let log = try String(contentsOf: manifest.log(of: manifest.runs[0], in: out), encoding: .utf8)
        XCTAssertTrue(log.contains("--resume"), log)
        XCTAssertEqual(try metricsWithoutTimes(metrics),
                       try metricsWithoutTimes(manifest.directory(of: manifest.runs[0], in: reference).appendingPathComponent("metrics.jsonl")))

        // Kill the sweep itself (SIGKILL, so its worker lives on as an orphan) and run it again: the
        // new worker waits for the orphan's lock, then finds the run complete; nothing is trained twice.
        let again = dir.appendingPathComponent("sweep-killed")
        let sweep = Process()
        sweep.executableURL = URL(fileURLWithPath: exe)
        sweep.arguments = ["sweep", grid, "--out", again.path, "--workers", "1"]
        sweep.standardOutput = FileHandle.nullDevice
        try sweep.run()
        let run = try XCTUnwrap(manifest.runs.first)
        let orphanMetrics = manifest.directory(of: run, in: again).appendingPathComponent("metrics.jsonl")
        while sweep.isRunning, ((try? String(contentsOf: orphanMetrics, encoding: .utf8))?.split(separator: "\n").count ?? 0) < 3 {
            usleep(2_000)
        }
        kill(sweep.processIdentifier, SIGKILL)
        sweep.waitUntilExit()
        let lockFile = manifest.lock(of: run, in: again)
        guard case .running = SweepRunState.of(manifest.directory(of: run, in: again), lock: lockFile) else {
            return XCTFail("the orphaned worker was not running after the sweep was killed (state \(SweepRunState.of(manifest.directory(of: run, in: again), lock: lockFile)))")
        }
        try mixuplab(["sweep", grid, "--out", again.path, "--executable", exe])
        XCTAssertEqual(SweepRunState.of(manifest.directory(of: run, in: again)), .done)
        XCTAssertFalse(SweepLock.isHeld(lockFile), "the orphan finished and released its lock")
        let againLog = try String(contentsOf: manifest.log(of: run, in: again), encoding: .utf8)
        XCTAssertTrue(againLog.contains("another worker holds it; waiting") && againLog.contains("complete, skipped"), againLog)
        XCTAssertEqual(try metricsWithoutTimes(orphanMetrics),
                       try metricsWithoutTimes(manifest.directory(of: run, in: reference).appendingPathComponent("metrics.jsonl")))
    }

    func testBadSweepInputsAreRefusedNamingThePathAndCause() throws {
        let dir = try makeTemporaryDirectory()
        let missing = dir.appendingPathComponent("none.yaml").path
        let out = dir.appendingPathComponent("s").path
        XCTAssertTrue(mixuplabError(["sweep", missing, "--out", out])?.hasPrefix("\(missing): cannot read the grid file") ?? false)
        XCTAssertEqual(mixuplabError(["collect", out]),
                       "\(out)/sweep.json: no sweep manifest; start the sweep with `mixuplab sweep GRID --out \(out)`")
        let grid = try writeGrid(dir)
        XCTAssertEqual(mixuplabError(["sweep", grid, "--out", out, "--max-concurrent", "2"]),
                       "--partition, --time, --cpus-per-task, --mem, --max-concurrent, --runs-per-task and --no-submit apply to --slurm")
        try mixuplab(["sweep", grid, "--out", out, "--slurm", "--no-submit"])
        XCTAssertEqual(mixuplabError(["collect", out]),
                       "6 run(s) of \(out) are not complete (first: cmc/erm/s0); finish the sweep or pass --partial")
        XCTAssertEqual(mixuplabError(["sweep-run", out, "--index", "6"]),
                       "\(out)/sweep.json has runs 0…5; --index/--task 6 is outside")
        XCTAssertEqual(mixuplabError(["sweep-run", out]), "give exactly one of --index and --task")

        // Grids that every run would fail on are refused before anything runs.
        let typo = dir.appendingPathComponent("typo.yaml")
        try String(contentsOfFile: grid, encoding: .utf8).replacingOccurrences(of: "tensorboard: false", with: "batchsize: 5")
            .write(to: typo, atomically: true, encoding: .utf8)
        let typoError = mixuplabError(["sweep", typo.path, "--out", dir.appendingPathComponent("t").path]) ?? "accepted"
        XCTAssertTrue(typoError.hasPrefix("\(typo.path): run cmc/erm/s0 would fail: ") && typoError.contains("batchsize"), typoError)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("t/sweep.json").path))
        let noData = dir.appendingPathComponent("nodata.yaml")
        try String(contentsOfFile: grid, encoding: .utf8).replacingOccurrences(of: "contraceptive.dat", with: "missing.dat")
            .write(to: noData, atomically: true, encoding: .utf8)
        let noDataError = mixuplabError(["sweep", noData.path, "--out", dir.appendingPathComponent("n").path]) ?? "accepted"
        XCTAssertTrue(noDataError.hasPrefix("\(noData.path): dataset 'cmc': --data ") && noDataError.contains("missing.dat does not exist"), noDataError)
    }

    func testEveryDistinctSettingIsCheckedBeforeAnythingRunsEvenDeepInALargeGrid() throws {
        let dir = try makeTemporaryDirectory()
        let cmc = Self.packageRoot.appendingPathComponent("Data/cmc/contraceptive.dat").path
        // 3 datasets × (1 + 3 + 9 + 9) settings × 20 seeds = 1,320 runs. The last dataset differs from the
        // others only in a value (its --lr), and in the bad grid that value fails train's validation.
        func grid(lastLR: String, lastArm: String = "mixupe") -> String {
            """
            seeds: 20
            alpha: [0.5, 1, 2]
            eta: [0.01, 0.1, 1]
            options: {tensorboard: false, optimizer: adam}
            datasets:
              - {name: a, data: "\(cmc)", lr: 0.001}
              - {name: b, data: "\(cmc)", lr: 0.001}
              - name: c
                data: "\(cmc)"
                lr: \(lastLR)
                arms: [erm, mixup, erm+r, \(lastArm)]
            arms: [erm, mixup, erm+r, mixupe]
            """
        }
        let good = dir.appendingPathComponent("good.yaml")
        try grid(lastLR: "0.002").write(to: good, atomically: true, encoding: .utf8)
        let goodOut = dir.appendingPathComponent("good")
        try mixuplab(["sweep", good.path, "--out", goodOut.path, "--slurm", "--no-submit"])
        XCTAssertEqual(try SweepManifest.read(from: goodOut).runs.count, 3 * 22 * 20)

        func refusal(_ text: String, _ name: String) throws -> (message: String, out: URL) {
            let file = dir.appendingPathComponent(name + ".yaml")
            try text.write(to: file, atomically: true, encoding: .utf8)
            let out = dir.appendingPathComponent(name)
            return (mixuplabError(["sweep", file.path, "--out", out.path, "--slurm", "--no-submit"]) ?? "accepted", out)
        }
        let badValue = try refusal(grid(lastLR: "0"), "bad-value")
        XCTAssertEqual(badValue.message, "\(dir.path)/bad-value.yaml: run c/erm/s0 would fail: --lr must be positive and finite, got 0.0")
        XCTAssertFalse(FileManager.default.fileExists(atPath: badValue.out.path), "nothing may be written")
        // Only the last arm of the last dataset is bad (SGD momentum under Adam).
        let badArm = try refusal(grid(lastLR: "0.002", lastArm: "{name: late, method: mixupe, options: {momentum: 0.5}}"), "bad-arm")
        XCTAssertTrue(badArm.message.hasPrefix("\(dir.path)/bad-arm.yaml: run c/late/a0.5-e0.01/s0 would fail: ")
                      && badArm.message.contains("--momentum"), badArm.message)
        XCTAssertFalse(FileManager.default.fileExists(atPath: badArm.out.path), "nothing may be written")
    }

    func testGridFlagsUnderTheirOldAndNewNamesTrainWhatTheySay() throws {
        let dir = try makeTemporaryDirectory()
        let grid = try writeGrid(dir, epochs: 1, arms: "[erm]", seeds: "[0]")
        for (index, (key, recorded)) in [("no-bias: false", "true"), ("no-bias: true", "false"), ("bias: false", "false"),
                                         ("bias: true", "true")].enumerated() {
            let variant = dir.appendingPathComponent("flag\(index).yaml")
            try String(contentsOfFile: grid, encoding: .utf8).replacingOccurrences(of: "tensorboard: false", with: "tensorboard: false, \(key)")
                .write(to: variant, atomically: true, encoding: .utf8)
            let out = dir.appendingPathComponent("s\(index)")
            try mixuplab(["sweep", variant.path, "--out", out.path, "--slurm", "--no-submit"])
            let run = try XCTUnwrap(SweepManifest.read(from: out).runs.first)
            let runDir = dir.appendingPathComponent("r\(index)")
            try mixuplab(["train"] + run.arguments + ["--run-dir", runDir.path])
            XCTAssertEqual(try RunRecord.read(from: runDir.appendingPathComponent("config.json")).options?["bias"], recorded, key)
        }
        // A true/false value on an option that takes a value is a grid error at its line, before any run parses.
        let bad = dir.appendingPathComponent("bad.yaml")
        try String(contentsOfFile: grid, encoding: .utf8).replacingOccurrences(of: "tensorboard: false", with: "tensorboard: false, hidden: true")
            .write(to: bad, atomically: true, encoding: .utf8)
        XCTAssertEqual(mixuplabError(["sweep", bad.path, "--out", dir.appendingPathComponent("b").path, "--slurm", "--no-submit"]),
                       "\(bad.path):6: 'hidden: true': --hidden is not a flag of train; give it a value")
    }

    func testSlurmRefusesWorkersLikeLocalRunsRefuseTheSlurmOptions() throws {
        let dir = try makeTemporaryDirectory()
        let grid = try writeGrid(dir)
        let out = dir.appendingPathComponent("s")
        XCTAssertEqual(mixuplabError(["sweep", grid, "--out", out.path, "--slurm", "--no-submit", "--workers", "2"]),
                       "--workers sets local worker processes; with --slurm every array task is a worker (limit them with --max-concurrent)")
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.path), "nothing may be written")
        XCTAssertEqual(mixuplabError(["sweep", grid, "--out", out.path, "--workers", "0"]), "--workers must be ≥ 1, got 0")
    }

    func testAblateRunsASmallSweepThatCollectReadsAndResumeSkipsFinishedRuns() throws {
        let exe = try mixuplabExecutable()
        let dir = try makeTemporaryDirectory()
        let cmc = Self.packageRoot.appendingPathComponent("Data/cmc/contraceptive.dat").path
        let out = dir.appendingPathComponent("ablation")
        let arguments = ["ablate", "--data", cmc, "--train-limit", "200", "--hidden", "8", "--epochs", "3", "--seeds", "2",
                         "--arms", "erm,mixup,mixupe:exact", "--alpha", "0.5", "--eta", "0.1", "--no-tensorboard",
                         "--out", out.path, "--workers", "2", "--executable", exe]
        try mixuplab(arguments)
        let manifest = try SweepManifest.read(from: out)
        XCTAssertEqual(manifest.runs.map(\.id), ["contraceptive/erm/s0", "contraceptive/erm/s1", "contraceptive/mixup/a0.5/s0",
                                                 "contraceptive/mixup/a0.5/s1", "contraceptive/mixupe-exact/a0.5-e0.1/s0",
                                                 "contraceptive/mixupe-exact/a0.5-e0.1/s1"])
        let exact = manifest.runs[4].arguments
        XCTAssertTrue(exact.contains("--regularizer") && exact.contains("exact") && exact.contains("--train-limit") && exact.contains("200")
                      && exact.contains("--no-tensorboard"), "\(exact)")
        var stamps: [Date] = []
        for run in manifest.runs {
            let metrics = manifest.directory(of: run, in: out).appendingPathComponent("metrics.jsonl")
            XCTAssertEqual(try metricsWithoutTimes(metrics).count, 3, run.id)
            stamps.append(try XCTUnwrap(FileManager.default.attributesOfItem(atPath: metrics.path)[.modificationDate] as? Date))
        }
        // The report is the sweep's selection: best-validation-epoch and last-epoch test errors over seeds.
        let (_, results, missing) = try SweepResult.load(sweep: out)
        XCTAssertTrue(missing.isEmpty)
        let ablation = try String(contentsOf: out.appendingPathComponent("ablation.md"), encoding: .utf8)
        XCTAssertEqual(ablation, SweepReport.markdown(SweepSelection(results)) + "\n")
        let erm = results.filter { $0.run.arm == "erm" }.map { 100 * (1 - $0.testAccuracyAtBest) }
        XCTAssertTrue(ablation.contains("| contraceptive | erm | – | – | 2 | 1 | ") && ablation.contains(SweepReport.meanStd(erm)), ablation)
        XCTAssertEqual(try String(contentsOf: out.appendingPathComponent("ablation.csv"), encoding: .utf8),
                       SweepReport.csv(SweepSelection(results)))
        try mixuplab(["collect", out.path])
        XCTAssertEqual(try String(contentsOf: out.appendingPathComponent("collected/table.md"), encoding: .utf8), ablation)

        // Again without --resume: refused; with it: every run is complete, nothing trains again.
        XCTAssertEqual(mixuplabError(arguments),
                       "\(out.path) already holds an ablation (sweep.json); give --resume to continue it (complete runs are skipped) or another --out")
        try mixuplab(arguments + ["--resume"])
        for (run, stamp) in zip(manifest.runs, stamps) {
            let file = manifest.directory(of: run, in: out).appendingPathComponent("metrics.jsonl")
            XCTAssertEqual(try FileManager.default.attributesOfItem(atPath: file.path)[.modificationDate] as? Date, stamp, "\(run.id) ran again")
        }
        // Other settings into the same folder are refused rather than mixed with these runs.
        let other = arguments.map { $0 == "0.5" ? "1" : $0 } + ["--resume"]
        XCTAssertEqual(mixuplabError(other), "\(out.path)/sweep.json holds a different grid (6 runs of 'ablation'); use another --out or remove it")
    }

    func testAGraphSweepCrossValidatesEachRunAndCollectSelectsByXuEtAlsProtocol() throws {
        let exe = try mixuplabExecutable()
        let dir = try makeTemporaryDirectory()
        let mutag = try sharedData("graphs/MUTAG/MUTAG_A.txt").deletingLastPathComponent().path
        let grid = dir.appendingPathComponent("graphs.yaml")
        try """
        name: graphs
        seeds: 2
        alpha: [1]
        eta: [0.01, 1]
        epochs: 2
        options: {tensorboard: false, gin-layers: 1, gin-hidden: 4}
        datasets:
          - {name: MUTAG, data: "\(mutag)", folds: 2, arms: [erm, mixupe]}
        arms: [erm, mixup, mixupe]
        """.write(to: grid, atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("sweep")
        try mixuplab(["sweep", grid.path, "--out", out.path, "--workers", "2", "--executable", exe])
        let manifest = try SweepManifest.read(from: out)
        XCTAssertEqual(manifest.runs.map(\.id), ["MUTAG/erm/s0", "MUTAG/erm/s1", "MUTAG/mixupe/a1-e0.01/s0", "MUTAG/mixupe/a1-e0.01/s1",
                                                 "MUTAG/mixupe/a1-e1/s0", "MUTAG/mixupe/a1-e1/s1"])
        try mixuplab(["collect", out.path])
        let table = try String(contentsOf: out.appendingPathComponent("collected/table.md"), encoding: .utf8)
        XCTAssertTrue(table.contains("Note: MUTAG is a graph dataset cross-validated over k folds without a validation split"), table)

        // Recompute the selection from the fold metrics: per run, the epoch of best mean test accuracy over the 2 folds.
        func bestMean(_ run: SweepRun) throws -> Double {
            let runDir = manifest.directory(of: run, in: out)
            let folds = SweepRunState.foldDirectories(of: runDir)
            XCTAssertEqual(folds.map(\.lastPathComponent), ["fold-01", "fold-02"], run.id)
            let curves = try folds.map { fold in
                try String(contentsOf: fold.appendingPathComponent("metrics.jsonl"), encoding: .utf8).split(separator: "\n").map { line in
                    try XCTUnwrap((JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["testAccuracy"] as? Double)
                }
            }
            XCTAssertEqual(curves.map(\.count), [2, 2], run.id)
            return (0..<2).map { e in (curves[0][e] + curves[1][e]) / 2 }.max()!
        }
        let mixupe = manifest.runs.filter { $0.arm == "mixupe" }
        let byEta = try Dictionary(grouping: mixupe, by: { $0.eta! }).mapValues { runs in try runs.map(bestMean) }
        let chosenEta = (byEta[0.01]!.reduce(0, +) >= byEta[1]!.reduce(0, +)) ? 0.01 : 1.0
        let errors = byEta[chosenEta]!.map { 100 * (1 - $0) }
        let row = try XCTUnwrap(table.split(separator: "\n").first { $0.hasPrefix("| MUTAG | mixupe |") })
        XCTAssertTrue(row.hasPrefix("| MUTAG | mixupe | 1 | \(SweepGrid.label(chosenEta)) | 2 | 2 | ") && row.contains(SweepReport.meanStd(errors)),
                      "\(row) vs η \(chosenEta), errors \(errors)")
        let ermErrors = try manifest.runs.filter { $0.arm == "erm" }.map { 100 * (1 - (try bestMean($0))) }
        XCTAssertTrue(table.contains("| MUTAG | erm | – | – | 2 | 1 | ") && table.contains(SweepReport.meanStd(ermErrors)), table)
    }

    /// Needs a running Slurm (scripts/slurm-local.sh start; scripts/test.sh does it and sets MIXUPLAB_SLURM=1).
    func testSlurmJobArrayGivesTheSameTableAsLocalWorkers() throws {
        guard ProcessInfo.processInfo.environment["MIXUPLAB_SLURM"] == "1" else {
            throw XCTSkip("set MIXUPLAB_SLURM=1 with a running Slurm (eval \"$(scripts/slurm-local.sh start)\")")
        }
        let exe = try executable()
        let dir = try makeTemporaryDirectory()
        let grid = try writeGrid(dir)
        let local = dir.appendingPathComponent("local"), slurm = dir.appendingPathComponent("slurm")
        try mixuplab(["sweep", grid, "--out", local.path, "--workers", "2", "--executable", exe])
        try mixuplab(["sweep", grid, "--out", slurm.path, "--slurm", "--cpus-per-task", "1", "--max-concurrent", "2",
                      "--runs-per-task", "2", "--time", "00:10:00", "--executable", exe])
        let script = try String(contentsOf: slurm.appendingPathComponent("slurm/sweep.sbatch"), encoding: .utf8)
        XCTAssertTrue(script.contains("#SBATCH --array=0-2%2"), script)
        let manifest = try SweepManifest.read(from: slurm)
        let deadline = Date().addingTimeInterval(600)
        while !manifest.runs.allSatisfy({ SweepRunState.of(manifest.directory(of: $0, in: slurm)) == .done }) {
            guard Date() < deadline else {
                try? mixuplab(["sweep", "status", slurm.path])
                return XCTFail("the Slurm array did not finish in 10 minutes; see \(slurm.path)/slurm/*.out")
            }
            Thread.sleep(forTimeInterval: 1)
        }
        try mixuplab(["sweep", "status", slurm.path])
        try mixuplab(["collect", local.path])
        try mixuplab(["collect", slurm.path])
        for file in ["table.md", "table.csv", "table.tex"] {
            XCTAssertEqual(try String(contentsOf: slurm.appendingPathComponent("collected/\(file)"), encoding: .utf8),
                           try String(contentsOf: local.appendingPathComponent("collected/\(file)"), encoding: .utf8), file)
        }
        for run in manifest.runs {
            XCTAssertEqual(try metricsWithoutTimes(manifest.directory(of: run, in: slurm).appendingPathComponent("metrics.jsonl")),
                           try metricsWithoutTimes(manifest.directory(of: run, in: local).appendingPathComponent("metrics.jsonl")), run.id)
        }
    }
}

private extension URL {
    /// Creates the directory (and parents) and returns it.
    func creatingDirectory() throws -> URL {
        try FileManager.default.createDirectory(at: self, withIntermediateDirectories: true)
        return self
    }
}
