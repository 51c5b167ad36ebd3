import MixupCore
import MixupExperiments
import XCTest

final class CorrelationTests: XCTestCase {
    func testPearsonMatchesHandComputedValue() {
        // dx = (−1.5, −0.5, 0.5, 1.5), dy = (−3, −1, 0, 4): Σdxdy = 11, Σdx² = 5, Σdy² = 26.
        let r = Correlation.pearson([1, 2, 3, 4], [2, 4, 5, 9])
        XCTAssertEqual(r, 11 / (5.0 * 26).squareRoot(), accuracy: 1e-12)
    }

    func testPearsonOfConstantSideIsNaN() {
        XCTAssertTrue(Correlation.pearson([1, 2, 3], [4, 4, 4]).isNaN)
    }

    func testRanksAverageTies() {
        XCTAssertEqual(Correlation.ranks([10, 20, 20, 5]), [2, 3.5, 3.5, 1])
    }

    func testSpearmanWithTiesMatchesHandComputedValue() {
        // ranks of y = (1, 2, 3.5, 5, 3.5); against 1…5: Σdxdy = 8, Σdx² = 10, Σdy² = 9.5.
        let rho = Correlation.spearman([1, 2, 3, 4, 5], [5, 6, 7, 8, 7])
        XCTAssertEqual(rho, 8 / (10 * 9.5).squareRoot(), accuracy: 1e-12)
    }

    func testSpearmanIsOneForMonotoneNonlinearRelation() {
        let x = [0.1, 0.5, 2, 3, 7], y = x.map { $0 * $0 * $0 }
        XCTAssertEqual(Correlation.spearman(x, y), 1, accuracy: 1e-12)
        XCTAssertLessThan(Correlation.pearson(x, y), 0.999)
    }

    func testMedianOfEvenAndOddCounts() {
        XCTAssertEqual(Correlation.median([3, 1, 2]), 2)
        XCTAssertEqual(Correlation.median([4, 1, 3, 2]), 2.5)
    }

    func testSeededPermutationIsAPermutationAndReproducible() {
        var a = SeededGenerator(seed: 7), b = SeededGenerator(seed: 7)
        let p = a.permutation(50)
        XCTAssertEqual(p.sorted(), Array(0..<50))
        XCTAssertEqual(p, b.permutation(50))
        XCTAssertNotEqual(p, Array(0..<50))
    }

    func testBoundedDrawStaysInRangeAndHitsEveryValue() {
        var rng = SeededGenerator(seed: 1)
        var seen = Set<Int>()
        for _ in 0..<2000 {
            let v = rng.bounded(7)
            XCTAssertTrue((0..<7).contains(v))
            seen.insert(v)
        }
        XCTAssertEqual(seen.count, 7)
    }
}
