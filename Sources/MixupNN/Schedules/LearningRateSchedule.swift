import RealModule

/// How the learning rate evolves over training, evaluated at a fractional epoch.
public enum LearningRateSchedule: Codable, Equatable, Sendable {
    /// The base rate throughout.
    case constant
    /// Multiply by `factor` at each listed epoch (the paper's images: ×0.1 at 100 and 150).
    case stepDecay(epochs: [Int], factor: Double)
    /// Linear warm-up from 0 over `warmupEpochs`, then cosine decay to `minimumFactor`·base at the end.
    case warmupCosine(warmupEpochs: Double, totalEpochs: Double, minimumFactor: Double)

    /// The learning rate at `epoch` (fractional: epoch e, step s of n is e + s/n), given `base`.
    public func rate(base: Double, epoch: Double) -> Double {
        switch self {
        case .constant:
            return base
        case let .stepDecay(epochs, factor):
            return base * Double.pow(factor, Double(epochs.filter { Double($0) <= epoch }.count))
        case let .warmupCosine(warmup, total, minimum):
            if epoch < warmup { return base * epoch / warmup }
            let progress = min(1, (epoch - warmup) / max(total - warmup, 1e-12))
            return base * (minimum + (1 - minimum) * 0.5 * (1 + Double.cos(Double.pi * progress)))
        }
    }
}
