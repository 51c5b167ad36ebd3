import Foundation
import MixupTraining

/// One run of an expanded grid: where it sits in the grid, its stable id and its `train` arguments
/// (without `--run-dir` and `--threads`, which the worker adds).
public struct SweepRun: Codable, Equatable, Sendable {
    /// Position in the expansion (the Slurm array works on these).
    public var index: Int
    /// The dataset's name in the grid.
    public var dataset: String
    /// The arm's name in the grid.
    public var arm: String
    /// The arm's method.
    public var method: Method
    /// α, nil for arms that do not use it (ERM).
    public var alpha: Double?
    /// η, nil for arms without a penalty.
    public var eta: Double?
    /// Seed of initialisation, shuffling and λ draws.
    public var seed: UInt64
    /// `mixuplab train` arguments.
    public var arguments: [String]

    /// A run from its parts.
    public init(index: Int, dataset: String, arm: String, method: Method, alpha: Double?, eta: Double?, seed: UInt64,
                arguments: [String]) {
        self.index = index
        self.dataset = dataset
        self.arm = arm
        self.method = method
        self.alpha = alpha
        self.eta = eta
        self.seed = seed
        self.arguments = arguments
    }

    /// The hyperparameter part of the id: `a0.2-e0.01`, `a0.2` (Mixup), nil (ERM).
    public var setting: String? {
        let parts = [alpha.map { "a" + SweepGrid.label($0) }, eta.map { "e" + SweepGrid.label($0) }].compactMap { $0 }
        return parts.isEmpty ? nil : parts.joined(separator: "-")
    }

    /// Readable, stable id and relative run directory: `cmc/mixupe/a0.2-e0.01/s3`, `cmc/erm/s3`.
    public var id: String { [dataset, arm, setting, "s\(seed)"].compactMap { $0 }.joined(separator: "/") }
}
