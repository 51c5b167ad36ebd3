import MixupCore
import XCTest

/// The seeded generator and the distributions Mixup draws from.
final class SamplingTests: XCTestCase {
    func testBetaMeanAndVarianceMatchTheory() {
        var rng = SeededGenerator(seed: 2024)
        for (a, b) in [(0.2, 0.2), (1.0, 1.0), (2.0, 5.0), (0.5, 3.0), (5.0, 5.0)] {
            let n = 100_000
            var sum = 0.0, sumSq = 0.0
            for _ in 0..<n { let x = rng.beta(a, b); sum += x; sumSq += x * x }
            let mean = sum / Double(n), variance = sumSq / Double(n) - mean * mean
            let theoryMean = a / (a + b), theoryVar = a * b / ((a + b) * (a + b) * (a + b + 1))
            XCTAssertEqual(mean, theoryMean, accuracy: 0.01 * theoryMean, "Beta(\(a), \(b)) mean")
            XCTAssertEqual(variance, theoryVar, accuracy: 0.01 * theoryVar, "Beta(\(a), \(b)) variance")
        }
    }

    func testBetaWithTinyAlphaStaysInUnitIntervalWithoutNaN() {
        var rng = SeededGenerator(seed: 1)
        var sum = 0.0
        for _ in 0..<20_000 {
            let x = rng.beta(0.01, 0.01)
            XCTAssertTrue(x >= 0 && x <= 1, "Beta(0.01, 0.01) drew \(x)")
            sum += x
        }
        // Symmetric: mean 1/2 (sd of the mean ≈ 0.5/√20000 ≈ 0.0035).
        XCTAssertEqual(sum / 20_000, 0.5, accuracy: 0.02)
    }

    func testGammaMeanMatchesShape() {
        var rng = SeededGenerator(seed: 5)
        for shape in [0.3, 1.0, 4.5] {
            var sum = 0.0
            for _ in 0..<100_000 { sum += rng.gamma(shape: shape) }
            XCTAssertEqual(sum / 100_000, shape, accuracy: 0.01 * shape, "Gamma(\(shape)) mean")
        }
    }

    func testNormalHasZeroMeanAndUnitVariance() {
        var rng = SeededGenerator(seed: 8)
        var sum = 0.0, sumSq = 0.0
        for _ in 0..<100_000 { let x = rng.normal(); sum += x; sumSq += x * x }
        XCTAssertEqual(sum / 100_000, 0, accuracy: 0.01)
        XCTAssertEqual(sumSq / 100_000, 1, accuracy: 0.01)
    }

    func testSameSeedGivesSameStreamAndDifferentSeedsDiffer() {
        var a = SeededGenerator(seed: 42), b = SeededGenerator(seed: 42), c = SeededGenerator(seed: 43)
        let sa = (0..<5).map { _ in a.next() }, sb = (0..<5).map { _ in b.next() }, sc = (0..<5).map { _ in c.next() }
        XCTAssertEqual(sa, sb)
        XCTAssertNotEqual(sa, sc)
    }

    /// Pins the streams every seeded result depends on, so moving or refactoring the generators
    /// cannot silently change a recorded experiment. Expected words: an independent Python
    /// xoshiro256** / SplitMix64, and Vigna's published SplitMix64 vector for seed 1234567.
    func testSeededGeneratorAndSplitMix64StreamsArePinned() {
        var rng = SeededGenerator(seed: 42)
        XCTAssertEqual((0..<4).map { _ in rng.next() },
                       [0x1578_0B2E_0C2E_C716, 0x6104_D986_6D11_3A7E, 0xAE17_5332_39E4_99A1, 0xECB8_AD47_03B3_60A1])
        var zero = SeededGenerator(seed: 0)
        XCTAssertEqual((0..<2).map { _ in zero.next() }, [0x99EC_5F36_CB75_F2B4, 0xBF6E_1F78_4956_452A])
        var parent = SeededGenerator(seed: 42)
        var child = parent.split(stream: 3)
        XCTAssertEqual(child.next(), 0xE4D3_657B_FEED_17D8)
        XCTAssertEqual(parent.next(), 0x6104_D986_6D11_3A7E, "split consumes exactly one word of the parent")
        var mixer = SplitMix64(seed: 1_234_567)
        XCTAssertEqual((0..<5).map { _ in mixer.next() },
                       [6_457_827_717_110_365_317, 3_203_168_211_198_807_973, 9_817_491_932_198_370_423,
                        4_593_380_528_125_082_431, 16_408_922_859_458_223_821])
    }

    func testBoundedIsUniformAndPermutationIsAPermutation() {
        var rng = SeededGenerator(seed: 3)
        var counts = [Int](repeating: 0, count: 6)
        for _ in 0..<60_000 { counts[rng.bounded(6)] += 1 }
        for c in counts { XCTAssertEqual(Double(c), 10_000, accuracy: 500) }  // ≈ 5σ
        let p = rng.permutation(1000)
        XCTAssertEqual(p.sorted(), Array(0..<1000))
        XCTAssertNotEqual(p, Array(0..<1000))
    }

    func testGeneratorStateRoundTripsThroughCodable() throws {
        var rng = SeededGenerator(seed: 99)
        _ = rng.next()
        let restored = try JSONDecoder().decode(SeededGenerator.self, from: JSONEncoder().encode(rng))
        var copy = restored
        XCTAssertEqual(copy.next(), rng.next())
    }
}
