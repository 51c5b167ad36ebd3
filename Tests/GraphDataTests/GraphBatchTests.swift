import Foundation
import GraphData
import XCTest

/// A batch must be the disjoint union of its graphs, renumbered with node offsets, with features and labels intact.
final class GraphBatchTests: XCTestCase {
    /// Edge multiset of a CSR matrix as "row-col" strings.
    private func entries(rowOffsets: [Int], columnIndices: [Int32]) -> [String] {
        var result: [String] = []
        for row in 0..<(rowOffsets.count - 1) {
            for entry in rowOffsets[row]..<rowOffsets[row + 1] { result.append("\(row)-\(columnIndices[entry])") }
        }
        return result.sorted()
    }

    func testBatchOfTwoMUTAGGraphsIsTheUnionOfTheirEdgesWithOffsets() throws {
        let dataset = try TUDatasetReader.load(directory: try RealGraphData.requireDirectory("MUTAG"))
        let indicator = try RealGraphData.integers("MUTAG", "graph_indicator").map { $0[0] }
        let edges = try RealGraphData.integers("MUTAG", "A")
        let chosen = [17, 3]   // out of order on purpose
        let batch = try dataset.makeBatch(graphIndices: chosen)

        // Independent expectation: first node (1-based) of each graph from the indicator file.
        func firstNode(_ graph: Int) -> Int { indicator.firstIndex(of: graph + 1)! }
        func size(_ graph: Int) -> Int { indicator.filter { $0 == graph + 1 }.count }
        var expected: [String] = []
        var offset = 0
        for graph in chosen {
            for pair in edges where indicator[pair[0] - 1] == graph + 1 {
                expected.append("\(pair[0] - 1 - firstNode(graph) + offset)-\(pair[1] - 1 - firstNode(graph) + offset)")
            }
            offset += size(graph)
        }
        XCTAssertEqual(batch.nodeCount, size(17) + size(3))
        XCTAssertEqual(batch.graphCount, 2)
        XCTAssertEqual(batch.graphNodeOffsets, [0, size(17), size(17) + size(3)])
        XCTAssertEqual(entries(rowOffsets: batch.rowOffsets, columnIndices: batch.columnIndices), expected.sorted())
        XCTAssertEqual(batch.rowOffsets.count, batch.nodeCount + 1)
        XCTAssertTrue(batch.adjacency.isSymmetric)

        XCTAssertEqual(batch.nodeToGraph, [Int32](repeating: 0, count: size(17)) + [Int32](repeating: 1, count: size(3)))
        XCTAssertEqual(batch.labels, [dataset.labels[17], dataset.labels[3]])
        let f = dataset.featureCount
        let expectedFeatures = Array(dataset.nodeFeatures[(firstNode(17) * f)..<((firstNode(17) + size(17)) * f)])
            + Array(dataset.nodeFeatures[(firstNode(3) * f)..<((firstNode(3) + size(3)) * f)])
        XCTAssertEqual(batch.nodeFeatures, expectedFeatures)
        XCTAssertEqual(batch.edgeLabels?.count, batch.columnIndices.count)
    }

    func testBatchOfNonSymmetricGraphsKeepsTheTransposeOfEachBlock() throws {
        // Graph 1: directed cycle 1→2→3→1; graph 2: single arc 5→4.
        let dataset = try SyntheticTUDataset.valid(overriding: ["A": "1, 2\n2, 3\n3, 1\n5, 4\n"])
        defer { dataset.remove() }
        let loaded = try TUDatasetReader.load(directory: dataset.directory)
        XCTAssertFalse(loaded.adjacency.isSymmetric)
        let batch = try loaded.makeBatch(graphIndices: [1, 0])
        XCTAssertEqual(entries(rowOffsets: batch.rowOffsets, columnIndices: batch.columnIndices),
                       ["1-0", "2-3", "3-4", "4-2"])
        XCTAssertEqual(entries(rowOffsets: batch.adjacency.transposeRowOffsets,
                               columnIndices: batch.adjacency.transposeColumnIndices),
                       ["0-1", "2-4", "3-2", "4-3"])
    }

    func testRepeatedGraphInBatchIsCopiedTwice() throws {
        let dataset = try SyntheticTUDataset.valid()
        defer { dataset.remove() }
        let loaded = try TUDatasetReader.load(directory: dataset.directory)
        let batch = try loaded.makeBatch(graphIndices: [1, 1])
        XCTAssertEqual(entries(rowOffsets: batch.rowOffsets, columnIndices: batch.columnIndices),
                       ["0-1", "1-0", "2-3", "3-2"])
        XCTAssertEqual(batch.nodeToGraph, [0, 0, 1, 1])
    }

    func testBatchWithOutOfRangeGraphIndexThrows() throws {
        let dataset = try SyntheticTUDataset.valid()
        defer { dataset.remove() }
        let loaded = try TUDatasetReader.load(directory: dataset.directory)
        XCTAssertThrowsError(try loaded.makeBatch(graphIndices: [0, 2])) { error in
            XCTAssertTrue("\(error)".contains("graph index 2"), "\(error)")
        }
        XCTAssertThrowsError(try loaded.makeBatch(graphIndices: [-1]))
    }
}
