/// Version-stable random draws for splitting: Lemire's unbiased bounded integer and a Fisher–Yates shuffle,
/// both built only on `RandomNumberGenerator.next()` so a seed gives the same split on every Swift version.
public enum SeededShuffle {
    /// A uniform integer in `0..<bound` (`bound` > 0) by Lemire's multiply-shift with rejection (no modulo bias).
    public static func boundedIndex(_ bound: Int, using rng: inout some RandomNumberGenerator) -> Int {
        guard bound > 1 else { return 0 }
        let range = UInt64(bound)
        var product = rng.next().multipliedFullWidth(by: range)
        if product.low < range {
            let threshold = (0 &- range) % range
            while product.low < threshold {
                product = rng.next().multipliedFullWidth(by: range)
            }
        }
        return Int(product.high)
    }

    /// Shuffles `values` in place (Fisher–Yates, last position first).
    public static func shuffle<T>(_ values: inout [T], using rng: inout some RandomNumberGenerator) {
        var i = values.count - 1
        while i > 0 {
            let j = boundedIndex(i + 1, using: &rng)
            if i != j { values.swapAt(i, j) }
            i -= 1
        }
    }
}
