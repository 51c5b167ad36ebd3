import Foundation
import MixupTestSupport
import TabularData
import XCTest

final class DelimitedTableReaderTests: XCTestCase {
    func testIrisHas150RowsFourFeaturesAndThreeBalancedClasses() throws {
        let url = try realDataFile("iris.dat")
        let lines = try rawLines(url)
        let table = try DelimitedTableReader().read(url)
        XCTAssertEqual(table.rowCount, lines.count)
        XCTAssertEqual(table.rowCount, 150)
        XCTAssertEqual(table.schema.columns.count, 4)
        let classTexts = lines.map { $0.split(separator: ",").last!.trimmingCharacters(in: .whitespaces) }
        XCTAssertEqual(table.schema.classNames, Set(classTexts).sorted())
        for (k, name) in table.schema.classNames.enumerated() {
            XCTAssertEqual(table.classCounts[k], classTexts.filter { $0 == name }.count)
        }
        // First row, read independently: "5.1, 3.5, 1.4, 0.2, Iris-setosa".
        let first = lines[0].split(separator: ",").dropLast().map { Double($0.trimmingCharacters(in: .whitespaces))! }
        XCTAssertEqual((0..<4).map { table.value(row: 0, column: $0) }, first)
        XCTAssertEqual(table.missingCellCount, 0)
    }

    func testOptdigitsHasOneRowPerLineAnd64Features() throws {
        let url = try realDataFile("optdigits.dat")
        let lines = try rawLines(url)
        let fieldCounts = Set(lines.map { $0.split(separator: ",", omittingEmptySubsequences: false).count })
        let table = try DelimitedTableReader().read(url)
        XCTAssertEqual(fieldCounts, [65])
        XCTAssertEqual(table.rowCount, lines.count)
        XCTAssertEqual(table.rowCount, 5620)
        XCTAssertEqual(table.schema.columns.count, 64)
        XCTAssertEqual(table.schema.classNames, (0...9).map(String.init))
        XCTAssertTrue(table.schema.columns.allSatisfy { $0.kind == .discrete }, "pixel counts are integers")
    }

    func testLargerKEELFilesReadWithTheirRowAndClassCounts() throws {
        for (name, features) in [("letter.dat", 16), ("penbased.dat", 16), ("contraceptive.dat", 9)] {
            let url = try realDataFile(name)
            let lines = try rawLines(url)
            let classes = Set(lines.map { $0.split(separator: ",").last!.trimmingCharacters(in: .whitespaces) })
            let table = try DelimitedTableReader().read(url)
            XCTAssertEqual(table.rowCount, lines.count, name)
            XCTAssertEqual(table.schema.columns.count, features, name)
            XCTAssertEqual(Set(table.schema.classNames), classes, name)
        }
    }

    func testNumericClassNamesAreOrderedNumerically() throws {
        let table = try DelimitedTableReader().read(text: "1,10\n2,2\n3,1\n4,10\n", name: "n.csv")
        XCTAssertEqual(table.schema.classNames, ["1", "2", "10"])
        XCTAssertEqual(table.labels, [2, 1, 0, 2])
    }

    func testTextClassNamesAreOrderedByBytes() throws {
        let table = try DelimitedTableReader().read(text: "1,b\n2,B\n3,a\n", name: "t.csv")
        XCTAssertEqual(table.schema.classNames, ["B", "a", "b"])
    }

    func testRaggedRowIsRejectedWithFileAndLine() throws {
        let url = try writeTemporaryFile("ragged.csv", "1,2,3,a\n4,5,6,b\n7,8,b\n")
        assertTabularError(try DelimitedTableReader().read(url), startsWith: "ragged.csv:3:", contains: ["expected 4 columns, found 3"])
    }

    func testNonNumericCellIsRejectedWithFileLineAndColumn() throws {
        let url = try writeTemporaryFile("text.csv", "1,2,a\n4,x5,b\n")
        assertTabularError(try DelimitedTableReader().read(url), startsWith: "text.csv:2:", contains: ["column 2", "'x5'"])
    }

    func testNonFiniteNumbersAreRejected() throws {
        for bad in ["nan", "inf", "1e999"] {
            let url = try writeTemporaryFile("nonfinite.csv", "1,2,a\n4,\(bad),b\n")
            assertTabularError(try DelimitedTableReader().read(url), startsWith: "nonfinite.csv:2:", contains: ["finite"])
        }
    }

    func testEmptyAndBlankFilesAreRejected() throws {
        let empty = try writeTemporaryFile("empty.csv", "")
        assertTabularError(try DelimitedTableReader().read(empty), startsWith: "empty.csv:1:", contains: ["empty"])
        let blank = try writeTemporaryFile("blank.csv", "\n  \n\n")
        assertTabularError(try DelimitedTableReader().read(blank), startsWith: "blank.csv:1:", contains: ["empty"])
    }

    func testMissingFileIsRejectedWithItsName() {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("no-such-file-\(UUID().uuidString).csv")
        assertTabularError(try DelimitedTableReader().read(url), startsWith: url.lastPathComponent + ":", contains: ["cannot"])
    }

    func testQuestionMarkBecomesAMissingCell() throws {
        let table = try DelimitedTableReader().read(text: "1,?,a\n4,5,b\n", name: "m.csv")
        XCTAssertNil(table.value(row: 0, column: 1))
        XCTAssertEqual(table.value(row: 1, column: 1), 5)
        XCTAssertEqual(table.missingCellCount, 1)
    }

    func testEmptyCellIsAnErrorUnlessDeclaredMissing() throws {
        assertTabularError(try DelimitedTableReader().read(text: "1,,a\n", name: "e.csv"), startsWith: "e.csv:1:", contains: ["empty cell"])
        let table = try DelimitedTableReader(options: DelimitedReadOptions(missingValueMarkers: ["?", ""]))
            .read(text: "1,,a\n", name: "e.csv")
        XCTAssertNil(table.value(row: 0, column: 1))
    }

    func testMissingClassValueIsRejectedWithFileAndLine() {
        assertTabularError(try DelimitedTableReader().read(text: "1,2,a\n3,4,?\n", name: "c.csv"),
                           startsWith: "c.csv:2:", contains: ["class value is missing"])
    }

    func testClassColumnAndDelimiterOptions() throws {
        let options = DelimitedReadOptions(classColumn: 0, delimiter: ";")
        let table = try DelimitedTableReader(options: options).read(text: "yes;1.5;2\nno;3;4\n", name: "s.csv")
        XCTAssertEqual(table.schema.classNames, ["no", "yes"])
        XCTAssertEqual(table.labels, [1, 0])
        XCTAssertEqual(table.schema.columns.map(\.name), ["x1", "x2"])
        XCTAssertEqual(table.schema.columns.map(\.kind), [.continuous, .discrete])
        XCTAssertEqual(table.value(row: 1, column: 0), 3)
    }

    func testClassColumnOutsideTheRowIsRejected() {
        let reader = DelimitedTableReader(options: DelimitedReadOptions(classColumn: 5))
        assertTabularError(try reader.read(text: "1,2,a\n", name: "o.csv"), startsWith: "o.csv:1:", contains: ["class column 5"])
    }

    func testWithoutTrimmingPaddedNumbersAreRejected() throws {
        let reader = DelimitedTableReader(options: DelimitedReadOptions(trimsWhitespace: false))
        assertTabularError(try reader.read(text: "1, 2,a\n", name: "pad.csv"), startsWith: "pad.csv:1:", contains: ["column 2"])
        XCTAssertEqual(try DelimitedTableReader().read(text: "1, 2 ,\ta\n", name: "pad.csv").schema.classNames, ["a"])
    }

    func testKEELHeaderIsRejectedWithAHint() {
        assertTabularError(try DelimitedTableReader().read(text: "@relation iris\n1,2,a\n", name: "keel.dat"),
                           startsWith: "keel.dat:1:", contains: ["ARFFReader"])
    }

    func testWindowsLineEndingsAndBlankLinesAreAccepted() throws {
        let table = try DelimitedTableReader().read(text: "1,2,a\r\n\r\n3,4,b\r\n", name: "crlf.csv")
        XCTAssertEqual(table.rowCount, 2)
        XCTAssertEqual(table.lineNumbers, [1, 3])
        XCTAssertEqual(table.schema.classNames, ["a", "b"])
    }

    func testMultiCharacterDelimiterIsRejected() {
        let reader = DelimitedTableReader(options: DelimitedReadOptions(delimiter: "é"))
        assertTabularError(try reader.read(text: "1,a\n", name: "d.csv"), startsWith: "d.csv:", contains: ["ASCII"])
    }

    func testTestFileWithClassUnknownToTrainingIsRejected() throws {
        let train = try DelimitedTableReader().read(text: "1,a\n2,b\n", name: "train.csv")
        assertTabularError(try DelimitedTableReader().read(text: "1,a\n2,c\n", name: "test.csv", matching: train.schema),
                           startsWith: "test.csv:2:", contains: ["'c'"])
    }

    func testCategoricalColumnDiscoversSortedCategories() throws {
        let reader = DelimitedTableReader(options: DelimitedReadOptions(categoricalColumns: [1: .discovered]))
        let table = try reader.read(text: "1,red,a\n2,blue,b\n3,?,a\n", name: "cat.csv")
        XCTAssertEqual(table.schema.columns[1].kind, .categorical(["blue", "red"]))
        XCTAssertEqual(table.value(row: 0, column: 1), 1)
        XCTAssertNil(table.value(row: 2, column: 1))
    }
}
