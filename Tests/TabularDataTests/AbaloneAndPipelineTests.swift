import Foundation
import MixupTestSupport
import SeededRandom
import TabularData
import XCTest

final class AbaloneAndPipelineTests: XCTestCase {
    func testAbaloneHasSexOneHotAndRingClassesInNumericOrder() throws {
        let url = try realDataFile("abalone.data")
        let lines = try rawLines(url)
        let table = try AbaloneReader.read(url)
        XCTAssertEqual(table.rowCount, lines.count)
        XCTAssertEqual(table.rowCount, 4177)
        XCTAssertEqual(table.schema.columns.count, 8)
        XCTAssertEqual(table.schema.columns[0].kind, .categorical(["M", "F", "I"]))
        let sexes = lines.map { String($0.prefix(while: { $0 != "," })) }
        for (k, sex) in ["M", "F", "I"].enumerated() {
            XCTAssertEqual(table.columnValues[0].filter { $0 == Double(k) }.count, sexes.filter { $0 == sex }.count)
        }
        let rings = Set(lines.map { Int($0.split(separator: ",").last!)! })
        XCTAssertEqual(table.schema.classNames, rings.sorted().map(String.init))
        XCTAssertEqual(table.schema.className, "Rings")
    }

    func testAbaloneStratificationNamesASingletonRingClassAndCanKeepItInTraining() throws {
        let url = try realDataFile("abalone.data")
        let table = try AbaloneReader.read(url)
        let counts = table.classCounts
        guard let singleton = counts.firstIndex(of: 1) else { return XCTFail("expected a ring count that occurs once") }
        var rng = SplitMix64(seed: 2)
        assertTabularError(try TabularPipeline.makeSplits(table, using: &rng), startsWith: "abalone.data:",
                           contains: ["class '\(table.schema.classNames[singleton])'", "single member"])
        let splits = try TabularPipeline.makeSplits(table, rareClasses: .keepInTraining, using: &rng)
        XCTAssertEqual(splits.train.featureCount, 10)
        XCTAssertEqual(splits.train.count + splits.validation.count + splits.test.count, 4177)
        XCTAssertEqual(splits.train.classCounts[singleton], 1)
    }

    func testUnknownSexIsRejectedWithFileAndLine() throws {
        let url = try writeTemporaryFile("abalone.data", "M,0.4,0.3,0.1,0.5,0.2,0.1,0.15,15\nX,0.4,0.3,0.1,0.5,0.2,0.1,0.15,7\n")
        assertTabularError(try AbaloneReader.read(url), startsWith: "abalone.data:2:", contains: ["'X'"])
    }

    func testFormatDetectionFollowsTheFileName() throws {
        XCTAssertEqual(TabularFileFormat.detect(try realDataFile("abalone.data")), .abalone)
        XCTAssertEqual(TabularFileFormat.detect(try realDataFile("vote.arff")), .arff(ARFFReadOptions()))
        XCTAssertEqual(TabularFileFormat.detect(try realDataFile("iris.dat")), .delimited(DelimitedReadOptions()))
        let table = try TabularFileFormat.detect(realDataFile("glass.arff")).read(realDataFile("glass.arff"))
        XCTAssertEqual(table.rowCount, 214)
    }

    func testSegmentPairUsesTrainingStatisticsForTheTestFile() throws {
        let train = try ARFFReader().read(realDataFile("segment-challenge.arff"))
        let test = try ARFFReader().read(realDataFile("segment-test.arff"), matching: train.schema)
        var rng = SplitMix64(seed: 4)
        let splits = try TabularPipeline.makeSplits(train: train, test: test, using: &rng)
        XCTAssertEqual(splits.test.count, 810)
        XCTAssertEqual(splits.train.count + splits.validation.count, 1500)
        XCTAssertEqual(splits.test.classNames, splits.train.classNames)
        // The encoder's mean of column 1 equals the mean over the training rows only, recomputed here.
        // Same seed and fractions as the pipeline ⇒ the same validation rows; the rest were used for fitting.
        var replay = SplitMix64(seed: 4)
        let validationRows = Set(try StratifiedSplitter.split(train, fractions: SplitFractions(train: 0.85, validation: 0.15, test: 0),
                                                              using: &replay).validation)
        XCTAssertEqual(validationRows.count, splits.validation.count)
        let fitted = (0..<train.rowCount).filter { !validationRows.contains($0) }
        XCTAssertEqual(fitted.count, splits.train.count)
        let mean = fitted.map { train.columnValues[1][$0] }.reduce(0, +) / Double(fitted.count)
        XCTAssertEqual(splits.encoder.means[1], mean, accuracy: 1e-9)
        // Test row 0 encoded with those statistics.
        let expected = (test.columnValues[1][0] - mean) / splits.encoder.scales[1]
        XCTAssertEqual(Double(splits.test.features[1]), expected, accuracy: 1e-4)
    }

    func testSoybeanAndVoteSplitsHaveNoMissingOrNonFiniteFeatures() throws {
        for name in ["soybean.arff", "vote.arff"] {
            let table = try ARFFReader().read(realDataFile(name))
            var rng = SplitMix64(seed: 8)
            let splits = try TabularPipeline.makeSplits(table, using: &rng)
            for data in [splits.train, splits.validation, splits.test] {
                XCTAssertTrue(data.features.allSatisfy { $0.isFinite }, name)
                XCTAssertEqual(data.features.count, data.count * data.featureCount, name)
            }
        }
    }
}
