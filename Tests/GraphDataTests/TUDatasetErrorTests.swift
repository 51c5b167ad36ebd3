import Foundation
import GraphData
import XCTest

/// Every inconsistency in TU files must surface as a GraphDataError naming the file and, where meaningful, the line.
final class TUDatasetErrorTests: XCTestCase {
    /// Loads the synthetic dataset with `overrides` and asserts the error's file, line and description prefix.
    private func assertLoadFails(_ overrides: [String: String?], options: TUDatasetOptions = TUDatasetOptions(),
                                 file expectedFile: String, line expectedLine: Int?, mentioning words: String? = nil,
                                 file: StaticString = #filePath, line: UInt = #line) throws {
        let dataset = try SyntheticTUDataset.valid(overriding: overrides)
        defer { dataset.remove() }
        XCTAssertThrowsError(try TUDatasetReader.load(directory: dataset.directory, options: options),
                             file: file, line: line) { error in
            guard let error = error as? GraphDataError else {
                return XCTFail("expected GraphDataError, got \(error)", file: file, line: line)
            }
            XCTAssertEqual(error.file, expectedFile, "\(error)", file: file, line: line)
            XCTAssertEqual(error.line, expectedLine, "\(error)", file: file, line: line)
            let prefix = expectedLine.map { "\(expectedFile):\($0): " } ?? "\(expectedFile): "
            XCTAssertTrue(error.description.hasPrefix(prefix), "'\(error)' should start with '\(prefix)'",
                          file: file, line: line)
            if let words {
                XCTAssertTrue(error.description.contains(words), "'\(error)' should mention '\(words)'",
                              file: file, line: line)
            }
        }
    }

    func testValidSyntheticDatasetLoads() throws {
        let dataset = try SyntheticTUDataset.valid()
        defer { dataset.remove() }
        let loaded = try TUDatasetReader.load(directory: dataset.directory)
        XCTAssertEqual(loaded.graphCount, 2)
        XCTAssertEqual(loaded.nodeCount, 5)
        XCTAssertEqual(loaded.edgeCount, 8)
        XCTAssertEqual(loaded.labels, [0, 1])
        XCTAssertEqual(loaded.classValues, [-1, 1])
        XCTAssertEqual(loaded.featureSource, .degree, "no labels or attributes: degree features")
    }

    func testEdgeToMissingNodeIsRejectedWithFileAndLine() throws {
        try assertLoadFails(["A": "1, 2\n2, 1\n2, 9\n"], file: "TOY_A.txt", line: 3, mentioning: "9")
        try assertLoadFails(["A": "0, 1\n"], file: "TOY_A.txt", line: 1, mentioning: "does not exist")
    }

    func testEdgeBetweenGraphsIsRejectedWithFileAndLine() throws {
        try assertLoadFails(["A": "1, 2\n2, 1\n3, 4\n"], file: "TOY_A.txt", line: 3, mentioning: "graph")
    }

    func testNonIntegerTokensAreRejectedWithFileAndLine() throws {
        try assertLoadFails(["A": "1, 2\n2, x\n"], file: "TOY_A.txt", line: 2, mentioning: "'x'")
        try assertLoadFails(["graph_indicator": "1\n1\n1.5\n2\n2\n"], file: "TOY_graph_indicator.txt", line: 3,
                            mentioning: "1.5")
        try assertLoadFails(["graph_labels": "-1\nabc\n"], file: "TOY_graph_labels.txt", line: 2, mentioning: "abc")
        try assertLoadFails(["graph_labels": "-1\n99999999999999999999\n"], file: "TOY_graph_labels.txt", line: 2,
                            mentioning: "out of range")
    }

    func testEdgeLineWithWrongFieldCountIsRejected() throws {
        try assertLoadFails(["A": "1, 2\n2 1\n"], file: "TOY_A.txt", line: 2, mentioning: "2 comma-separated")
        try assertLoadFails(["A": "1, 2, 3\n"], file: "TOY_A.txt", line: 1, mentioning: "found 3")
    }

    func testBlankLineInsideAFileIsRejected() throws {
        try assertLoadFails(["graph_indicator": "1\n1\n\n2\n2\n"], file: "TOY_graph_indicator.txt", line: 3)
    }

    func testTrailingBlankLinesAndCarriageReturnsAreAccepted() throws {
        let dataset = try SyntheticTUDataset.valid(overriding: [
            "graph_indicator": "1\r\n1\r\n1\r\n2\r\n2\r\n\r\n\n",
            "graph_labels": "-1\n1",
        ])
        defer { dataset.remove() }
        let loaded = try TUDatasetReader.load(directory: dataset.directory)
        XCTAssertEqual(loaded.nodeCount, 5)
        XCTAssertEqual(loaded.graphCount, 2)
    }

    func testNodeLabelCountDisagreeingWithIndicatorIsRejected() throws {
        try assertLoadFails(["node_labels": "0\n1\n0\n1\n"], file: "TOY_node_labels.txt", line: 5,
                            mentioning: "5 nodes")
        try assertLoadFails(["node_labels": "0\n1\n0\n1\n0\n1\n"], file: "TOY_node_labels.txt", line: 6,
                            mentioning: "5 nodes")
    }

    func testNodeAttributeProblemsAreRejectedWithFileAndLine() throws {
        try assertLoadFails(["node_attributes": "1.0\n2.0\n3.0\n4.0\n5.0\n6.0\n"], file: "TOY_node_attributes.txt",
                            line: 6)
        try assertLoadFails(["node_attributes": "1.0, 2.0\n3.0\n"], file: "TOY_node_attributes.txt", line: 2,
                            mentioning: "expected 2")
        try assertLoadFails(["node_attributes": "1.0\n2.0\nnan\n4.0\n5.0\n"], file: "TOY_node_attributes.txt",
                            line: 3, mentioning: "not finite")
        try assertLoadFails(["node_attributes": "1.0\n2.0\nfoo\n4.0\n5.0\n"], file: "TOY_node_attributes.txt",
                            line: 3, mentioning: "foo")
    }

    func testEdgeLabelCountDisagreeingWithEdgesIsRejected() throws {
        try assertLoadFails(["edge_labels": "0\n0\n1\n1\n0\n0\n"], file: "TOY_edge_labels.txt", line: 7,
                            mentioning: "8 edges")
    }

    func testNonContiguousGraphIdsAreRejectedWithFileAndLine() throws {
        try assertLoadFails(["graph_indicator": "1\n1\n1\n3\n3\n"], file: "TOY_graph_indicator.txt", line: 4,
                            mentioning: "contiguous")
        try assertLoadFails(["graph_indicator": "2\n2\n2\n3\n3\n"], file: "TOY_graph_indicator.txt", line: 1,
                            mentioning: "start at 1")
        try assertLoadFails(["graph_indicator": "1\n2\n1\n2\n2\n"], file: "TOY_graph_indicator.txt", line: 3)
    }

    func testGraphLabelCountDisagreeingWithGraphsIsRejected() throws {
        try assertLoadFails(["graph_labels": "1\n"], file: "TOY_graph_labels.txt", line: 2, mentioning: "2 graphs")
        try assertLoadFails(["graph_labels": "1\n1\n-1\n"], file: "TOY_graph_labels.txt", line: 3,
                            mentioning: "2 graphs")
    }

    func testMissingRequiredFilesAreNamed() throws {
        for suffix in ["A", "graph_indicator", "graph_labels"] {
            try assertLoadFails([suffix: nil], file: "TOY_\(suffix).txt", line: nil, mentioning: "missing")
        }
        try assertLoadFails([:], options: TUDatasetOptions(nodeFeatures: .nodeLabels), file: "TOY_node_labels.txt",
                            line: nil, mentioning: "missing")
        try assertLoadFails(["node_labels": "0\n1\n0\n1\n0\n"],
                            options: TUDatasetOptions(nodeFeatures: .nodeLabelsAndAttributes),
                            file: "TOY_node_attributes.txt", line: nil, mentioning: "missing")
    }

    func testMissingDirectoryAndBadDegreeCapAreReported() throws {
        let nowhere = FileManager.default.temporaryDirectory.appendingPathComponent("no-such-\(UUID().uuidString)")
        XCTAssertThrowsError(try TUDatasetReader.load(directory: nowhere)) { error in
            XCTAssertTrue("\(error)".contains(nowhere.lastPathComponent), "\(error)")
        }
        let dataset = try SyntheticTUDataset.valid()
        defer { dataset.remove() }
        XCTAssertThrowsError(try TUDatasetReader.load(directory: dataset.directory,
                                                      options: TUDatasetOptions(nodeFeatures: .degree, maxDegree: 0))) {
            XCTAssertTrue("\($0)".contains("maxDegree"), "\($0)")
        }
    }

    func testDegreeFeaturesOfSyntheticGraphUseLastBucketForHighDegrees() throws {
        // Triangle: every node has degree 2; path: degree 1. With cap 2, degree 2 falls in the "≥ 2" bucket.
        let dataset = try SyntheticTUDataset.valid()
        defer { dataset.remove() }
        let loaded = try TUDatasetReader.load(directory: dataset.directory,
                                              options: TUDatasetOptions(nodeFeatures: .degree, maxDegree: 2))
        XCTAssertEqual(loaded.featureCount, 3)
        XCTAssertEqual(loaded.nodeFeatures, [0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 1, 0, 0, 1, 0])
    }

    func testCombinedLabelsAndAttributesAreConcatenatedPerNode() throws {
        let dataset = try SyntheticTUDataset.valid(overriding: [
            "node_labels": "7\n3\n7\n3\n3\n",
            "node_attributes": "0.5, -1\n1.5, -2\n2.5, -3\n3.5, -4\n4.5, -5\n",
        ])
        defer { dataset.remove() }
        let loaded = try TUDatasetReader.load(directory: dataset.directory,
                                              options: TUDatasetOptions(nodeFeatures: .nodeLabelsAndAttributes))
        XCTAssertEqual(loaded.nodeLabelValues, [3, 7])
        XCTAssertEqual(loaded.featureCount, 4)
        XCTAssertEqual(Array(loaded.nodeFeatures[0..<8]), [0, 1, 0.5, -1, 1, 0, 1.5, -2])
    }
}
