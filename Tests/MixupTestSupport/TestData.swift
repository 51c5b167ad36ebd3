import MixupCore

/// Seeded random Float64 tensors for derivative checks, optionally kept away from a kink or a pole
/// (e.g. |x| ≥ margin for ReLU or 1/x), so finite differences never straddle one.
public struct TestData {
    /// The generator every tensor is drawn from; the same seed gives the same tensors.
    public var rng: SeededGenerator

    /// Test data whose draws are determined by `seed`.
    public init(seed: UInt64) { rng = SeededGenerator(seed: seed) }

    /// A tensor of `shape` uniform in `range`, redrawing any element with |v| < `margin`.
    public mutating func tensor(_ shape: [Int], in range: ClosedRange<Double> = -2...2,
                                awayFromZero margin: Double = 0) -> Tensor<Double> {
        let n = shape.reduce(1, *)
        var s = [Double]()
        for _ in 0..<n {
            var v: Double
            repeat { v = range.lowerBound + (range.upperBound - range.lowerBound) * rng.uniform() } while abs(v) < margin
            s.append(v)
        }
        return Tensor(shape: shape, scalars: s)
    }
}
