/// The shares of rows that go to the training, validation and test splits.
///
/// The default is 70 % / 15 % / 15 % (the paper gives no ratio for its UCI experiments; this is a common choice
/// that leaves a validation set for choosing α and η, as §3.2 does).
public struct SplitFractions: Equatable, Sendable {
    /// Share of rows for training (> 0).
    public var train: Double
    /// Share of rows for validation (≥ 0).
    public var validation: Double
    /// Share of rows for testing (≥ 0).
    public var test: Double

    /// 0.7 / 0.15 / 0.15.
    public static let standard = SplitFractions(uncheckedTrain: 0.7, validation: 0.15, test: 0.15)

    /// Creates fractions, rejecting negative or non-finite shares, a zero training share, or a sum other than 1.
    public init(train: Double, validation: Double, test: Double) throws {
        for (name, v) in [("train", train), ("validation", validation), ("test", test)] where !(v.isFinite && v >= 0) {
            throw TabularDataError(file: "split fractions", "\(name) fraction \(v) is not a finite non-negative number")
        }
        guard train > 0 else { throw TabularDataError(file: "split fractions", "the train fraction must be positive") }
        guard abs(train + validation + test - 1) < 1e-9 else {
            throw TabularDataError(file: "split fractions", "fractions \(train) + \(validation) + \(test) do not sum to 1")
        }
        self.init(uncheckedTrain: train, validation: validation, test: test)
    }

    private init(uncheckedTrain train: Double, validation: Double, test: Double) {
        self.train = train
        self.validation = validation
        self.test = test
    }
}
