import Foundation
import MixupExperiments
import MixupTestSupport
import TabularData
import XCTest

/// Tabular inputs: each malformed case gives a clear error (file, line, cause); each valid variant (KEEL as
/// distributed, quoted CSV, `;`, tab and whitespace separated, CR-only line ends) is read with its values.
final class TabularBadInputTests: XCTestCase {
    private func read(_ name: String, _ text: String) throws -> RawTable {
        let url = try writeTemporaryFile(name, text)
        return try TabularFileFormat.detect(url).read(url)
    }

    private func readBytes(_ name: String, _ bytes: [UInt8]) throws -> RawTable {
        let url = try write(bytes, to: makeTemporaryDirectory(name), name)
        return try TabularFileFormat.detect(url).read(url)
    }

    // MARK: Valid variants

    func testKEELFileAsDistributedReadsItsOutputAttributeAsTheClass() throws {
        let keel = """
        @relation toy
        @attribute Class {yes, no}
        @attribute Width real [4.3, 7.9]
        @attribute Rooms integer[1,4]
        @attribute Colour {red, blue}
        @inputs Width, Rooms, Colour
        @outputs Class
        @data
        no, 5.1, 2, red
        yes, 7.5, <null>, blue
        no, 4.3, 1, blue

        """
        let table = try read("toy.dat", keel)
        XCTAssertEqual(table.schema.className, "Class")
        XCTAssertEqual(table.schema.classNames, ["yes", "no"])
        XCTAssertEqual(table.labels, [1, 0, 1])
        XCTAssertEqual(table.schema.columns.map(\.name), ["Width", "Rooms", "Colour"])
        XCTAssertEqual(table.schema.columns.map(\.kind), [.continuous, .discrete, .categorical(["red", "blue"])])
        XCTAssertEqual(table.value(row: 1, column: 0), 7.5)
        XCTAssertNil(table.value(row: 1, column: 1))
        XCTAssertEqual(table.value(row: 2, column: 2), 1)
        XCTAssertEqual(table.lineNumbers, [9, 10, 11])
    }

    func testKEELFileLoadsThroughTheDataOptions() throws {
        let rows = (0..<40).map { "\($0 % 2 == 0 ? "pos" : "neg"), \(Double($0) / 4)" }.joined(separator: "\n")
        let url = try writeTemporaryFile("k.dat", "@relation k\n@attribute c {pos, neg}\n@attribute x real [0.0, 9.75]\n"
                                         + "@inputs x\n@outputs c\n@data\n" + rows + "\n")
        guard case let .splits(splits) = try loadData(["--data", url.path]) else { return XCTFail("tabular data loads as splits") }
        XCTAssertEqual(splits.classNames, ["pos", "neg"])
        XCTAssertEqual(splits.train.sampleShape, [1])
        XCTAssertEqual(splits.train.count + splits.validation.count + splits.test.count, 40)
    }

    func testKEELOutputsNamingAnUndeclaredAttributeIsRefusedWithItsLine() {
        let keel = "@relation r\n@attribute a real\n@attribute c {x,y}\n@inputs a\n@outputs klass\n@data\n1,x\n"
        assertClearError(try read("bad-outputs.dat", keel), contains: ["bad-outputs.dat:5:", "'klass' is not a declared @attribute"])
    }

    func testQuotedFieldsFollowRFC4180() throws {
        let csv = "1.5,\"red, dark\",\"say \"\"hi\"\"\"\n2,\"blue\nsky\",\"plain\"\n"
        let options = DelimitedReadOptions(categoricalColumns: [1: .discovered])
        let url = try writeTemporaryFile("quoted.csv", csv)
        let table = try DelimitedTableReader(options: options).read(url)
        XCTAssertEqual(table.schema.classNames, ["plain", "say \"hi\""])
        XCTAssertEqual(table.schema.columns[1].kind, .categorical(["blue\nsky", "red, dark"]))
        XCTAssertEqual(table.value(row: 0, column: 0), 1.5)
        XCTAssertEqual(table.value(row: 1, column: 1), 0)
        XCTAssertEqual(table.lineNumbers, [1, 2], "a record starts on the line of its first field")
    }

    func testUnterminatedQuoteIsRefusedAtTheLineWhereItOpened() {
        assertClearError(try read("open.csv", "1,2,a\n3,\"4,b\n5,6,c\n"),
                         contains: ["open.csv:2:", "unterminated quoted field"])
    }

    func testSemicolonTabAndWhitespaceSeparatedFilesAreDetected() throws {
        for (name, text) in [("semi.csv", "1.5;2;a\n3;4;b\n"), ("tab.tsv", "1.5\t2\ta\n3\t4\tb\n"),
                             ("space.txt", "  1.5   2 a\n3 4    b  \n")] {
            let table = try read(name, text)
            XCTAssertEqual(table.schema.columns.count, 2, name)
            XCTAssertEqual(table.value(row: 0, column: 0), 1.5, name)
            XCTAssertEqual(table.value(row: 1, column: 1), 4, name)
            XCTAssertEqual(table.schema.classNames, ["a", "b"], name)
        }
    }

    func testCROnlyLineEndsAreLines() throws {
        let table = try read("mac.csv", "1,2,a\r3,4,b\r\r5,6,a\r")
        XCTAssertEqual(table.rowCount, 3)
        XCTAssertEqual(table.lineNumbers, [1, 2, 4])
        XCTAssertEqual(table.value(row: 2, column: 1), 6)
    }

    // MARK: Malformed

    func testFileWithOnlyAClassColumnIsRefusedWithTheDelimiterHint() {
        assertClearError(try read("classes.csv", "a\nb\na\n"),
                         contains: ["classes.csv:1:", "1 column", "no feature besides the class", "--delimiter"])
    }

    func testAHugeRowIsRefusedByTheColumnBudgetBeforeItIsStored() {
        let wide = Array(repeating: "1", count: 150_001).joined(separator: ",") + ",a\n"
        assertClearError(try read("wide.csv", wide), contains: ["wide.csv:1:", "more than 100000 columns", "--max-features"])
    }

    func testNULByteIsRefusedWithItsOffset() {
        let bytes = Array("1,2,a\n3,4,b".utf8) + [0] + Array("\n".utf8)
        assertClearError(try readBytes("nul.csv", bytes), contains: ["nul.csv:2:", "NUL byte at byte offset 11"])
    }

    func testClassNameCutAtTheEndOfTheFileIsRefused() {
        let text = "1,2,Iris-setosa\n3,4,Iris-versicolor\n5,6,Iris-setosa\n7,8,Iris-versicolor\n9,9,Iris-versi"
        assertClearError(try read("cut.csv", text), contains: ["cut.csv:5:", "'Iris-versi'", "prefix of class 'Iris-versicolor'"])
    }

    func testClassNameWithAControlCharacterIsRefused() {
        assertClearError(try read("ctl.csv", "1,2,a\n3,4,b\u{1B}\n"), contains: ["ctl.csv:2:", "control character U+001B"])
    }

    func testNumericClassesThatArePrefixesOfEachOtherAreStillAccepted() throws {
        let table = try read("rings.csv", "1,1\n2,10\n3,10\n4,11\n")
        XCTAssertEqual(table.schema.classNames, ["1", "10", "11"])
    }

    func testAHugeCellOverflowingTheStandardDeviationNamesColumnAndLine() throws {
        let url = try writeTemporaryFile("huge.csv", (0..<20).map { "\($0 == 7 ? "1e308" : String($0)),\($0 % 5),\($0 % 2)" }.joined(separator: "\n"))
        assertClearError(try TabularSource(path: url.path).load(), contains: ["huge.csv:8:", "column 'x0'", "overflow"])
    }

    func testEveryFeatureMissingIsRefused() throws {
        let url = try writeTemporaryFile("missing.csv", (0..<20).map { "?,?,\($0 % 2)" }.joined(separator: "\n"))
        assertClearError(try TabularSource(path: url.path).load(), contains: ["missing.csv:", "every feature value", "missing"])
    }

    func testOneRowDataIsRefusedInsteadOfReportingPerfectAccuracy() throws {
        let url = try writeTemporaryFile("one.csv", "1,2,a\n")
        assertClearError(try loadData(["--data", url.path]), contains: ["one.csv", "1 class"])
        let two = try writeTemporaryFile("two.csv", "1,2,a\n3,4,b\n")
        assertClearError(try loadData(["--data", two.path]), contains: ["two.csv", "validation split is empty", "--validation-size"])
        assertClearError(try loadData(["--data", two.path, "--validation-size", "0"]), contains: ["two.csv", "test split is empty"])
    }

    func testSemicolonFileTrainsThroughTheCommandLineAndAnExplicitWrongDelimiterIsRefused() throws {
        let url = try writeTemporaryFile("semi.csv", (0..<40).map { "\($0);\($0 % 3);\($0 % 2)" }.joined(separator: "\n"))
        let sizes = try XCTUnwrap(splitSizes(try loadData(["--data", url.path])))
        XCTAssertEqual(sizes.train + sizes.validation + sizes.test, 40)
        assertClearError(try loadData(["--data", url.path, "--delimiter", ","]), contains: ["semi.csv:1:", "1 column", "','"])
    }

    func testValidationSizeCountAndFractionHoldOutThatMany() throws {
        let url = try writeTemporaryFile("v.csv", (0..<100).map { "\($0),\($0 % 7),\($0 % 2)" }.joined(separator: "\n"))
        let byCount = try XCTUnwrap(splitSizes(try loadData(["--data", url.path, "--validation-size", "20"])))
        XCTAssertEqual(byCount.validation, 20)
        let byFraction = try XCTUnwrap(splitSizes(try loadData(["--data", url.path, "--validation-size", "0.3"])))
        XCTAssertEqual(byFraction.validation, 30)
        XCTAssertEqual(byFraction.test, 16, "the test share stays 15 % (stratified rounding per class)")
        let none = try XCTUnwrap(splitSizes(try loadData(["--data", url.path, "--validation-size", "0"])))
        XCTAssertEqual(none.validation, 0)
        assertClearError(try loadData(["--data", url.path, "--validation-size=-3"]), contains: ["--validation-size", "-3"])
        assertClearError(try loadData(["--data", url.path, "--validation-size", "90"]), contains: ["v.csv", "leaves no training rows"])
    }

    func testEncodedWidthOverTheBudgetNamesTheOption() throws {
        let url = try writeTemporaryFile("w.csv", (0..<10).map { "\($0),\($0),\($0),\($0 % 2)" }.joined(separator: "\n"))
        assertClearError(try loadData(["--data", url.path, "--max-features", "2"]), contains: ["w.csv:1:", "more than 3 columns", "--max-features"])
    }

    func testDirectoryGivenAsDataIsRefusedByName() throws {
        let directory = try makeTemporaryDirectory()
        assertClearError(try loadData(["--dataset", "tabular", "--data", directory.path]), contains: [directory.path, "is a directory"])
        assertClearError(try TabularFileFormat.detect(directory).read(directory), contains: ["is a directory"])
    }

    func testPathUnderAFileNamesTheOperatingSystemReasonNotAFoundationCode() throws {
        let file = try writeTemporaryFile("plain.csv", "1,2,a\n")
        let url = file.appendingPathComponent("inner.csv")
        assertClearError(try TabularFileFormat.detect(url).read(url), contains: ["inner.csv", "cannot open", url.path, "Not a directory"])
    }

    func testUnreadableFileNamesTheOperatingSystemReasonNotAFoundationCode() throws {
        try XCTSkipIf(getuid() == 0, "root reads files whatever their permissions")
        let url = try writeTemporaryFile("locked.csv", "1,2,a\n")
        try FileManager.default.setAttributes([.posixPermissions: 0o000], ofItemAtPath: url.path)
        defer { try? FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: url.path) }
        assertClearError(try TabularFileFormat.detect(url).read(url), contains: ["locked.csv", "Permission denied"])
    }
}
