import Foundation
import MixupCore
import MixupNN

/// A model's outputs on labelled inputs: per-sample logits, class probabilities, predicted class
/// and per-sample loss, from which `evaluate` reports accuracy, mean loss and the confusion matrix.
public struct Predictions {
    /// Class names; label and prediction k mean `classNames[k]`.
    public let classNames: [String]
    /// Logits per sample (`outputs` values each).
    public let logits: [[Float]]
    /// Probability of each class per sample (softmax, or sigmoid for one logistic output).
    public let probabilities: [[Double]]
    /// Predicted class per sample.
    public let predicted: [Int]
    /// True class per sample.
    public let labels: [Int]
    /// Loss of each sample under the training loss.
    public let losses: [Double]
    /// Where each sample came from.
    public let sampleNames: [String]

    /// Scores `inputs` with `model` (logits in evaluation mode, then probabilities, predictions and losses).
    public init(model: CheckpointedModel, inputs: LabelledInputs) throws {
        let manifest = model.manifest
        guard inputs.count > 0 else { throw ExperimentError("\(inputs.source): no samples to score") }
        let logitTensor = try model.logits(for: inputs)
        let d = manifest.outputCount, classes = manifest.classNames.count
        if let bad = inputs.labels.first(where: { $0 < 0 || $0 >= classes }) {
            throw ExperimentError("\(inputs.source): label \(bad) is outside the checkpoint's \(classes) classes")
        }
        let rows = (0..<inputs.count).map { Array(logitTensor.scalars[($0 * d)..<(($0 + 1) * d)]) }
        guard rows.allSatisfy({ $0.allSatisfy(\.isFinite) }) else {
            throw ExperimentError("\(inputs.source): the model produced non-finite logits")
        }
        classNames = manifest.classNames
        logits = rows
        labels = inputs.labels
        sampleNames = inputs.sampleNames
        predicted = manifest.loss.predictions(logitTensor)
        probabilities = rows.map { Self.probabilities($0.map(Double.init), loss: manifest.loss, classes: classes) }
        losses = zip(rows, inputs.labels).map { Self.loss($0.map(Double.init), label: $1, loss: manifest.loss) }
    }

    /// Number of samples.
    public var count: Int { labels.count }
    /// Share of samples whose predicted class is the true one.
    public var accuracy: Double { count == 0 ? .nan : Double(zip(predicted, labels).filter { $0 == $1 }.count) / Double(count) }
    /// Mean per-sample loss.
    public var meanLoss: Double { count == 0 ? .nan : losses.reduce(0, +) / Double(count) }
    /// Counts of (true, predicted) pairs.
    public var confusion: ConfusionMatrix { ConfusionMatrix(classNames: classNames, labels: labels, predicted: predicted) }

    private static func probabilities(_ z: [Double], loss: ClassificationLoss, classes: Int) -> [Double] {
        switch loss {
        case .crossEntropy:
            let m = z.max() ?? 0, e = z.map { Foundation.exp($0 - m) }, s = e.reduce(0, +)
            return e.map { $0 / s }
        case .logistic:
            if z.count == 1 && classes == 2 {
                let p = 1 / (1 + Foundation.exp(-z[0]))
                return [1 - p, p]
            }
            return z.map { 1 / (1 + Foundation.exp(-$0)) }
        }
    }

    /// The loss of one sample, as `ClassificationLoss` computes it for a batch of one (in Float64).
    private static func loss(_ z: [Double], label: Int, loss: ClassificationLoss) -> Double {
        func softplus(_ x: Double) -> Double { max(x, 0) + Foundation.log1p(Foundation.exp(-abs(x))) }
        switch loss {
        case .crossEntropy:
            let m = z.max() ?? 0
            return m + Foundation.log(z.map { Foundation.exp($0 - m) }.reduce(0, +)) - z[label]
        case .logistic:
            if z.count == 1 { return softplus(z[0]) - Double(label) * z[0] }
            return z.enumerated().map { k, v in softplus(v) - (k == label ? v : 0) }.reduce(0, +)
        }
    }

    /// The predictions as CSV: `sample,true,true_index,predicted,predicted_index,correct,loss`, then
    /// `logit_<class>` and `prob_<class>` columns (one logit column `logit` for a single logistic output).
    public func csv() -> String {
        let logitNames = logits.first.map { $0.count == classNames.count ? classNames.map { "logit_\($0)" } : ["logit"] }
            ?? classNames.map { "logit_\($0)" }
        let header = ["sample", "true", "true_index", "predicted", "predicted_index", "correct", "loss"] + logitNames
            + classNames.map { "prob_\($0)" }
        var lines = [header.map(csvField).joined(separator: ",")]
        for i in 0..<count {
            let fields = [sampleNames[i], classNames[labels[i]], String(labels[i]), classNames[predicted[i]], String(predicted[i]),
                          labels[i] == predicted[i] ? "1" : "0", "\(losses[i])"]
                + logits[i].map { "\($0)" } + probabilities[i].map { "\($0)" }
            lines.append(fields.map(csvField).joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

/// A CSV field, quoted (RFC 4180) when it holds a comma, quote or line break.
func csvField(_ s: String) -> String {
    guard s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return s }
    return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
}
