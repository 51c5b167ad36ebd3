import Foundation
import MixupExperiments
import MixupTraining
import XCTest

/// Selection on validation, the report tables and the Slurm script.
final class SweepSelectionTests: XCTestCase {
    /// One epoch record as `metrics.jsonl` holds it.
    func epoch(_ n: Int, validation: Double?, test: Double) throws -> EpochMetrics {
        let json = """
        {"epoch": \(n), "trainLoss": 1, "penalty": 0, "kappa": 1, "trainAccuracy": 0.5, "trainCleanLoss": 1,
         \(validation.map { "\"validationAccuracy\": \($0), \"validationLoss\": 1," } ?? "")
         "testAccuracy": \(test), "testLoss": 1, "learningRate": 0.001, "trainSeconds": 1, "samplesPerSecond": 1}
        """
        return try JSONDecoder().decode(EpochMetrics.self, from: Data(json.utf8))
    }

    /// A result whose epochs have these (validation, test) accuracies.
    func result(_ arm: String, _ method: Method, alpha: Double?, eta: Double?, seed: UInt64,
                _ epochs: [(Double, Double)]) throws -> SweepResult {
        let run = SweepRun(index: 0, dataset: "cmc", arm: arm, method: method, alpha: alpha, eta: eta, seed: seed, arguments: [])
        let metrics = try epochs.enumerated().map { n, e in try epoch(n + 1, validation: e.0, test: e.1) }
        return try SweepResult(run: run, metrics: metrics, source: "test")
    }

    func testSelectsTheSettingWithTheBestMeanValidationAtEachRunsBestEpoch() throws {
        let results = [
            // α = 0.2: best-epoch validation 0.70, 0.72 → mean 0.71; last-epoch validation 0.69, 0.72.
            try result("mixup", .mixup, alpha: 0.2, eta: nil, seed: 0, [(0.60, 0.50), (0.70, 0.60), (0.69, 0.65)]),
            try result("mixup", .mixup, alpha: 0.2, eta: nil, seed: 1, [(0.72, 0.62), (0.72, 0.66)]),
            // α = 1: best-epoch 0.70 and 0.715 → mean 0.7075 < 0.71, but last-epoch mean 0.7075 > 0.705.
            try result("mixup", .mixup, alpha: 1, eta: nil, seed: 0, [(0.70, 0.70), (0.70, 0.71)]),
            try result("mixup", .mixup, alpha: 1, eta: nil, seed: 1, [(0.60, 0.55), (0.715, 0.56)]),
        ]
        XCTAssertEqual(results[0].bestEpoch, 2)
        XCTAssertEqual(results[1].bestEpoch, 1, "ties keep the first epoch")
        let selection = SweepSelection(results)
        XCTAssertEqual(selection.rows.count, 1)
        let row = selection.rows[0]
        XCTAssertEqual(row.selected.alpha, 0.2)
        XCTAssertEqual(row.selected.testErrorsAtBest[0], 40, accuracy: 1e-9)
        XCTAssertEqual(row.selected.testErrorsAtBest[1], 38, accuracy: 1e-9)
        XCTAssertEqual(row.selectedAtLast.alpha, 1)
        XCTAssertEqual(row.selectedAtLast.testErrorsAtLast[0], 29, accuracy: 1e-9)
        XCTAssertEqual(row.settings, 2)
        let markdown = SweepReport.markdown(selection)
        XCTAssertTrue(markdown.contains("| cmc | mixup | 0.2 | – | 2 | 2 | 71.00 | 39.00 ± 1.41 | 1, – | 36.50 ± 10.61 |"), markdown)
    }

    func testOneSeedHasNoSpreadAndOrderingChecksCompareTheSelectedErrors() throws {
        let selection = SweepSelection([
            try result("erm", .erm, alpha: nil, eta: nil, seed: 0, [(0.5, 0.60)]),
            try result("mixup", .mixup, alpha: 1, eta: nil, seed: 0, [(0.5, 0.65)]),
            try result("erm+r", .ermR, alpha: 1, eta: 0.1, seed: 0, [(0.5, 0.70)]),
            try result("mixupe", .mixupE, alpha: 1, eta: 0.1, seed: 0, [(0.5, 0.62)]),
        ])
        let markdown = SweepReport.markdown(selection)
        XCTAssertTrue(markdown.contains("40.00 ± –"), markdown)
        XCTAssertFalse(markdown.contains("± 0.00"))
        XCTAssertTrue(markdown.contains("- cmc: MixupE < Mixup (38.00 vs 35.00) — does NOT hold"), markdown)
        XCTAssertTrue(markdown.contains("- cmc: Mixup < ERM (35.00 vs 40.00) — holds"), markdown)
        XCTAssertTrue(markdown.contains("- cmc: Mixup+R < ERM+R (38.00 vs 30.00) — does NOT hold"), markdown)
        let latex = SweepReport.latex(selection)
        XCTAssertTrue(latex.contains("cmc & mixupe & 1 & 0.1 & 1 & $38.00$ \\\\"), latex)
        let csv = SweepReport.csv(selection).split(separator: "\n")
        XCTAssertEqual(csv.count, 5)
        XCTAssertTrue(csv[4].hasPrefix("cmc,mixupe,mixupe,1.0,0.1,1,1,50.0,38.0"), String(csv[4]))
    }

    func testATieIsNotReportedAsAFailedClaimAndSeedBySeedEqualityNamesTheRegularizersEta() throws {
        // MixupE and Mixup at α = 1 give every seed the same test error (R too small at η = 0.01);
        // ERM and ERM+R have equal means from different seeds.
        let selection = SweepSelection([
            try result("erm", .erm, alpha: nil, eta: nil, seed: 0, [(0.5, 0.70)]),
            try result("erm", .erm, alpha: nil, eta: nil, seed: 1, [(0.5, 0.60)]),
            try result("mixup", .mixup, alpha: 1, eta: nil, seed: 0, [(0.5, 0.60)]),
            try result("mixup", .mixup, alpha: 1, eta: nil, seed: 1, [(0.5, 0.70)]),
            try result("erm+r", .ermR, alpha: 1, eta: 0.01, seed: 0, [(0.5, 0.60)]),
            try result("erm+r", .ermR, alpha: 1, eta: 0.01, seed: 1, [(0.5, 0.70)]),
            try result("mixupe", .mixupE, alpha: 1, eta: 0.01, seed: 0, [(0.5, 0.60)]),
            try result("mixupe", .mixupE, alpha: 1, eta: 0.01, seed: 1, [(0.5, 0.70)]),
        ])
        let markdown = SweepReport.markdown(selection)
        XCTAssertTrue(markdown.contains("- cmc: MixupE < Mixup (35.00 vs 35.00) — tie, the same test error seed by seed: "
                                        + "at η = 0.01 the regularizer left every seed's test error unchanged"), markdown)
        XCTAssertTrue(markdown.contains("- cmc: Mixup < ERM (35.00 vs 35.00) — tie (equal means)"), markdown)
        XCTAssertTrue(markdown.contains("- cmc: Mixup+R < ERM+R (35.00 vs 35.00) — tie, the same test error seed by seed\n")
                      || markdown.hasSuffix("- cmc: Mixup+R < ERM+R (35.00 vs 35.00) — tie, the same test error seed by seed"), markdown)
        XCTAssertFalse(markdown.contains("does NOT hold"), markdown)
        let checks = selection.orderingChecks
        XCTAssertEqual(checks.map(\.isTie), [true, true, true])
        XCTAssertEqual(checks.map(\.isTieSeedBySeed), [true, false, true])
        XCTAssertEqual(checks.map(\.holds), [false, false, false])
    }

    func testGraphRunsSelectTheEpochOfBestMeanTestAccuracyOverFoldsAndTheTableSaysSo() throws {
        func run(_ arm: String, _ method: Method, eta: Double?, seed: UInt64) -> SweepRun {
            SweepRun(index: 0, dataset: "MUTAG", arm: arm, method: method, alpha: method == .erm ? nil : 1, eta: eta, seed: seed, arguments: [])
        }
        func folds(_ curves: [[Double]]) throws -> [[EpochMetrics]] {
            try curves.map { curve in try curve.enumerated().map { n, acc in try epoch(n + 1, validation: nil, test: acc) } }
        }
        // Fold means per epoch: 0.6, 0.75, 0.7 — epoch 2, though neither fold alone peaks there by much.
        let cv = try SweepResult(run: run("mixupe", .mixupE, eta: 0.1, seed: 0),
                                 foldMetrics: folds([[0.5, 0.7, 0.72], [0.7, 0.8, 0.68]]), source: "runs/MUTAG/mixupe/a1-e0.1/s0")
        XCTAssertEqual(cv.bestEpoch, 2)
        XCTAssertEqual(cv.bestValidationAccuracy, 0.75, accuracy: 1e-12)
        XCTAssertEqual(cv.testAccuracyAtBest, 0.75, accuracy: 1e-12)
        XCTAssertEqual(cv.testAccuracyAtLast, 0.7, accuracy: 1e-12)
        XCTAssertEqual(cv.crossValidationFolds, 2)
        let other = try SweepResult(run: run("mixupe", .mixupE, eta: 1, seed: 0),
                                    foldMetrics: folds([[0.6, 0.62, 0.64], [0.6, 0.62, 0.66]]), source: "x")
        let selection = SweepSelection([cv, other])
        XCTAssertEqual(selection.rows[0].selected.eta, 0.1)
        XCTAssertEqual(selection.rows[0].selectedAtLast.eta, 0.1, "0.70 > 0.65 at the last epoch")
        let markdown = SweepReport.markdown(selection)
        XCTAssertTrue(markdown.contains("| MUTAG | mixupe | 1 | 0.1 | 1 | 2 | 75.00 | 25.00 ± – | 1, 0.1 | 30.00 ± – |"), markdown)
        XCTAssertTrue(markdown.contains("Note: MUTAG is a graph dataset cross-validated over k folds without a validation split. Their rows follow Xu et al.'s protocol"), markdown)
        XCTAssertTrue(SweepReport.csv(selection).split(separator: "\n")[1].hasSuffix(",cross-validated test accuracy (Xu et al.)"))
        // Split-data tables carry no such note.
        let split = SweepSelection([try result("erm", .erm, alpha: nil, eta: nil, seed: 0, [(0.5, 0.6)])])
        XCTAssertFalse(SweepReport.markdown(split).contains("Xu et al."))
        XCTAssertTrue(SweepReport.csv(split).split(separator: "\n")[1].hasSuffix(",validation accuracy"))

        XCTAssertThrowsError(try SweepResult(run: run("erm", .erm, eta: nil, seed: 0), foldMetrics: folds([[0.5, 0.6], [0.5]]),
                                             source: "runs/MUTAG/erm/s0")) {
            XCTAssertEqual("\($0)", "runs/MUTAG/erm/s0: fold 2 has 1 epochs, fold 1 has 2; the folds must run the same epochs")
        }
    }

    func testRunsWithoutValidationAccuracyAreRefusedNamingTheFile() throws {
        let run = SweepRun(index: 0, dataset: "d", arm: "erm", method: .erm, alpha: nil, eta: nil, seed: 0, arguments: [])
        let m = try epoch(1, validation: nil, test: 0.5)
        XCTAssertThrowsError(try SweepResult(run: run, metrics: [m], source: "runs/d/erm/s0/metrics.jsonl")) {
            XCTAssertEqual("\($0)", "runs/d/erm/s0/metrics.jsonl: epoch 1 has no validation accuracy; selection on validation needs both sets")
        }
    }

    func testPlotsHaveOneLinePerAlphaWithSeedBands() throws {
        var results: [SweepResult] = []
        for a in [0.2, 1.0] { for e in [0.01, 0.1, 1.0] { for s in [UInt64(0), 1] {
            results.append(try result("mixupe", .mixupE, alpha: a, eta: e, seed: s, [(0.5, 0.6 + 0.01 * Double(s))]))
        } } }
        let plots = SweepReport.plots(results)
        XCTAssertEqual(plots.map(\.name), ["cmc-mixupe-eta.svg"])
        let svg = plots[0].svg
        XCTAssertTrue(svg.contains("α = 0.2") && svg.contains("α = 1"))
        XCTAssertTrue(svg.contains("log10 η"))
    }

    func testSlurmScriptRunsChunksOfTheManifestWithAConcurrencyLimit() {
        var script = SlurmArrayScript(executable: "/opt/mixuplab", sweepDirectory: "/scratch/s", workingDirectory: "/home/me/repo",
                                      jobName: "mixuplab-g", runCount: 2501)
        script.runsPerTask = 3
        script.maxConcurrent = 8
        script.partition = "cpu"
        script.time = "01:00:00"
        script.cpusPerTask = 2
        XCTAssertEqual(script.taskCount, 834)
        XCTAssertEqual(script.text, """
        #!/bin/bash
        #SBATCH --job-name=mixuplab-g
        #SBATCH --array=0-833%8
        #SBATCH --ntasks=1
        #SBATCH --cpus-per-task=2
        #SBATCH --partition=cpu
        #SBATCH --time=01:00:00
        #SBATCH --chdir=/home/me/repo
        #SBATCH --output=/scratch/s/slurm/%A_%a.out
        # Generated by `mixuplab sweep --slurm`: array task i trains runs i*3 ..< (i+1)*3 of sweep.json.
        # A run already complete is skipped; an interrupted one (time limit, preemption) resumes exactly on resubmission.
        set -euo pipefail
        export OPENBLAS_NUM_THREADS=2
        exec '/opt/mixuplab' sweep-run '/scratch/s' --task "$SLURM_ARRAY_TASK_ID" --runs-per-task 3 --threads 2

        """)
    }
}
