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

extension SweepRun {
    private enum CodingKeys: String, CodingKey { case index, id, dataset, arm, method, alpha, eta, seed, arguments }

    /// Reads a run from `sweep.json` (its `id` is derived, not read).
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(index: try c.decode(Int.self, forKey: .index), dataset: try c.decode(String.self, forKey: .dataset),
                  arm: try c.decode(String.self, forKey: .arm), method: try c.decode(Method.self, forKey: .method),
                  alpha: try c.decodeIfPresent(Double.self, forKey: .alpha), eta: try c.decodeIfPresent(Double.self, forKey: .eta),
                  seed: try c.decode(UInt64.self, forKey: .seed), arguments: try c.decode([String].self, forKey: .arguments))
    }

    /// Writes the run with its `id`, so `sweep.json` reads as a list of run directories.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(index, forKey: .index)
        try c.encode(id, forKey: .id)
        try c.encode(dataset, forKey: .dataset)
        try c.encode(arm, forKey: .arm)
        try c.encode(method, forKey: .method)
        try c.encodeIfPresent(alpha, forKey: .alpha)
        try c.encodeIfPresent(eta, forKey: .eta)
        try c.encode(seed, forKey: .seed)
        try c.encode(arguments, forKey: .arguments)
    }
}
