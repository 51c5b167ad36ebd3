import Foundation
import GraphData
import SeededRandom
import XCTest

/// Stratified k-fold must partition the graphs, keep class proportions per fold (±1), and depend only on the seed.
final class StratifiedKFoldTests: XCTestCase {
    private func assertStratifiedPartition(labels: [Int], folds: [CrossValidationFold], foldCount: Int,
                                           file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(folds.count, foldCount, file: file, line: line)
        var timesTested = [Int](repeating: 0, count: labels.count)
        for fold in folds {
            for graph in fold.testIndices { timesTested[graph] += 1 }
            XCTAssertEqual(Set(fold.trainIndices).union(fold.testIndices), Set(0..<labels.count), file: file, line: line)
            XCTAssertTrue(Set(fold.trainIndices).isDisjoint(with: fold.testIndices), file: file, line: line)
            XCTAssertEqual(fold.trainIndices.count + fold.testIndices.count, labels.count, file: file, line: line)
        }
        XCTAssertEqual(timesTested, [Int](repeating: 1, count: labels.count), "every graph tested exactly once",
                       file: file, line: line)
        let sizes = folds.map { $0.testIndices.count }
        XCTAssertLessThanOrEqual(sizes.max()! - sizes.min()!, 1, "fold sizes \(sizes)", file: file, line: line)
        for label in Set(labels) {
            let total = labels.filter { $0 == label }.count
            let low = total / foldCount, high = (total + foldCount - 1) / foldCount
            for fold in folds {
                let count = fold.testIndices.filter { labels[$0] == label }.count
                XCTAssertTrue((low...high).contains(count), "class \(label): \(count) in fold \(fold.index), "
                              + "expected \(low)...\(high)", file: file, line: line)
            }
        }
    }

    func testMUTAGTenFoldsPartitionAndStratify() throws {
        let dataset = try TUDatasetReader.load(directory: try RealGraphData.requireDirectory("MUTAG"))
        var generator = SplitMix64(seed: 2018)
        let folds = try StratifiedKFold.folds(labels: dataset.labels, using: &generator)
        assertStratifiedPartition(labels: dataset.labels, folds: folds, foldCount: 10)
    }

    func testConfigurableFoldCountOnImbalancedThreeClassLabels() throws {
        let labels = [Int](repeating: 0, count: 37) + [Int](repeating: 1, count: 11) + [Int](repeating: 2, count: 4)
        for foldCount in [2, 3, 5, 7] {
            var generator = SplitMix64(seed: UInt64(foldCount))
            let folds = try StratifiedKFold.folds(labels: labels, foldCount: foldCount, using: &generator)
            assertStratifiedPartition(labels: labels, folds: folds, foldCount: foldCount)
        }
    }

    func testSameSeedGivesSameFoldsAndOtherSeedDiffers() throws {
        let labels = (0..<200).map { $0 % 3 == 0 ? 1 : 0 }
        var first = SplitMix64(seed: 42), second = SplitMix64(seed: 42), other = SplitMix64(seed: 43)
        let a = try StratifiedKFold.folds(labels: labels, using: &first)
        let b = try StratifiedKFold.folds(labels: labels, using: &second)
        let c = try StratifiedKFold.folds(labels: labels, using: &other)
        XCTAssertEqual(a, b)
        XCTAssertNotEqual(a, c)
    }

    func testInvalidFoldRequestsThrow() {
        var generator = SplitMix64(seed: 1)
        XCTAssertThrowsError(try StratifiedKFold.folds(labels: [0, 1, 0], foldCount: 1, using: &generator))
        XCTAssertThrowsError(try StratifiedKFold.folds(labels: [0, 1, 0], foldCount: 4, using: &generator))
        XCTAssertThrowsError(try StratifiedKFold.folds(labels: [0, -1, 0], foldCount: 2, using: &generator)) {
            XCTAssertTrue("\($0)".contains("negative"), "\($0)")
        }
    }

    func testShuffleIsAPermutationAndUniformStaysBelowBound() {
        var generator = SplitMix64(seed: 9)
        var values = Array(0..<1000)
        generator.shuffle(&values)
        XCTAssertEqual(values.sorted(), Array(0..<1000))
        XCTAssertNotEqual(values, Array(0..<1000))
        var counts = [Int](repeating: 0, count: 3)
        for _ in 0..<30_000 {
            let draw = UInt64(generator.bounded(3))
            XCTAssertLessThan(draw, 3)
            counts[Int(draw)] += 1
        }
        for count in counts { XCTAssertEqual(Double(count), 10_000, accuracy: 400) }
    }
}
