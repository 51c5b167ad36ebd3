import Foundation
import MixupCore
import MixupNN
import MixupTraining

/// The ablation of the paper's Table 7 on any dataset: arms (ERM, Mixup, ERM+R, MixupE) ×
/// seeds, the same configuration otherwise, reporting test error at the last epoch.
public struct Ablation {
    /// The shared configuration; `method` and `seed` are set per run.
    public var configuration: TrainingConfiguration
    /// The arms to run.
    public var methods: [Method] = Method.allCases
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
        public var method: Method
        public var seed: UInt64
        public var testError: Double
        public var validationError: Double
        public var trainSeconds: Double
        public var samplesPerSecond: Double
    }

    /// Runs every arm for every seed on `data`.
    public func run(on data: LoadedSplits) throws -> [Run] {
        var runs: [Run] = []
        let total = methods.count * seeds.count
        for method in methods {
            for seed in seeds {
                var config = configuration
                config.method = method
                config.seed = seed
                let network = try model.make(inputShape: data.train.sampleShape,
                                             outputs: config.loss.outputCount(classes: data.train.classCount), seed: seed)
                let directory = try outputDirectory.map {
                    try RunDirectory($0.appendingPathComponent("\(data.name)-\(method.rawValue)-seed\(seed)"))
                }
                let history = try Self.train(network, config: config, data: data, directory: directory)
                let last = history.last!
                let seconds = history.map(\.trainSeconds).reduce(0, +)
                let run = Run(dataset: data.name, method: method, seed: seed,
                              testError: 1 - (last.testAccuracy ?? 0), validationError: 1 - (last.validationAccuracy ?? 0),
                              trainSeconds: seconds,
                              samplesPerSecond: Double(data.train.count * history.count) / max(seconds, 1e-9))
                runs.append(run)
                log(String(format: "[%d/%d] %@ seed %llu: test error %.2f%%, %.0f samples/s",
                           runs.count, total, method.rawValue, seed, 100 * run.testError, run.samplesPerSecond))
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
        var lines = ["| dataset | method | test error (%) | validation error (%) | seeds | samples/s |",
                     "|---|---|---|---|---|---|"]
        for dataset in unique(runs.map(\.dataset)) {
            for method in Method.allCases {
                let group = runs.filter { $0.dataset == dataset && $0.method == method }
                guard !group.isEmpty else { continue }
                let test = meanStd(group.map { 100 * $0.testError }), val = meanStd(group.map { 100 * $0.validationError })
                let speed = group.map(\.samplesPerSecond).reduce(0, +) / Double(group.count)
                lines.append(String(format: "| %@ | %@ | %.2f ± %.2f | %.2f ± %.2f | %d | %.0f |", dataset, method.rawValue,
                                    test.mean, test.std, val.mean, val.std, group.count, speed))
            }
        }
        return lines.joined(separator: "\n")
    }

    /// CSV with one line per run.
    public static func csv(_ runs: [Ablation.Run]) -> String {
        (["dataset,method,seed,test_error,validation_error,train_seconds,samples_per_second"] + runs.map {
            "\($0.dataset),\($0.method.rawValue),\($0.seed),\($0.testError),\($0.validationError),\($0.trainSeconds),\($0.samplesPerSecond)"
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
