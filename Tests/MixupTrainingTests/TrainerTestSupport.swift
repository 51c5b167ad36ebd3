import Foundation
import MixupCore
import MixupNN
import MixupTraining
import TabularData
import XCTest

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

/// `../shared/data/<relative>` from the package root, failing clearly when it is absent.
func sharedData(_ relative: String, file: StaticString = #filePath, line: UInt = #line) throws -> URL {
    let root = URL(fileURLWithPath: "\(file)").deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let url = root.deletingLastPathComponent().appendingPathComponent("shared/data/\(relative)")
    guard FileManager.default.fileExists(atPath: url.path) else {
        XCTFail("missing real data file \(url.path) (expected ../shared/data beside the project)", file: file, line: line)
        throw XCTSkip("missing \(url.path)")
    }
    return url
}

/// Converts a TabularData split into the trainer's type.
func classificationData(_ d: TabularDataset) -> ClassificationData<Float> {
    ClassificationData(features: Tensor(shape: [d.count, d.featureCount], scalars: d.features),
                       labels: d.labels, classCount: d.classNames.count)
}

func temporaryDirectory() -> URL {
    FileManager.default.temporaryDirectory.appendingPathComponent("mixuplab-test-\(UUID().uuidString)")
}
