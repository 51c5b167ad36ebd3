import DataFiles
import Foundation
import MixupTraining

/// What one finished run measured, read from its `metrics.jsonl`: validation and test accuracy
/// at the epoch of best validation accuracy (the paper's choice) and at the last epoch.
///
/// A graph run is a k-fold cross-validation (`fold-NN/metrics.jsonl`) without a validation split;
/// it follows Xu et al.'s protocol, as `ablate` does: the epoch of best mean test accuracy over
/// folds, whose mean then also stands in for the validation accuracy (see `crossValidationFolds`).
public struct SweepResult: Sendable {
    /// The run measured.
    public var run: SweepRun
    /// 1-based epoch of the best validation accuracy (the first such epoch on ties).
    public var bestEpoch: Int
    /// Validation accuracy at `bestEpoch`.
    public var bestValidationAccuracy: Double
    /// Test accuracy at `bestEpoch`.
    public var testAccuracyAtBest: Double
    /// Validation accuracy at the last epoch.
    public var lastValidationAccuracy: Double
    /// Test accuracy at the last epoch.
    public var testAccuracyAtLast: Double
    /// Summed training time of the run's epochs, seconds.
    public var trainSeconds: Double
    /// Graph runs: the number of folds whose mean test accuracy stands for both validation and test
    /// accuracy (Xu et al.'s protocol); nil for runs selected on a validation split.
    public var crossValidationFolds: Int?

    /// The result of `run` from its epoch metrics; throws when they lack validation or test accuracy.
    public init(run: SweepRun, metrics: [EpochMetrics], source: String) throws {
        guard let last = metrics.last else { throw SweepGridError("\(source): no epochs recorded") }
        for m in metrics where m.validationAccuracy == nil || m.testAccuracy == nil {
            throw SweepGridError("\(source): epoch \(m.epoch) has no \(m.validationAccuracy == nil ? "validation" : "test") accuracy; selection on validation needs both sets")
        }
        var best = metrics[0]
        for m in metrics.dropFirst() where m.validationAccuracy! > best.validationAccuracy! { best = m }
        self.run = run
        bestEpoch = best.epoch
        bestValidationAccuracy = best.validationAccuracy!
        testAccuracyAtBest = best.testAccuracy!
        lastValidationAccuracy = last.validationAccuracy!
        testAccuracyAtLast = last.testAccuracy!
        trainSeconds = metrics.map(\.trainSeconds).reduce(0, +)
    }

    /// The result of a cross-validated graph run from each fold's epoch metrics (Xu et al.'s protocol):
    /// per epoch the mean test accuracy over folds; the first epoch with the highest mean is the
    /// "best" one, and that mean is both its selection and its test accuracy (there is no validation split).
    public init(run: SweepRun, foldMetrics: [[EpochMetrics]], source: String) throws {
        guard let first = foldMetrics.first, !first.isEmpty else { throw SweepGridError("\(source): no folds with recorded epochs") }
        for (k, fold) in foldMetrics.enumerated() {
            guard fold.count == first.count else {
                throw SweepGridError("\(source): fold \(k + 1) has \(fold.count) epochs, fold 1 has \(first.count); the folds must run the same epochs")
            }
            if let m = fold.first(where: { $0.testAccuracy == nil }) {
                throw SweepGridError("\(source): fold \(k + 1), epoch \(m.epoch) has no test accuracy")
            }
        }
        let means = (0..<first.count).map { e in foldMetrics.map { $0[e].testAccuracy! }.reduce(0, +) / Double(foldMetrics.count) }
        var best = 0
        for e in means.indices.dropFirst() where means[e] > means[best] { best = e }
        self.run = run
        bestEpoch = first[best].epoch
        bestValidationAccuracy = means[best]
        testAccuracyAtBest = means[best]
        lastValidationAccuracy = means[means.count - 1]
        testAccuracyAtLast = means[means.count - 1]
        trainSeconds = foldMetrics.joined().map(\.trainSeconds).reduce(0, +)
        crossValidationFolds = foldMetrics.count
    }

    /// The epoch records of a `metrics.jsonl`; errors name the file and line.
    static func readMetrics(_ file: URL) throws -> [EpochMetrics] {
        let text: String
        do { text = try String(contentsOf: file, encoding: .utf8) } catch {
            throw SweepGridError("\(file.path): cannot read (\(FileReadFailure.reason(file.path, error)))")
        }
        var metrics: [EpochMetrics] = []
        for (n, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() where !line.isEmpty {
            do { metrics.append(try JSONDecoder().decode(EpochMetrics.self, from: Data(line.utf8))) } catch {
                throw SweepGridError("\(file.path):\(n + 1): not an epoch record (\(error))")
            }
        }
        return metrics
    }

    /// The result of the complete run in `directory`: a split run's `metrics.jsonl`, or, when the
    /// directory holds `fold-NN/` folders instead, the cross-validation over them.
    public static func read(run: SweepRun, directory: URL) throws -> SweepResult {
        let file = directory.appendingPathComponent("metrics.jsonl")
        let folds = SweepRunState.foldDirectories(of: directory)
        if !FileManager.default.fileExists(atPath: file.path) && !folds.isEmpty {
            let perFold = try folds.map { try readMetrics($0.appendingPathComponent("metrics.jsonl")) }
            return try SweepResult(run: run, foldMetrics: perFold, source: directory.path)
        }
        return try SweepResult(run: run, metrics: try readMetrics(file), source: file.path)
    }

    /// The results of every complete run of a sweep directory, in grid order, and the ids of the
    /// runs that are not complete yet.
    public static func load(sweep directory: URL) throws -> (manifest: SweepManifest, results: [SweepResult], missing: [String]) {
        let manifest = try SweepManifest.read(from: directory)
        var results: [SweepResult] = []
        var missing: [String] = []
        for run in manifest.runs {
            let dir = manifest.directory(of: run, in: directory)
            guard SweepRunState.of(dir) == .done else { missing.append(run.id); continue }
            results.append(try read(run: run, directory: dir))
        }
        return (manifest, results, missing)
    }
}
