/// Which part of an image or speech dataset's files `evaluate` and `predict` read (a tabular
/// `--data` file is always read whole).
public enum InferenceSplit: String, CaseIterable, Codable, Sendable {
    /// The dataset's test files (IDX/CIFAR test set, FSDD recordings 0–4, Speech Commands' testing list).
    case test
    /// Every file that is not a test file (training and validation together).
    case train
    /// Every file.
    case all
}
