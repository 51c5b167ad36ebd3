import Foundation
import SeededRandom
import TabularData
import XCTest

final class StratifiedSplitterTests: XCTestCase {
    private func letterTable() throws -> RawTable {
        try DelimitedTableReader().read(realDataFile("letter.dat"))
    }

    func testSplitsPartitionTheRows() throws {
        let table = try letterTable()
        var rng = SplitMix64(seed: 1)
        let split = try StratifiedSplitter.split(table, using: &rng)
        let all = split.train + split.validation + split.test
        XCTAssertEqual(all.count, table.rowCount)
        XCTAssertEqual(Set(all).count, table.rowCount)
        XCTAssertEqual(split.train, split.train.sorted())
    }

    func testPerClassProportionsArePreservedWithinOne() throws {
        let table = try letterTable()
        let counts = table.classCounts
        let fractions = try SplitFractions(train: 0.6, validation: 0.1, test: 0.3)
        var rng = SplitMix64(seed: 7)
        let split = try StratifiedSplitter.split(table, fractions: fractions, using: &rng)
        for (rows, share) in [(split.train, 0.6), (split.validation, 0.1), (split.test, 0.3)] {
            var perClass = [Int](repeating: 0, count: counts.count)
            for r in rows { perClass[table.labels[r]] += 1 }
            for k in counts.indices {
                XCTAssertLessThanOrEqual(abs(Double(perClass[k]) - Double(counts[k]) * share), 1.0,
                                         "class \(table.schema.classNames[k])")
            }
        }
    }

    func testSameSeedGivesTheSameSplitAndAnotherSeedADifferentOne() throws {
        let table = try letterTable()
        var a = SplitMix64(seed: 42), b = SplitMix64(seed: 42), c = SplitMix64(seed: 43)
        let first = try StratifiedSplitter.split(table, using: &a)
        let second = try StratifiedSplitter.split(table, using: &b)
        let third = try StratifiedSplitter.split(table, using: &c)
        XCTAssertEqual(first, second)
        XCTAssertNotEqual(first.test, third.test)
        XCTAssertEqual(first.test.count, third.test.count, "sizes depend only on class counts")
    }

    func testSingleMemberClassIsRejectedByName() throws {
        let table = try DelimitedTableReader().read(text: "1,a\n2,a\n3,lonely\n4,a\n", name: "rare.csv")
        var rng = SplitMix64(seed: 0)
        assertTabularError(try StratifiedSplitter.split(table, using: &rng), startsWith: "rare.csv:3:", contains: ["'lonely'", "single member"])
        let kept = try StratifiedSplitter.split(table, rareClasses: .keepInTraining, using: &rng)
        XCTAssertTrue(kept.train.contains(2))
    }

    func testEveryClassKeepsATrainingRow() throws {
        let table = try DelimitedTableReader().read(text: "1,a\n2,a\n3,b\n4,b\n", name: "small.csv")
        let fractions = try SplitFractions(train: 0.1, validation: 0.45, test: 0.45)
        var rng = SplitMix64(seed: 3)
        let split = try StratifiedSplitter.split(table, fractions: fractions, using: &rng)
        XCTAssertEqual(Set(split.train.map { table.labels[$0] }), [0, 1])
    }

    func testFractionsAreValidated() {
        assertTabularError(try SplitFractions(train: 0.5, validation: 0.2, test: 0.2), startsWith: "split fractions:", contains: ["sum to 1"])
        assertTabularError(try SplitFractions(train: 1.2, validation: -0.2, test: 0), startsWith: "split fractions:", contains: ["validation"])
        assertTabularError(try SplitFractions(train: 0, validation: 0.5, test: 0.5), startsWith: "split fractions:", contains: ["positive"])
        XCTAssertEqual(SplitFractions.standard.train + SplitFractions.standard.validation + SplitFractions.standard.test, 1, accuracy: 1e-12)
    }

    func testBoundedIndexIsInRangeAndRoughlyUniform() {
        var rng = SplitMix64(seed: 11)
        var counts = [Int](repeating: 0, count: 3)
        for _ in 0..<30_000 { counts[rng.bounded(3)] += 1 }
        for n in counts { XCTAssertEqual(Double(n), 10_000, accuracy: 400) }   // ~5 binomial standard deviations (σ ≈ 82)
        XCTAssertEqual(rng.bounded(1), 0)
    }

    func testShuffleIsAPermutation() {
        var rng = SplitMix64(seed: 5)
        var values = Array(0..<100)
        rng.shuffle(&values)
        XCTAssertEqual(values.sorted(), Array(0..<100))
        XCTAssertNotEqual(values, Array(0..<100))
    }
}
