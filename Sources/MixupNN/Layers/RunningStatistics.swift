import MixupCore

/// Batch norm's running mean and variance — state, not parameters: optimizers never see it,
/// and it changes only in training mode (exponential moving average, PyTorch's convention:
/// r ← (1 − momentum)·r + momentum·batch, with the unbiased batch variance).
public final class RunningStatistics<Scalar: TensorScalar> {
    /// Per-channel running mean `[C]` (starts at 0).
    public private(set) var mean: Tensor<Scalar>
    /// Per-channel running variance `[C]` (starts at 1).
    public private(set) var variance: Tensor<Scalar>
    /// Weight of the newest batch in the moving average.
    public var momentum: Scalar
    /// Number of batches folded in so far.
    public private(set) var batchesTracked: Int = 0

    /// Fresh statistics for `channels` channels.
    public init(channels: Int, momentum: Scalar = 0.1) {
        mean = Tensor(zeros: [channels])
        variance = Tensor(repeating: 1, shape: [channels])
        self.momentum = momentum
    }

    /// Folds one batch `[N, C, …]` into the averages.
    public func update(with batch: Tensor<Scalar>) {
        let (m, v) = batch.channelStatistics()
        mean = mean * (1 - momentum) + m * momentum
        variance = variance * (1 - momentum) + v * momentum
        batchesTracked += 1
    }

    /// Replaces the statistics (checkpoint loading); shapes must match.
    public func load(mean: Tensor<Scalar>, variance: Tensor<Scalar>) {
        precondition(mean.shape == self.mean.shape && variance.shape == self.variance.shape,
                     "running statistics shape \(mean.shape)/\(variance.shape) ≠ \(self.mean.shape)")
        self.mean = mean
        self.variance = variance
    }
}
