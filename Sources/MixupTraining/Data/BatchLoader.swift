import MixupCore

/// Seeded mini-batches of a `ClassificationData`. The order of epoch e depends only on
/// (seed, e), so a run resumed at an epoch boundary sees exactly the batches it would have.
public struct BatchLoader<Scalar: TensorScalar> {
    /// The data being batched.
    public let data: ClassificationData<Scalar>
    /// Samples per batch (the last batch of an epoch may be smaller).
    public let batchSize: Int
    /// Base seed of the shuffles.
    public let seed: UInt64

    public init(data: ClassificationData<Scalar>, batchSize: Int, seed: UInt64) {
        precondition(batchSize > 0, "batch size must be positive")
        self.data = data
        self.batchSize = batchSize
        self.seed = seed
    }

    /// Batches per epoch.
    public var batchCount: Int { (data.count + batchSize - 1) / batchSize }

    /// The index lists of epoch `epoch`'s batches, in order.
    public func batches(epoch: Int) -> [[Int]] {
        var rng = SeededGenerator(seed: seed &+ UInt64(epoch) &* 0x9E37_79B9_7F4A_7C15)
        let order = rng.permutation(data.count)
        return stride(from: 0, to: order.count, by: batchSize).map { Array(order[$0..<min($0 + batchSize, order.count)]) }
    }
}
