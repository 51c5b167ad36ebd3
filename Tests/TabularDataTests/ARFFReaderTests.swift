import Foundation
import MixupTestSupport
import TabularData
import XCTest

final class ARFFReaderTests: XCTestCase {
    /// Data lines of an ARFF file and their `?` tokens, counted by plain string splitting (independent of the reader).
    private func dataLinesAndMissingCount(_ url: URL) throws -> (rows: Int, missing: Int) {
        let lines = try rawLines(url)
        guard let start = lines.firstIndex(where: { $0.lowercased().hasPrefix("@data") }) else { return (0, 0) }
        var rows = 0, missing = 0
        for line in lines[(start + 1)...] {
            let t = line.trimmingCharacters(in: .whitespaces)
            if t.isEmpty || t.hasPrefix("%") { continue }
            rows += 1
            missing += t.split(separator: ",").filter { $0.trimmingCharacters(in: .whitespaces) == "?" }.count
        }
        return (rows, missing)
    }

    func testSoybeanReadsNominalAttributesAndMissingValues() throws {
        let url = try realDataFile("soybean.arff")
        let expected = try dataLinesAndMissingCount(url)
        let table = try ARFFReader().read(url)
        XCTAssertEqual(table.rowCount, expected.rows)
        XCTAssertEqual(table.rowCount, 683)
        XCTAssertEqual(table.missingCellCount, expected.missing)
        XCTAssertGreaterThan(table.missingCellCount, 0)
        XCTAssertEqual(table.schema.columns.count, 35)
        XCTAssertEqual(table.schema.columns[0].kind,
                       .categorical(["april", "may", "june", "july", "august", "september", "october"]))
        XCTAssertEqual(table.schema.classNames.count, 19)
        XCTAssertEqual(table.schema.classNames.first, "diaporthe-stem-canker")
        XCTAssertEqual(table.schema.classNames.last, "herbicide-injury")
        XCTAssertEqual(table.schema.className, "class")
    }

    func testVoteReadsQuotedNamesAndValuesWithMissingCells() throws {
        let url = try realDataFile("vote.arff")
        let expected = try dataLinesAndMissingCount(url)
        let table = try ARFFReader().read(url)
        XCTAssertEqual(table.rowCount, expected.rows)
        XCTAssertEqual(table.rowCount, 435)
        XCTAssertEqual(table.missingCellCount, expected.missing)
        XCTAssertEqual(table.schema.columns.count, 16)
        XCTAssertEqual(table.schema.columns[0], ColumnSchema(name: "handicapped-infants", kind: .categorical(["n", "y"])))
        XCTAssertEqual(table.schema.classNames, ["democrat", "republican"])
    }

    func testCreditGMixesNumericAndNominalAttributes() throws {
        let url = try realDataFile("credit-g.arff")
        let table = try ARFFReader().read(url)
        XCTAssertEqual(table.rowCount, 1000)
        XCTAssertEqual(table.schema.columns.count, 20)
        XCTAssertEqual(table.schema.columns.filter { $0.kind.isNumeric }.count, 7)
        XCTAssertEqual(table.schema.columns[0].kind, .categorical(["<0", "0<=X<200", ">=200", "no checking"]))
        XCTAssertEqual(table.schema.classNames, ["good", "bad"])
        // First data row: '<0',6,'critical/other existing credit',…,good
        XCTAssertEqual(table.value(row: 0, column: 0), 0)
        XCTAssertEqual(table.value(row: 0, column: 1), 6)
        XCTAssertEqual(table.value(row: 0, column: 2), 4)
        XCTAssertEqual(table.labels[0], 0)
        let encoder = try FeatureEncoder.fit(table, rows: Array(0..<table.rowCount))
        // 7 numeric + declared category counts 4+5+11+5+5+5+3+4+3+3+4+2+2 = 56 one-hot features.
        XCTAssertEqual(encoder.featureCount, 63)
    }

    func testClassAttributeCanBeChosenByName() throws {
        let text = """
        @relation r
        @attribute kind {x, y}
        @attribute size numeric
        @data
        x, 1.5
        y, 2
        """
        let table = try ARFFReader(options: ARFFReadOptions(classAttribute: "kind")).read(text: text, name: "r.arff")
        XCTAssertEqual(table.schema.classNames, ["x", "y"])
        XCTAssertEqual(table.schema.columns, [ColumnSchema(name: "size", kind: .continuous)])
        XCTAssertEqual(table.labels, [0, 1])
        assertTabularError(try ARFFReader(options: ARFFReadOptions(classAttribute: "nope")).read(text: text, name: "r.arff"),
                           startsWith: "r.arff:4:", contains: ["'nope'"])
    }

    func testKeywordsAreCaseInsensitiveAndQuotesCommentsAndIntegersWork() throws {
        let text = """
        % a comment
        @RELATION 'my data'
        @Attribute 'width in cm' REAL % trailing comment
        @ATTRIBUTE "count" integer
        @attribute colour { 'dark red', "it's", plain }
        @attribute class {a,b}

        @DATA
        % comment between rows
        1.5, 3, 'dark red', a
        ?, 4, 'it\\'s', b % note
        2.5e1, ?, plain, 'a'
        """
        let table = try ARFFReader().read(text: text, name: "q.arff")
        XCTAssertEqual(table.schema.columns.map(\.name), ["width in cm", "count", "colour"])
        XCTAssertEqual(table.schema.columns.map(\.kind), [.continuous, .discrete, .categorical(["dark red", "it's", "plain"])])
        XCTAssertEqual(table.rowCount, 3)
        XCTAssertEqual(table.lineNumbers, [10, 11, 12])
        XCTAssertNil(table.value(row: 1, column: 0))
        XCTAssertEqual(table.value(row: 1, column: 2), 1)
        XCTAssertEqual(table.value(row: 2, column: 0), 25)
        XCTAssertNil(table.value(row: 2, column: 1))
        XCTAssertEqual(table.labels, [0, 1, 0])
    }

    private let header = "@relation t\n@attribute a numeric\n@attribute c {x,y}\n@data\n"

    func testUnknownNominalValueIsRejectedWithFileAndLine() throws {
        let url = try writeTemporaryFile("unknown.arff", header + "1,x\n2,z\n")
        assertTabularError(try ARFFReader().read(url), startsWith: "unknown.arff:6:", contains: ["'z'", "'c'"])
    }

    func testNonNumericValueInNumericAttributeIsRejected() throws {
        let url = try writeTemporaryFile("num.arff", header + "1,x\nabc,y\n")
        assertTabularError(try ARFFReader().read(url), startsWith: "num.arff:6:", contains: ["'a' is numeric", "'abc'"])
    }

    func testRaggedRowIsRejectedWithFileAndLine() throws {
        let url = try writeTemporaryFile("ragged.arff", header + "1,x\n2,y,3\n")
        assertTabularError(try ARFFReader().read(url), startsWith: "ragged.arff:6:", contains: ["expected 2 values, found 3"])
    }

    func testMissingDataSectionIsRejected() throws {
        let url = try writeTemporaryFile("nodata.arff", "@relation t\n@attribute a numeric\n@attribute c {x,y}\n")
        assertTabularError(try ARFFReader().read(url), startsWith: "nodata.arff:3:", contains: ["missing @data"])
    }

    func testDataSectionWithoutRowsIsRejected() throws {
        let url = try writeTemporaryFile("norows.arff", header + "% nothing\n")
        assertTabularError(try ARFFReader().read(url), startsWith: "norows.arff:5:", contains: ["no data rows"])
    }

    func testEmptyFileIsRejected() throws {
        let url = try writeTemporaryFile("empty.arff", "")
        assertTabularError(try ARFFReader().read(url), startsWith: "empty.arff:1:", contains: ["empty"])
    }

    func testSparseRowsAreRejectedClearly() throws {
        let url = try writeTemporaryFile("sparse.arff", header + "{0 1, 1 x}\n")
        assertTabularError(try ARFFReader().read(url), startsWith: "sparse.arff:5:", contains: ["sparse"])
    }

    func testStringAttributeIsRejected() throws {
        let url = try writeTemporaryFile("string.arff", "@relation t\n@attribute s string\n@attribute c {x}\n@data\n'a',x\n")
        assertTabularError(try ARFFReader().read(url), startsWith: "string.arff:2:", contains: ["string"])
    }

    func testNumericClassIsRejected() throws {
        let url = try writeTemporaryFile("reg.arff", "@relation t\n@attribute c {x}\n@attribute y numeric\n@data\nx,1\n")
        assertTabularError(try ARFFReader().read(url), startsWith: "reg.arff:3:", contains: ["not nominal"])
    }

    func testMissingClassValueIsRejected() throws {
        let url = try writeTemporaryFile("noclass.arff", header + "1,?\n")
        assertTabularError(try ARFFReader().read(url), startsWith: "noclass.arff:5:", contains: ["class value"])
    }

    func testUnterminatedQuoteAndUnknownKeywordAreRejected() throws {
        let quote = try writeTemporaryFile("quote.arff", header + "1,'x\n")
        assertTabularError(try ARFFReader().read(quote), startsWith: "quote.arff:5:", contains: ["unterminated"])
        let keyword = try writeTemporaryFile("kw.arff", "@relation t\n@atribute a numeric\n")
        assertTabularError(try ARFFReader().read(keyword), startsWith: "kw.arff:2:", contains: ["@atribute"])
        let stray = try writeTemporaryFile("stray.arff", "@relation t\nhello\n")
        assertTabularError(try ARFFReader().read(stray), startsWith: "stray.arff:2:", contains: ["expected @relation"])
    }

    func testDuplicateNominalValueAndAttributeAreRejected() throws {
        let values = try writeTemporaryFile("dup.arff", "@relation t\n@attribute c {x, y, x}\n@data\nx\n")
        assertTabularError(try ARFFReader().read(values), startsWith: "dup.arff:2:", contains: ["'x'", "twice"])
        let names = try writeTemporaryFile("dupname.arff", "@relation t\n@attribute a numeric\n@attribute a {x}\n@data\n")
        assertTabularError(try ARFFReader().read(names), startsWith: "dupname.arff:3:", contains: ["twice"])
    }

    func testSegmentTestFileIsReadAgainstTheTrainingHeader() throws {
        let trainURL = try realDataFile("segment-challenge.arff")
        let testURL = try realDataFile("segment-test.arff")
        let train = try ARFFReader().read(trainURL)
        let test = try ARFFReader().read(testURL, matching: train.schema)
        XCTAssertEqual(train.rowCount, try dataLinesAndMissingCount(trainURL).rows)
        XCTAssertEqual(test.rowCount, try dataLinesAndMissingCount(testURL).rows)
        XCTAssertEqual(train.rowCount, 1500)
        XCTAssertEqual(test.rowCount, 810)
        XCTAssertEqual(test.schema, train.schema)
        XCTAssertEqual(train.schema.columns.count, 19)
    }

    func testTestValueUnknownToTrainingHeaderIsRejectedWithFileAndLine() throws {
        let train = try ARFFReader().read(text: header + "1,x\n2,y\n", name: "train.arff")
        // The test header declares an extra value 'z'; using it must fail even though its own header allows it.
        let testURL = try writeTemporaryFile("test.arff", "@relation t\n@attribute a numeric\n@attribute c {x,y,z}\n@data\n1,y\n3,z\n")
        assertTabularError(try ARFFReader().read(testURL, matching: train.schema),
                           startsWith: "test.arff:6:", contains: ["'z'", "training header"])
        // A different attribute list is rejected at the header.
        let other = try writeTemporaryFile("other.arff", "@relation t\n@attribute b numeric\n@attribute c {x,y}\n@data\n1,y\n")
        assertTabularError(try ARFFReader().read(other, matching: train.schema), startsWith: "other.arff:2:", contains: ["'b'"])
    }
}
