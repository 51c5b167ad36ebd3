import Foundation

/// Counts of (true class, predicted class) pairs with per-class recall and precision, printed as
/// a table by `mixuplab evaluate` and written as CSV or JSON with `--out`.
public struct ConfusionMatrix: Equatable, Sendable {
    /// Class names in label order.
    public let classNames: [String]
    /// `counts[t][p]`: samples of true class t predicted as p.
    public let counts: [[Int]]

    /// Tallies `labels` against `predicted` (equal lengths, indices into `classNames`).
    public init(classNames: [String], labels: [Int], predicted: [Int]) {
        precondition(labels.count == predicted.count, "confusion matrix: \(labels.count) labels for \(predicted.count) predictions")
        var counts = [[Int]](repeating: [Int](repeating: 0, count: classNames.count), count: classNames.count)
        for (t, p) in zip(labels, predicted) { counts[t][p] += 1 }
        self.classNames = classNames
        self.counts = counts
    }

    /// Samples of class k (row sum).
    public func support(_ k: Int) -> Int { counts[k].reduce(0, +) }
    /// Share of class k's samples predicted as k (nil when the class has no samples).
    public func recall(_ k: Int) -> Double? { support(k) == 0 ? nil : Double(counts[k][k]) / Double(support(k)) }
    /// Share of predictions of k that are right (nil when k is never predicted).
    public func precision(_ k: Int) -> Double? {
        let predicted = counts.reduce(0) { $0 + $1[k] }
        return predicted == 0 ? nil : Double(counts[k][k]) / Double(predicted)
    }

    /// A fixed-width table: one row per true class, one column per predicted class, then support,
    /// recall and precision.
    public var table: String {
        let names = classNames
        let labelWidth = max(10, names.map(\.count).max() ?? 0)
        let cellWidth = max(6, names.map(\.count).max() ?? 0, String(counts.flatMap { $0 }.max() ?? 0).count) + 1
        func pad(_ s: String, _ w: Int, left: Bool = false) -> String {
            s.count >= w ? s : (left ? s + String(repeating: " ", count: w - s.count) : String(repeating: " ", count: w - s.count) + s)
        }
        func percent(_ v: Double?) -> String { v.map { String(format: "%.1f%%", 100 * $0) } ?? "-" }
        var lines = [pad("true \\ pred", labelWidth, left: true) + names.map { pad($0, cellWidth) }.joined()
                     + pad("n", 8) + pad("recall", 9) + pad("precision", 11)]
        for (k, name) in names.enumerated() {
            lines.append(pad(name, labelWidth, left: true) + counts[k].map { pad(String($0), cellWidth) }.joined()
                         + pad(String(support(k)), 8) + pad(percent(recall(k)), 9) + pad(percent(precision(k)), 11))
        }
        return lines.joined(separator: "\n")
    }

    /// CSV: `true,<predicted class…>` header, then one row per true class.
    public func csv() -> String {
        ([(["true"] + classNames).map(csvField).joined(separator: ",")]
            + classNames.enumerated().map { k, name in ([csvField(name)] + counts[k].map(String.init)).joined(separator: ",") })
            .joined(separator: "\n") + "\n"
    }
}
