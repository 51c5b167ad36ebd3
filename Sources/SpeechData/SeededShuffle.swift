/// Version-stable randomness for splits: Fisher–Yates driven by `rng.next()` with Lemire's unbiased bounded draw,
/// instead of the standard library's `shuffle(using:)`, whose algorithm may change between Swift versions.
enum SeededShuffle {
    /// Uniform integer in 0..<bound (bound ≥ 1) by multiply-shift with rejection (Lemire 2019).
    static func bounded<G: RandomNumberGenerator>(_ bound: UInt64, using rng: inout G) -> UInt64 {
        var m = rng.next().multipliedFullWidth(by: bound)
        if m.low < bound {
            let threshold = (0 &- bound) % bound
            while m.low < threshold { m = rng.next().multipliedFullWidth(by: bound) }
        }
        return m.high
    }

    /// Shuffles `a` in place (Fisher–Yates, from the back).
    static func shuffle<T, G: RandomNumberGenerator>(_ a: inout [T], using rng: inout G) {
        var i = a.count - 1
        while i > 0 {
            let j = Int(bounded(UInt64(i + 1), using: &rng))
            a.swapAt(i, j)
            i -= 1
        }
    }
}
