/// SplitMix64 (Steele, Lea & Flood, 2014): a 64-bit counter passed through a bit mixer.
///
/// It expands one seed into `SeededGenerator`'s four state words, and on its own is a tiny
/// seeded generator for tests and fixtures whose expected values were recorded with it.
public struct SplitMix64: RandomNumberGenerator, Sendable, Equatable {
    /// The counter; each draw adds the golden-ratio increment 0x9E37_79B9_7F4A_7C15.
    private var state: UInt64

    /// A generator whose stream is determined by `seed` (the first output mixes `seed + increment`).
    public init(seed: UInt64) { state = seed }

    /// The next 64 mixed bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
