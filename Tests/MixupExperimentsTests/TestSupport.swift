import MixupCore
import MixupNN

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
