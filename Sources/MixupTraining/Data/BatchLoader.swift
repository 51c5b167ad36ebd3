import MixupCore

/// Seeded mini-batches over `count` examples. The order of epoch e depends only on
/// (seed, e), so a run resumed at an epoch boundary sees exactly the batches it would have.
public struct BatchLoader: Sendable {
    /// Number of examples batched (indices `0..<count`).
    public let count: Int
    /// Samples per batch (the last batch of an epoch may be smaller).
    public let batchSize: Int
    /// Base seed of the shuffles.
    public let seed: UInt64

    /// Batches of `count` examples.
    public init(count: Int, batchSize: Int, seed: UInt64) {
        precondition(batchSize > 0, "batch size must be positive")
        self.count = count
        self.batchSize = batchSize
        self.seed = seed
    }

    /// Batches of the samples of `data`.
    public init<S: TensorScalar>(data: ClassificationData<S>, batchSize: Int, seed: UInt64) {
        self.init(count: data.count, batchSize: batchSize, seed: seed)
    }

    /// Batches per epoch.
    public var batchCount: Int { (count + batchSize - 1) / batchSize }

    /// The index lists of epoch `epoch`'s batches, in order.
    public func batches(epoch: Int) -> [[Int]] {
        var rng = SeededGenerator(seed: seed &+ UInt64(epoch) &* 0x9E37_79B9_7F4A_7C15)
        let order = rng.permutation(count)
        return stride(from: 0, to: order.count, by: batchSize).map { Array(order[$0..<min($0 + batchSize, order.count)]) }
    }
}
