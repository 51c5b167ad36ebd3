/// A preprocessed split ready for training: a row-major `count × featureCount` Float matrix and class labels.
public struct TabularDataset: Sendable {
    /// Row-major features, `count × featureCount` (one-hot encoded, missing values filled, standardized).
    public var features: [Float]
    /// Class index of each row, into `classNames`.
    public var labels: [Int]
    /// Number of features per row (after one-hot encoding).
    public var featureCount: Int
    /// Class names; the same list (and order) in every split.
    public var classNames: [String]
    /// Name of each feature: the column name, or `column=value` for a one-hot feature.
    public var featureNames: [String]

    /// Creates a dataset, checking that the shapes agree and the labels are in range.
    public init(features: [Float], labels: [Int], featureCount: Int, classNames: [String],
                featureNames: [String]) throws {
        guard featureCount >= 0, features.count == labels.count * featureCount, featureNames.count == featureCount else {
            throw TabularDataError(file: "dataset", "\(features.count) feature values, \(labels.count) labels, \(featureCount) features per row and \(featureNames.count) feature names do not agree")
        }
        if let bad = labels.first(where: { $0 < 0 || $0 >= classNames.count }) {
            throw TabularDataError(file: "dataset", "label \(bad) is outside 0..<\(classNames.count)")
        }
        self.init(validatedFeatures: features, labels: labels, featureCount: featureCount, classNames: classNames,
                  featureNames: featureNames)
    }

    init(validatedFeatures features: [Float], labels: [Int], featureCount: Int, classNames: [String],
         featureNames: [String]) {
        self.features = features
        self.labels = labels
        self.featureCount = featureCount
        self.classNames = classNames
        self.featureNames = featureNames
    }

    /// Number of rows.
    public var count: Int { labels.count }

    /// Number of rows of each class, indexed like `classNames`.
    public var classCounts: [Int] {
        var counts = [Int](repeating: 0, count: classNames.count)
        for y in labels { counts[y] += 1 }
        return counts
    }

    /// Per-feature mean over the rows (E[x̄] for the MixupE regularizer), computed in Double.
    public var featureMeans: [Float] {
        var sums = [Double](repeating: 0, count: featureCount)
        guard count > 0 else { return sums.map { Float($0) } }
        features.withUnsafeBufferPointer { x in
            sums.withUnsafeMutableBufferPointer { s in
                for r in 0..<count {
                    let base = r * featureCount
                    for j in 0..<featureCount { s[j] += Double(x[base + j]) }
                }
            }
        }
        return sums.map { Float($0 / Double(count)) }
    }
}

/// The three preprocessed splits plus the fitted encoder (training statistics) that produced them.
public struct TabularSplits: Sendable {
    /// Training rows; the encoder's statistics come from these only.
    public var train: TabularDataset
    /// Validation rows (may be empty when the validation fraction is 0).
    public var validation: TabularDataset
    /// Test rows (held out of the training split or read from a separate test file).
    public var test: TabularDataset
    /// Fill values, means and scales fitted on the training rows.
    public var encoder: FeatureEncoder
}
