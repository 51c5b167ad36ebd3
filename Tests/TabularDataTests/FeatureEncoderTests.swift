import Foundation
import SeededRandom
import TabularData
import XCTest

final class FeatureEncoderTests: XCTestCase {
    /// Per-column mean and population standard deviation of a row-major matrix, in Double.
    private func columnStats(_ d: TabularDataset) -> (means: [Double], stds: [Double]) {
        var means = [Double](repeating: 0, count: d.featureCount), stds = means
        for j in 0..<d.featureCount {
            var s = 0.0
            for r in 0..<d.count { s += Double(d.features[r * d.featureCount + j]) }
            let m = s / Double(d.count)
            var v = 0.0
            for r in 0..<d.count { let x = Double(d.features[r * d.featureCount + j]) - m; v += x * x }
            means[j] = m
            stds[j] = (v / Double(d.count)).squareRoot()
        }
        return (means, stds)
    }

    func testStandardizedTrainingFeaturesHaveZeroMeanAndUnitVariance() throws {
        let table = try DelimitedTableReader().read(realDataFile("iris.dat"))
        var rng = SplitMix64(seed: 9)
        let splits = try TabularPipeline.makeSplits(table, using: &rng)
        XCTAssertEqual(splits.train.featureCount, 4)
        XCTAssertEqual(splits.train.count + splits.validation.count + splits.test.count, 150)
        let stats = columnStats(splits.train)
        for j in 0..<4 {
            XCTAssertEqual(stats.means[j], 0, accuracy: 1e-5)
            XCTAssertEqual(stats.stds[j], 1, accuracy: 1e-4)
        }
        let held = columnStats(splits.test)
        XCTAssertTrue(held.means.contains { abs($0) > 1e-3 }, "test rows are not re-standardized on their own statistics")
    }

    func testTestRowsDoNotInfluenceTheStatistics() throws {
        // Train rows 0...3, test rows 4...5 with extreme values.
        let values: [Double] = [1, 2, 3, 4, 1000, -500]
        let schema = TableSchema(columns: [ColumnSchema(name: "v", kind: .continuous)], classNames: ["a", "b"])
        let table = try RawTable(source: "t", schema: schema, columnValues: [values], labels: [0, 1, 0, 1, 0, 1])
        let encoder = try FeatureEncoder.fit(table, rows: [0, 1, 2, 3])
        let mean = 2.5, std = (((1 - mean) * (1 - mean) + (2 - mean) * (2 - mean)) * 2 / 4).squareRoot()
        XCTAssertEqual(encoder.means, [mean])
        XCTAssertEqual(encoder.scales[0], std, accuracy: 1e-12)
        let test = try encoder.encode(table, rows: [4, 5])
        XCTAssertEqual(Double(test.features[0]), (1000 - mean) / std, accuracy: 1e-3)
        var changed = table
        changed.columnValues[0][4] = 7
        XCTAssertEqual(try FeatureEncoder.fit(changed, rows: [0, 1, 2, 3]).means, encoder.means)
    }

    func testConstantColumnStaysZero() throws {
        let table = try DelimitedTableReader().read(realDataFile("optdigits.dat"))
        // Column 0 of optdigits is 0 on every row (checked here rather than assumed).
        XCTAssertTrue(table.columnValues[0].allSatisfy { $0 == 0 })
        var rng = SplitMix64(seed: 1)
        let splits = try TabularPipeline.makeSplits(table, using: &rng)
        XCTAssertEqual(splits.train.featureCount, 64)
        XCTAssertEqual(splits.encoder.scales[0], 1)
        for r in 0..<splits.train.count { XCTAssertEqual(splits.train.features[r * 64], 0) }
        XCTAssertTrue(splits.train.features.allSatisfy { $0.isFinite })
    }

    func testMissingNumericCellsAreFilledWithTrainingMeanOrMode() throws {
        let nan = Double.nan
        let schema = TableSchema(columns: [ColumnSchema(name: "cont", kind: .continuous),
                                           ColumnSchema(name: "disc", kind: .discrete)], classNames: ["a"])
        let table = try RawTable(source: "m", schema: schema,
                                 columnValues: [[1, 2, 6, nan, 100], [3, 5, 5, nan, 3]], labels: [0, 0, 0, 0, 0])
        let options = PreprocessingOptions(standardization: .none)
        // Training rows 0..3: mean of 1,2,6 is 3; the mode of 3,5,5 is 5. Row 4 (test) must not count.
        let encoder = try FeatureEncoder.fit(table, rows: [0, 1, 2, 3], options: options)
        XCTAssertEqual(encoder.fillValues, [3, 5])
        let encoded = try encoder.encode(table, rows: [3])
        XCTAssertEqual(encoded.features, [3, 5])
    }

    func testDiscreteModeTieTakesTheSmallestValue() throws {
        let schema = TableSchema(columns: [ColumnSchema(name: "d", kind: .discrete)], classNames: ["a"])
        let table = try RawTable(source: "m", schema: schema, columnValues: [[4, 2, 4, 2, .nan]], labels: [0, 0, 0, 0, 0])
        XCTAssertEqual(try FeatureEncoder.fit(table, rows: [0, 1, 2, 3, 4]).fillValues, [2])
    }

    func testCategoricalColumnsAreOneHotAndMissingTakesTheMode() throws {
        let nan = Double.nan
        let schema = TableSchema(columns: [ColumnSchema(name: "colour", kind: .categorical(["red", "green", "blue"]))],
                                 classNames: ["a"])
        let table = try RawTable(source: "c", schema: schema, columnValues: [[2, 2, 0, nan]], labels: [0, 0, 0, 0])
        let encoder = try FeatureEncoder.fit(table, rows: [0, 1, 2, 3], options: PreprocessingOptions(standardization: .none))
        XCTAssertEqual(encoder.featureNames, ["colour=red", "colour=green", "colour=blue"])
        let encoded = try encoder.encode(table)
        XCTAssertEqual(encoded.features, [0, 0, 1,  0, 0, 1,  1, 0, 0,  0, 0, 1])
        // Standardized one-hot: the "blue" indicator has p = 3/4 on training rows (missing filled with blue).
        let standardized = try FeatureEncoder.fit(table, rows: [0, 1, 2, 3])
        XCTAssertEqual(standardized.means[2], 0.75)
        XCTAssertEqual(standardized.scales[2], (0.75 * 0.25).squareRoot(), accuracy: 1e-12)
        XCTAssertEqual(standardized.scales[1], 1, "the never-seen 'green' indicator is constant")
    }

    func testNumericOnlyStandardizationLeavesIndicatorsBinary() throws {
        let table = try AbaloneReader.read(realDataFile("abalone.data"))
        let rows = Array(0..<table.rowCount)
        let encoder = try FeatureEncoder.fit(table, rows: rows, options: PreprocessingOptions(standardization: .numericOnly))
        let data = try encoder.encode(table)
        XCTAssertEqual(Array(data.featureNames.prefix(3)), ["Sex=M", "Sex=F", "Sex=I"])
        for r in 0..<data.count {
            let row = data.features[(r * data.featureCount)..<(r * data.featureCount + 3)]
            XCTAssertEqual(row.reduce(0, +), 1)
        }
    }

    func testTableWithADifferentSchemaIsRejected() throws {
        let a = try DelimitedTableReader().read(text: "1,2,x\n3,4,y\n", name: "a.csv")
        let b = try DelimitedTableReader().read(text: "1,2.5,x\n3,4,y\n", name: "b.csv")
        let encoder = try FeatureEncoder.fit(a, rows: [0, 1])
        assertTabularError(try encoder.encode(b), startsWith: "b.csv:", contains: ["x1"])
        assertTabularError(try FeatureEncoder.fit(a, rows: []), startsWith: "a.csv:", contains: ["zero training rows"])
    }

    /// Found by `scripts/fuzz.sh csv` (mode byte 0x35: `;`-separated, class first, empty cells missing, column 1
    /// discovered-categorical; text `.1\x01\x015.1\x01s\x01\x17\x175;`): a categorical column whose every cell is
    /// missing has zero categories, and fitting indexed the mode of an empty count list (trap).
    func testCategoricalColumnWithEveryCellMissingIsAnErrorNotATrap() throws {
        let options = DelimitedReadOptions(categoricalColumns: [0: .discovered])
        let table = try DelimitedTableReader(options: options).read(text: "?,a\n?,b\n?,a\n", name: "missing.csv")
        assertTabularError(try FeatureEncoder.fit(table, rows: [0, 1, 2]), startsWith: "missing.csv:",
                           contains: ["x0", "no categories", "every cell is missing"])
    }

    /// Found by `scripts/fuzz.sh csv` (a test-split cell parsed as 6e71 in a column whose training scale is 5.7):
    /// (v − mean) / scale is finite as a Double but +∞ as a Float, and the ∞ went into the encoded features.
    func testValueOutsideTheFloatRangeAfterStandardizingIsAnErrorNamingColumnAndLine() throws {
        let train = try DelimitedTableReader().read(text: "1,a\n2,b\n3,a\n", name: "train.csv")
        let test = try DelimitedTableReader().read(text: "2,a\n6e71,b\n", name: "test.csv", matching: train.schema)
        let encoder = try FeatureEncoder.fit(train, rows: [0, 1, 2])
        assertTabularError(try encoder.encode(test), startsWith: "test.csv:2:", contains: ["x0", "6e+71", "Float range"])
    }

    func testRawTableInitializerValidatesShapes() {
        let schema = TableSchema(columns: [ColumnSchema(name: "c", kind: .categorical(["p"]))], classNames: ["a"])
        assertTabularError(try RawTable(source: "bad", schema: schema, columnValues: [[3]], labels: [0]),
                           startsWith: "bad:1:", contains: ["category index"])
        assertTabularError(try RawTable(source: "bad", schema: schema, columnValues: [[0, 0]], labels: [0]),
                           startsWith: "bad:", contains: ["2 cells"])
        assertTabularError(try RawTable(source: "bad", schema: schema, columnValues: [[0]], labels: [4]),
                           startsWith: "bad:1:", contains: ["label 4"])
    }
}
