import MixupCore

/// The paper's two losses, each with its link g (∂h = gᵀ in Theorem 1):
/// cross-entropy with g = softmax over classes, and the logistic loss with g = sigmoid.
public enum ClassificationLoss: String, CaseIterable, Codable, Sendable {
    /// l = logsumexp(z) − yᵀz for (soft) one-hot targets y ∈ Δ^D; logits `[N, D]`.
    case crossEntropy
    /// l = softplus(z) − y·z per output for binary targets y ∈ [0, 1]; logits `[N, D]`, usually D = 1.
    case logistic

    /// Mean loss over the batch. `targets` has the logits' shape (one-hot or mixed labels).
    public func callAsFunction<S: TensorScalar>(_ logits: Variable<S>, _ targets: Tensor<S>) -> Variable<S> {
        precondition(logits.shape == targets.shape, "loss: logits \(logits.shape) vs targets \(targets.shape)")
        switch self {
        case .crossEntropy:
            // One fused tape node: (Σ logsumexp(z_i) − Σ y⊙z)/N with pullback (softmax − y)/N.
            return logits.softmaxCrossEntropy(targets: targets)
        case .logistic:
            return (logits.softplus() - Variable(constant: targets) * logits).sum() / S(logits.shape[0])
        }
    }

    /// The link g: softmax over axis 1, or the elementwise sigmoid.
    public func link<S: TensorScalar>(_ logits: Variable<S>) -> Variable<S> {
        switch self {
        case .crossEntropy: return logits.softmax(alongAxis: 1)
        case .logistic: return logits.sigmoid()
        }
    }

    /// Number of logits a model needs for `classes` classes (one logistic output for 2 classes).
    public func outputCount(classes: Int) -> Int {
        self == .logistic && classes == 2 ? 1 : classes
    }

    /// Training targets for integer labels: one-hot rows, or the 0/1 label for a single logistic output.
    public func targets<S: TensorScalar>(_ labels: [Int], classes: Int) -> Tensor<S> {
        if outputCount(classes: classes) == 1 {
            return Tensor(shape: [labels.count, 1], scalars: labels.map { S($0) })
        }
        return oneHot(labels, classes: classes)
    }

    /// Per-sample predicted class (argmax over logits, or threshold 0 for one logistic output).
    public func predictions<S: TensorScalar>(_ logits: Tensor<S>) -> [Int] {
        let n = logits.shape[0], d = logits.count / max(n, 1)
        return (0..<n).map { i in
            let row = logits.scalars[(i * d)..<((i + 1) * d)]
            if self == .logistic && d == 1 { return row.first! > 0 ? 1 : 0 }
            return row.indices.max { row[$0] < row[$1] }! - i * d
        }
    }
}

/// One-hot rows `[labels.count, classes]` for integer labels.
@_specialize(where S == Float)
@_specialize(where S == Double)
public func oneHot<S: TensorScalar>(_ labels: [Int], classes: Int) -> Tensor<S> {
    var s = [S](repeating: 0, count: labels.count * classes)
    for (i, l) in labels.enumerated() {
        precondition(l >= 0 && l < classes, "label \(l) outside 0..<\(classes)")
        s[i * classes + l] = 1
    }
    return Tensor(shape: [labels.count, classes], scalars: s)
}
