/// What one epoch measured. Losses are means over the epoch's batches; accuracies are on the
/// clean sets, evaluated after the epoch.
public struct EpochMetrics: Codable, Equatable, Sendable {
    /// 1-based epoch number.
    public var epoch: Int
    /// Mean training objective L (the mixing loss; cross-entropy against ỹ).
    public var trainLoss: Double
    /// Mean penalty R (0 without a regularizer).
    public var penalty: Double
    /// Mean κ = |L|/|L + ηR| (1 without a regularizer).
    public var kappa: Double
    /// Clean training-set accuracy and loss.
    public var trainAccuracy: Double
    public var trainCleanLoss: Double
    public var validationAccuracy: Double?
    public var validationLoss: Double?
    public var testAccuracy: Double?
    public var testLoss: Double?
    /// Learning rate at the end of the epoch.
    public var learningRate: Double
    /// Wall time of the epoch's training steps (without evaluation), seconds.
    public var trainSeconds: Double
    /// Training throughput, samples per second.
    public var samplesPerSecond: Double
    /// Validation and test accuracy and loss of the weight average (`--ema`), nil without one.
    public var emaValidationAccuracy: Double? = nil
    public var emaValidationLoss: Double? = nil
    public var emaTestAccuracy: Double? = nil
    public var emaTestLoss: Double? = nil

    /// Column names of `metrics.csv`, in order.
    public static let csvColumns = ["epoch", "train_loss", "penalty", "kappa", "train_accuracy", "train_clean_loss",
                                    "validation_accuracy", "validation_loss", "test_accuracy", "test_loss",
                                    "learning_rate", "train_seconds", "samples_per_second",
                                    "ema_validation_accuracy", "ema_validation_loss", "ema_test_accuracy", "ema_test_loss"]

    /// One CSV row in `csvColumns` order (empty cells for absent sets).
    public var csvCells: [String] {
        func f(_ x: Double?) -> String { x.map { "\($0)" } ?? "" }
        return [String(epoch), f(trainLoss), f(penalty), f(kappa), f(trainAccuracy), f(trainCleanLoss),
                f(validationAccuracy), f(validationLoss), f(testAccuracy), f(testLoss), f(learningRate),
                f(trainSeconds), f(samplesPerSecond), f(emaValidationAccuracy), f(emaValidationLoss),
                f(emaTestAccuracy), f(emaTestLoss)]
    }
}
