import MixupCore

/// A labelled classification set as the trainer sees it: a features tensor `[N, …]` and
/// integer labels. Dataset adapters convert their formats into this; the trainer never
/// knows where the data came from.
public struct ClassificationData<Scalar: TensorScalar> {
    /// `[N, …]`: one row per sample.
    public var features: Tensor<Scalar>
    /// Class index per sample, in 0..<classCount.
    public var labels: [Int]
    /// Number of classes.
    public var classCount: Int

    /// Checks that labels and rows agree.
    public init(features: Tensor<Scalar>, labels: [Int], classCount: Int) {
        precondition(features.rank >= 2 && features.shape[0] == labels.count,
                     "features \(features.shape) and \(labels.count) labels disagree")
        precondition(labels.allSatisfy { $0 >= 0 && $0 < classCount }, "labels must lie in 0..<\(classCount)")
        self.features = features
        self.labels = labels
        self.classCount = classCount
    }

    /// Number of samples.
    public var count: Int { labels.count }
    /// Shape of one sample.
    public var sampleShape: [Int] { Array(features.shape.dropFirst()) }

    /// The samples at `indices`.
    public func subset(_ indices: [Int]) -> ClassificationData {
        ClassificationData(features: features.gathering(rows: indices), labels: indices.map { labels[$0] },
                           classCount: classCount)
    }

    /// E_{x̄~D_X}[x̄]: the mean sample, the target of Theorem 1's direction.
    public var mean: Tensor<Scalar> {
        (features.sum(alongAxis: 0) * (1 / Scalar(max(count, 1)))).reshaped(sampleShape)
    }
}
