import Foundation
import MixupTraining

/// What one finished run measured, read from its `metrics.jsonl`: validation and test accuracy
/// at the epoch of best validation accuracy (the paper's choice) and at the last epoch.
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

    /// The results of every complete run of a sweep directory, in grid order, and the ids of the
    /// runs that are not complete yet.
    public static func load(sweep directory: URL) throws -> (manifest: SweepManifest, results: [SweepResult], missing: [String]) {
        let manifest = try SweepManifest.read(from: directory)
        var results: [SweepResult] = []
        var missing: [String] = []
        for run in manifest.runs {
            let dir = manifest.directory(of: run, in: directory)
            guard SweepRunState.of(dir) == .done else { missing.append(run.id); continue }
            let file = dir.appendingPathComponent("metrics.jsonl")
            let text: String
            do { text = try String(contentsOf: file, encoding: .utf8) } catch {
                throw SweepGridError("\(file.path): cannot read (\(error.localizedDescription))")
            }
            var metrics: [EpochMetrics] = []
            for (n, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() where !line.isEmpty {
                do { metrics.append(try JSONDecoder().decode(EpochMetrics.self, from: Data(line.utf8))) } catch {
                    throw SweepGridError("\(file.path):\(n + 1): not an epoch record (\(error))")
                }
            }
            results.append(try SweepResult(run: run, metrics: metrics, source: file.path))
        }
        return (manifest, results, missing)
    }
}
