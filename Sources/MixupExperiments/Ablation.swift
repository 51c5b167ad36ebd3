import Foundation
import MixupCore
import MixupNN
import MixupTraining

/// The ablation of the paper's Table 7 on any dataset: arms (ERM, Mixup, ERM+R, MixupE, and
/// e.g. MixupE with the higher-order `taylor` penalty as a fifth) × seeds, the same
/// configuration otherwise, reporting test error at the last epoch.
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

    /// The shared configuration; `method` and `seed` are set per run.
    public var configuration: TrainingConfiguration
    /// The arms to run.
    public var arms: [Arm] = Method.allCases.map { Arm($0) }
    /// Seeds (each seeds initialisation, shuffling and λ; the data split stays fixed).
    public var seeds: [UInt64] = [0, 1, 2, 3, 4]
    /// The model of every run (the paper's tabular model by default: MLP 2×128 ReLU).
    public var model = ModelSpec()
    /// Where per-run directories go (nil: no files).
    public var outputDirectory: URL?
    /// Progress messages.
    public var log: (String) -> Void = { print($0) }

    public init(configuration: TrainingConfiguration) { self.configuration = configuration }

    /// One finished run.
    public struct Run: Codable, Sendable {
        public var dataset: String
        /// The arm's label (`mixupe`, `mixupe:taylor` …).
        public var arm: String
        public var seed: UInt64
        public var testError: Double
        /// Validation error at the last epoch (nil under cross-validation, which has none).
        public var validationError: Double?
        public var trainSeconds: Double
        public var samplesPerSecond: Double
    }

    /// Runs every arm for every seed on `data`.
    public func run(on data: LoadedSplits) throws -> [Run] {
        var runs: [Run] = []
        let total = arms.count * seeds.count
        for arm in arms {
            for seed in seeds {
                let config = arm.configure(configuration, seed: seed)
                let network = try model.make(inputShape: data.train.sampleShape,
                                             outputs: config.loss.outputCount(classes: data.train.classCount), seed: seed)
                let directory = try outputDirectory.map {
                    try RunDirectory($0.appendingPathComponent("\(data.name)-\(arm.description.replacingOccurrences(of: ":", with: "-"))-seed\(seed)"))
                }
                let history = try Self.train(network, config: config, data: data, directory: directory)
                let last = history.last!
                let seconds = history.map(\.trainSeconds).reduce(0, +)
                let run = Run(dataset: data.name, arm: arm.description, seed: seed,
                              testError: 1 - (last.testAccuracy ?? 0), validationError: 1 - (last.validationAccuracy ?? 0),
                              trainSeconds: seconds,
                              samplesPerSecond: Double(data.train.count * history.count) / max(seconds, 1e-9))
                runs.append(run)
                log(String(format: "[%d/%d] %@ seed %llu: test error %.2f%%, %.0f samples/s",
                           runs.count, total, arm.description, seed, 100 * run.testError, run.samplesPerSecond))
            }
        }
        return runs
    }
}

extension Ablation {
    /// Trains the concrete model type (opened from `any Layer<Float>`).
    static func train<M: Layer>(_ model: M, config: TrainingConfiguration, data: LoadedSplits,
                                directory: RunDirectory?) throws -> [EpochMetrics] where M.Scalar == Float {
        let trainer = try Trainer(model: model, configuration: config, train: data.train,
                                  validation: data.validation, test: data.test)
        trainer.log = { _ in }
        trainer.runDirectory = directory
        return try trainer.run()
    }
}

/// Tables of ablation results.
public enum AblationReport {
    /// Markdown: one row per arm with mean ± sample standard deviation of test error (%).
    public static func markdown(_ runs: [Ablation.Run]) -> String {
        var lines = ["| dataset | arm | test error (%) | validation error (%) | seeds | samples/s |",
                     "|---|---|---|---|---|---|"]
        for dataset in unique(runs.map(\.dataset)) {
            for arm in unique(runs.filter { $0.dataset == dataset }.map(\.arm)) {
                let group = runs.filter { $0.dataset == dataset && $0.arm == arm }
                let test = meanStd(group.map { 100 * $0.testError })
                let validation = group.compactMap(\.validationError)
                let val = validation.count == group.count
                    ? String(format: "%.2f ± %.2f", meanStd(validation.map { 100 * $0 }).mean, meanStd(validation.map { 100 * $0 }).std)
                    : "–"
                let speed = group.map(\.samplesPerSecond).reduce(0, +) / Double(group.count)
                lines.append(String(format: "| %@ | %@ | %.2f ± %.2f | %@ | %d | %.0f |", dataset, arm,
                                    test.mean, test.std, val, group.count, speed))
            }
        }
        return lines.joined(separator: "\n")
    }

    /// CSV with one line per run.
    public static func csv(_ runs: [Ablation.Run]) -> String {
        (["dataset,arm,seed,test_error,validation_error,train_seconds,samples_per_second"] + runs.map {
            "\($0.dataset),\($0.arm),\($0.seed),\($0.testError),\($0.validationError.map { "\($0)" } ?? ""),\($0.trainSeconds),\($0.samplesPerSecond)"
        }).joined(separator: "\n") + "\n"
    }

    /// Mean and sample standard deviation (0 for a single value).
    public static func meanStd(_ xs: [Double]) -> (mean: Double, std: Double) {
        let mean = xs.reduce(0, +) / Double(max(xs.count, 1))
        guard xs.count > 1 else { return (mean, 0) }
        let variance = xs.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(xs.count - 1)
        return (mean, variance.squareRoot())
    }

    private static func unique(_ xs: [String]) -> [String] {
        var seen = Set<String>()
        return xs.filter { seen.insert($0).inserted }
    }
}

extension Ablation {
    /// The ablation on a graph dataset: every arm × seed is a k-fold cross-validation of GIN with
    /// mixing on the readout (`GraphCrossValidation`); its test error is the mean over folds at
    /// the last epoch. `configuration` supplies α, η, optimizer, epochs and batch size.
    public func run(onGraphs source: GraphDatasetSource, crossValidation: GraphCrossValidation) throws -> [Run] {
        var runs: [Run] = []
        let total = arms.count * seeds.count
        for arm in arms {
            for seed in seeds {
                var cv = crossValidation
                cv.training = arm.configure(configuration, seed: seed)
                let started = ContinuousClock.now
                let result = try cv.run(on: source, log: { _ in })
                let elapsed = ContinuousClock.now - started
                let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
                let trainedGraphs = Double(source.graphCount) * Double(cv.training.epochs)
                    * Double(result.folds.count) * Double(cv.foldCount - 1) / Double(cv.foldCount)
                let run = Run(dataset: source.name, arm: arm.description, seed: seed,
                              testError: 1 - result.lastEpoch.mean, validationError: nil, trainSeconds: seconds,
                              samplesPerSecond: trainedGraphs / max(seconds, 1e-9))
                runs.append(run)
                log(String(format: "[%d/%d] %@ seed %llu: %d-fold test error %.2f%% (last epoch; best-mean epoch %d: %.2f%%)",
                           runs.count, total, arm.description, seed, result.folds.count, 100 * run.testError,
                           result.bestMeanEpoch.epoch, 100 * (1 - result.bestMeanEpoch.mean)))
            }
        }
        return runs
    }
}
