import Foundation
import MixupCore
import MixupNN
import MixupTraining
import TabularData

/// A synthetic, learnable Float64/Float32 problem: classes are Gaussian blobs.
func blobs<S: TensorScalar>(n: Int, d: Int, classes: Int, seed: UInt64) -> ClassificationData<S> {
    var rng = SeededGenerator(seed: seed)
    let centers = (0..<classes).map { _ in (0..<d).map { _ in 2 * rng.normal() } }
    var x = [S](), y = [Int]()
    for i in 0..<n {
        let c = i % classes
        y.append(c)
        for k in 0..<d { x.append(S(centers[c][k] + rng.normal())) }
    }
    return ClassificationData(features: Tensor(shape: [n, d], scalars: x), labels: y, classCount: classes)
}

/// A configuration for quick tests.
func quickConfiguration(_ method: Method, epochs: Int = 2, seed: UInt64 = 1) -> TrainingConfiguration {
    var c = TrainingConfiguration()
    c.method = method
    c.epochs = epochs
    c.batchSize = 16
    c.seed = seed
    c.alpha = 0.5
    c.eta = 0.1
    return c
}

/// Converts a TabularData split into the trainer's type.
func classificationData(_ d: TabularDataset) -> ClassificationData<Float> {
    ClassificationData(features: Tensor(shape: [d.count, d.featureCount], scalars: d.features),
                       labels: d.labels, classCount: d.classNames.count)
}

/// A fresh, not yet created path under the temporary directory (a run directory creates it).
func temporaryDirectory() -> URL {
    FileManager.default.temporaryDirectory.appendingPathComponent("mixuplab-test-\(UUID().uuidString)")
}
