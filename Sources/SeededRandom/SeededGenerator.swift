/// A seeded, portable pseudo-random generator (xoshiro256**, seeded through SplitMix64).
///
/// Every random choice in MixupLab — initialisation, shuffling, λ draws, splits — goes through
/// this type, with algorithms written here rather than the standard library's, so the same
/// seed gives the same numbers on every platform and Swift version. It lives in `SeededRandom`
/// (re-exported by `MixupCore`) so dataset adapters can take it without depending on the engine.
public struct SeededGenerator: RandomNumberGenerator, Codable, Sendable, Equatable {
    private var state: (UInt64, UInt64, UInt64, UInt64)

    /// A generator whose whole stream is determined by `seed`.
    public init(seed: UInt64) {
        var words = SplitMix64(seed: seed)
        state = (words.next(), words.next(), words.next(), words.next())
    }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        let result = rotl(state.1 &* 5, 7) &* 9
        let t = state.1 << 17
        state.2 ^= state.0; state.3 ^= state.1; state.1 ^= state.2; state.0 ^= state.3
        state.2 ^= t
        state.3 = rotl(state.3, 45)
        return result
    }

    /// An independent generator for a sub-task (e.g. one per epoch or per data loader),
    /// derived deterministically from this one's next output and `stream`.
    public mutating func split(stream: UInt64 = 0) -> SeededGenerator {
        SeededGenerator(seed: next() ^ (stream &* 0xD1B5_4A32_D192_ED03))
    }

    @inline(__always) private func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    /// Two generators are equal when they will produce the same stream.
    public static func == (a: SeededGenerator, b: SeededGenerator) -> Bool { a.state == b.state }

    private enum CodingKeys: String, CodingKey { case state }
    /// Restores a generator from its four state words (an all-zero state would emit only zeros, so it is rejected).
    public init(from decoder: Decoder) throws {
        let words = try decoder.container(keyedBy: CodingKeys.self).decode([UInt64].self, forKey: .state)
        guard words.count == 4, words.contains(where: { $0 != 0 }) else {
            throw DecodingError.dataCorrupted(.init(codingPath: [CodingKeys.state],
                                                    debugDescription: "generator state must be 4 words, not all zero"))
        }
        state = (words[0], words[1], words[2], words[3])
    }
    /// Saves the four state words, so a checkpoint resumes the exact stream.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode([state.0, state.1, state.2, state.3], forKey: .state)
    }
}
