/// Version-stable random draws for data splitting: an unbiased bounded integer (Lemire's multiply-shift with
/// rejection) and a Fisher–Yates shuffle built on it, so the same seed gives the same folds on every Swift version.
public enum SeededShuffle {
    /// A uniform integer in `0..<bound` (`bound > 0`) from 64-bit words of `generator`, without modulo bias.
    public static func uniform(below bound: UInt64, using generator: inout some RandomNumberGenerator) -> UInt64 {
        precondition(bound > 0, "bound must be positive")
        var product = generator.next().multipliedFullWidth(by: bound)
        if product.low < bound {
            let threshold = (0 &- bound) % bound
            while product.low < threshold {
                product = generator.next().multipliedFullWidth(by: bound)
            }
        }
        return product.high
    }

    /// Shuffles `values` in place with Fisher–Yates (from the last position down) using `uniform(below:using:)`.
    public static func shuffle<T>(_ values: inout [T], using generator: inout some RandomNumberGenerator) {
        var index = values.count - 1
        while index > 0 {
            let other = Int(uniform(below: UInt64(index + 1), using: &generator))
            values.swapAt(index, other)
            index -= 1
        }
    }
}
