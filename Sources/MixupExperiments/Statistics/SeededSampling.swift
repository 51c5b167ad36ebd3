/// Seeded choices of sample subsets and partners, written here (Fisher–Yates with an unbiased
/// bounded draw) so results do not change with the standard library's shuffling algorithm.
public enum SeededSampling {
    /// A uniform integer in 0..<bound (bound > 0): Lemire's multiply-shift with rejection.
    public static func bounded<G: RandomNumberGenerator>(_ bound: Int, using rng: inout G) -> Int {
        precondition(bound > 0, "bounded draw needs a positive bound")
        let b = UInt64(bound)
        var product = rng.next().multipliedFullWidth(by: b)
        if product.low < b {
            let threshold = (0 &- b) % b
            while product.low < threshold { product = rng.next().multipliedFullWidth(by: b) }
        }
        return Int(product.high)
    }

    /// A uniformly random permutation of 0..<n (Fisher–Yates).
    public static func permutation<G: RandomNumberGenerator>(_ n: Int, using rng: inout G) -> [Int] {
        var p = Array(0..<n)
        var i = n - 1
        while i > 0 {
            let j = bounded(i + 1, using: &rng)
            p.swapAt(i, j)
            i -= 1
        }
        return p
    }

    /// `count` distinct indices from 0..<n (all of them, permuted, when count ≥ n), in random order.
    public static func subset<G: RandomNumberGenerator>(_ count: Int, of n: Int, using rng: inout G) -> [Int] {
        Array(permutation(n, using: &rng).prefix(max(0, count)))
    }
}
