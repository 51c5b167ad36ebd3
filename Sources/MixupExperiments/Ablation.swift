import Foundation
import MixupCore
import MixupNN
import MixupTraining

/// The ablation of the paper's Table 7 on any dataset: arms (ERM, Mixup, ERM+R, MixupE, and
/// e.g. MixupE with the higher-order `taylor` penalty as a fifth) × seeds, the same
/// configuration otherwise, reporting test error at the best-validation epoch and the last epoch.
///
/// This runs in process on an already loaded `RunSpec` (library use, plugin examples). The
/// command `mixuplab ablate` instead builds a one-(α, η) `SweepGrid` and runs it on the sweep
/// machinery (worker processes, run layout, `SweepSelection` report).
public struct Ablation {
    /// One arm: a method and, for the "+R" methods, optionally its own regularizer.
    public struct Arm: Hashable, Sendable, CustomStringConvertible {
        public var method: Method
        /// nil: the configuration's regularizer.
        public var regularizer: String?

        public init(_ method: Method, regularizer: String? = nil) {
            self.method = method
            self.regularizer = regularizer
        }

        /// Parses `mixupe`, `erm+r`, `mixupe:taylor`, `mixupe:exact` ….
        public init(parsing text: String) throws {
            let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
            guard let method = Method(rawValue: parts[0]) else {
                throw ExperimentError("unknown arm '\(text)'; use erm, mixup, erm+r, mixupe, optionally :REGULARIZER (e.g. mixupe:taylor)")
            }
            if parts.count == 2 && !method.regularized {
                throw ExperimentError("arm '\(text)': \(method.rawValue) takes no regularizer")
            }
            self.init(method, regularizer: parts.count == 2 ? parts[1] : nil)
        }

        /// The four arms of the paper's Table 7 plus MixupE with Theorem 1's second-order penalty.
        public static let fiveArms = Method.allCases.map { Arm($0) } + [Arm(.mixupE, regularizer: "taylor")]

        public var description: String { regularizer.map { "\(method.rawValue):\($0)" } ?? method.rawValue }

        /// `base` with this arm's method, seed and regularizer.
        func configure(_ base: TrainingConfiguration, seed: UInt64) -> TrainingConfiguration {
            var c = base
            c.method = method
            c.seed = seed
            if let regularizer { c.regularizer = regularizer; c.regularizerOptions = "" }
            return c
        }
    }

    /// The arms to run.
    public var arms: [Arm] = Method.allCases.map { Arm($0) }
    /// Seeds (each seeds initialisation, shuffling and λ; the data split stays fixed).
    public var seeds: [UInt64] = [0, 1, 2, 3, 4]
    /// Graphs: which folds every arm × seed cross-validates (0-based; nil: all).
    public var foldsToRun: [Int]?
    /// Where per-run directories go (nil: no files).
    public var outputDirectory: URL?
    /// Continue runs whose directory holds a checkpoint (a finished run is only reloaded).
    public var resume = false
    /// Progress messages.
    public var log: (String) -> Void = { print($0) }

    /// An ablation of the four arms over seeds 0…4.
    public init() {}

    /// One finished run.
    public struct Run: Codable, Sendable {
        public var dataset: String
        /// The arm's label (`mixupe`, `mixupe:taylor` …).
        public var arm: String
        public var seed: UInt64
        /// Test error at the last epoch (graphs: mean over folds).
        public var testError: Double
        /// Validation error at the last epoch (nil under cross-validation, which has none).
        public var validationError: Double?
        /// Test error at the epoch of best validation accuracy (graphs: at the epoch of best mean
        /// test accuracy over folds, Xu et al.'s protocol).
        public var testErrorAtBestEpoch: Double?
        public var trainSeconds: Double
        public var samplesPerSecond: Double

        /// A record from its parts (tests, or results collected elsewhere).
        public init(dataset: String, arm: String, seed: UInt64, testError: Double, validationError: Double?,
                    testErrorAtBestEpoch: Double?, trainSeconds: Double, samplesPerSecond: Double) {
            self.dataset = dataset
            self.arm = arm
            self.seed = seed
            self.testError = testError
            self.validationError = validationError
            self.testErrorAtBestEpoch = testErrorAtBestEpoch
            self.trainSeconds = trainSeconds
            self.samplesPerSecond = samplesPerSecond
        }
    }

    /// The run directory of `arm` and `seed`.
    public func directory(dataset: String, arm: Arm, seed: UInt64) -> URL? {
        outputDirectory?.appendingPathComponent("\(dataset)-\(arm.description.replacingOccurrences(of: ":", with: "-"))-seed\(seed)")
    }

    /// Runs every arm for every seed on the data, model and settings of `spec` (its method and
    /// seed are replaced per run). Split data: one run each; graphs: a k-fold cross-validation each.
    public func run(_ spec: RunSpec) throws -> [Run] {
        var runs: [Run] = []
        let total = arms.count * seeds.count
        for arm in arms {
            for seed in seeds {
                let config = arm.configure(spec.configuration, seed: seed)
                let directory = directory(dataset: spec.data.name, arm: arm, seed: seed)
                let started = ContinuousClock.now
                let run: Run
                switch spec.data {
                case .splits:
                    let training = try spec.makeRun(configuration: config)
                    training.log = { _ in }
                    if let directory {
                        training.runDirectory = try RunDirectory(directory)
                        if resume { try training.resumeIfPossible() }
                    }
                    let history = try training.run()
                    let last = history.last!
                    let seconds = history.map(\.trainSeconds).reduce(0, +)
                    let best = history.max { ($0.validationAccuracy ?? -1) < ($1.validationAccuracy ?? -1) }
                    run = Run(dataset: spec.data.name, arm: arm.description, seed: seed,
                              testError: 1 - (last.testAccuracy ?? 0), validationError: last.validationAccuracy.map { 1 - $0 },
                              testErrorAtBestEpoch: best?.validationAccuracy == nil ? nil : best?.testAccuracy.map { 1 - $0 },
                              trainSeconds: seconds,
                              samplesPerSecond: Double(training.trainingCount * history.count) / max(seconds, 1e-9))
                    log(String(format: "[%d/%d] %@ seed %llu: test error %.2f%%, %.0f samples/s",
                               runs.count + 1, total, arm.description, seed, 100 * run.testError, run.samplesPerSecond))
                case let .graphs(source):
                    let result = try spec.crossValidate(configuration: config, folds: foldsToRun, directory: directory,
                                                        resume: resume, log: { _ in })
                    let seconds = (ContinuousClock.now - started).seconds
                    let trainedGraphs = Double(source.graphCount) * Double(config.epochs)
                        * Double(result.folds.count) * Double(spec.foldCount - 1) / Double(spec.foldCount)
                    run = Run(dataset: spec.data.name, arm: arm.description, seed: seed,
                              testError: 1 - result.lastEpoch.mean, validationError: nil,
                              testErrorAtBestEpoch: 1 - result.bestMeanEpoch.mean, trainSeconds: seconds,
                              samplesPerSecond: trainedGraphs / max(seconds, 1e-9))
                    log(String(format: "[%d/%d] %@ seed %llu: %d-fold test error %.2f%% (last epoch; best-mean epoch %d: %.2f%%)",
                               runs.count + 1, total, arm.description, seed, result.folds.count, 100 * run.testError,
                               result.bestMeanEpoch.epoch, 100 * (1 - result.bestMeanEpoch.mean)))
                }
                runs.append(run)
            }
        }
        return runs
    }
}

/// Tables of ablation results.
public enum AblationReport {
    /// Markdown: one row per arm with mean ± sample standard deviation of test error (%), at the
    /// epoch of best validation accuracy (the paper's report) first, then at the last epoch.
    public static func markdown(_ runs: [Ablation.Run]) -> String {
        var lines = ["| dataset | arm | test error, best-validation epoch (%) | test error, last epoch (%) | validation error, last epoch (%) | seeds | samples/s |",
                     "|---|---|---|---|---|---|---|"]
        for dataset in unique(runs.map(\.dataset)) {
            for arm in unique(runs.filter { $0.dataset == dataset }.map(\.arm)) {
                let group = runs.filter { $0.dataset == dataset && $0.arm == arm }
                let validation = group.compactMap(\.validationError)
                let val = validation.count == group.count ? meanStdText(validation.map { 100 * $0 }) : "–"
                let bestEpoch = group.compactMap(\.testErrorAtBestEpoch)
                let best = bestEpoch.count == group.count ? meanStdText(bestEpoch.map { 100 * $0 }) : "–"
                let speed = group.map(\.samplesPerSecond).reduce(0, +) / Double(group.count)
                lines.append(String(format: "| %@ | %@ | %@ | %@ | %@ | %d | %.0f |", dataset, arm,
                                    best, meanStdText(group.map { 100 * $0.testError }), val, group.count, speed))
            }
        }
        return lines.joined(separator: "\n")
    }

    /// CSV with one line per run.
    public static func csv(_ runs: [Ablation.Run]) -> String {
        var table = CSVTable(header: ["dataset", "arm", "seed", "test_error", "validation_error", "test_error_best_epoch",
                                      "train_seconds", "samples_per_second"])
        for r in runs {
            table.append([r.dataset, r.arm, "\(r.seed)", "\(r.testError)", r.validationError.map { "\($0)" } ?? "",
                          r.testErrorAtBestEpoch.map { "\($0)" } ?? "", "\(r.trainSeconds)", "\(r.samplesPerSecond)"])
        }
        return table.render()
    }

    /// "mean ± sample std" of percentages, or just the mean ("–" for the spread) for one value.
    static func meanStdText(_ xs: [Double]) -> String { SweepReport.meanStd(xs) }

    /// Mean and sample standard deviation (0 for a single value).
    public static func meanStd(_ xs: [Double]) -> (mean: Double, std: Double) {
        let mean = xs.reduce(0, +) / Double(max(xs.count, 1))
        guard xs.count > 1 else { return (mean, 0) }
        let variance = xs.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(xs.count - 1)
        return (mean, variance.squareRoot())
    }
}

