/// Version-stable random draws built only on `RandomNumberGenerator.next()`: the same seed gives
/// the same numbers on every platform and Swift version (the standard library's `shuffle(using:)`
/// and `Int.random(in:using:)` make no such promise). Every module that splits, shuffles or
/// samples — the engine and each dataset adapter — uses these, so there is one implementation.
extension RandomNumberGenerator {
    /// Uniform in [0, 1) with 53 random bits.
    public mutating func uniform() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// Uniform in (0, 1]: safe to take the logarithm of.
    public mutating func uniformPositive() -> Double { Double((next() >> 11) + 1) * 0x1.0p-53 }

    /// An integer uniform in 0..<bound without modulo bias (Lemire's multiply-shift with rejection).
    public mutating func bounded(_ bound: Int) -> Int {
        precondition(bound > 0, "bounded(_:) needs a positive bound")
        let b = UInt64(bound)
        var m = next().multipliedFullWidth(by: b)
        if m.low < b {
            let threshold = (0 &- b) % b
            while m.low < threshold { m = next().multipliedFullWidth(by: b) }
        }
        return Int(m.high)
    }

    /// A uniformly random permutation of 0..<n (Fisher–Yates).
    public mutating func permutation(_ n: Int) -> [Int] {
        var p = Array(0..<n)
        shuffle(&p)
        return p
    }

    /// Shuffles `array` in place (Fisher–Yates with `bounded`).
    public mutating func shuffle<T>(_ array: inout [T]) {
        guard array.count > 1 else { return }
        for i in stride(from: array.count - 1, to: 0, by: -1) {
            array.swapAt(i, bounded(i + 1))
        }
    }
}
