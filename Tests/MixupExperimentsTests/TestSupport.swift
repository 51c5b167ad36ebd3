import Foundation
import MixupCore
import MixupNN

/// The project's seeded generator under a local name (tests pass it wherever randomness is needed).
typealias SeededGeneratorForTests = SeededGenerator

/// A fresh temporary directory for files a test writes.
func temporaryDirectory(_ name: String) throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("mixuplab-\(name)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// Random inputs `[n, d]` centred exactly on their column means (Float64), so E[x̄] = 0.
func centeredInputs(n: Int, d: Int, seed: UInt64) -> Tensor<Double> {
    var rng = SeededGenerator(seed: seed)
    var x = (0..<(n * d)).map { _ in rng.normal() }
    for j in 0..<d {
        let m = (0..<n).map { x[$0 * d + j] }.reduce(0, +) / Double(n)
        for i in 0..<n { x[i * d + j] -= m }
    }
    return Tensor(shape: [n, d], scalars: x)
}

/// One-hot rows for labels i mod classes.
func cyclicOneHot(n: Int, classes: Int) -> Tensor<Double> {
    oneHot((0..<n).map { $0 % classes }, classes: classes)
}
