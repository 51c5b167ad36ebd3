/// Unbiased integer in `0..<upperBound` from `rng.next()` by Lemire's multiply-shift with rejection.
/// Written here (rather than `Int.random(in:using:)`) so seeded runs stay identical across Swift versions.
@inline(__always)
func boundedRandom<G: RandomNumberGenerator>(_ upperBound: UInt64, using rng: inout G) -> UInt64 {
    guard upperBound > 1 else { return 0 }
    var product = rng.next().multipliedFullWidth(by: upperBound)
    if product.low < upperBound {
        let threshold = (0 &- upperBound) % upperBound
        while product.low < threshold {
            product = rng.next().multipliedFullWidth(by: upperBound)
        }
    }
    return product.high
}

/// Uniform Double in [0, 1) from the top 53 bits of one `rng.next()` draw.
@inline(__always)
func unitRandom<G: RandomNumberGenerator>(using rng: inout G) -> Double {
    Double(rng.next() >> 11) * 0x1.0p-53
}
