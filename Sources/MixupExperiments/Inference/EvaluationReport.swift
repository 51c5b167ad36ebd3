import Foundation

/// What `mixuplab evaluate` reports for a checkpoint on some data: sample count, accuracy, mean
/// loss and the confusion matrix; written as JSON with `--out FILE.json`.
public struct EvaluationReport: Codable, Sendable {
    /// The checkpoint file.
    public var checkpoint: String
    /// The data that was scored.
    public var data: String
    /// Number of samples.
    public var samples: Int
    /// Share of correct predictions.
    public var accuracy: Double
    /// Mean loss under the training loss.
    public var meanLoss: Double
    /// The training loss's name.
    public var loss: String
    /// Class names in label order.
    public var classNames: [String]
    /// `confusion[t][p]`: samples of true class t predicted as p.
    public var confusion: [[Int]]

    /// The report of `predictions` of `checkpoint` on `data`.
    public init(checkpoint: String, data: String, loss: String, predictions: Predictions) {
        self.checkpoint = checkpoint
        self.data = data
        samples = predictions.count
        accuracy = predictions.accuracy
        meanLoss = predictions.meanLoss
        self.loss = loss
        classNames = predictions.classNames
        confusion = predictions.confusion.counts
    }

    /// Key-sorted, pretty-printed JSON.
    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        return String(decoding: try encoder.encode(self), as: UTF8.self) + "\n"
    }
}
