import Foundation
import GraphData
import XCTest

/// Loads the real MUTAG, PROTEINS and NCI1 files and checks the reader against independent readings of them.
final class RealTUDatasetTests: XCTestCase {
    /// Compares structure (graphs, nodes, edges, labels, per-graph ranges) with a naive parse of the same files.
    private func assertStructureMatchesFiles(_ name: String, dataset: GraphDataset, file: StaticString = #filePath,
                                             line: UInt = #line) throws {
        let indicator = try RealGraphData.integers(name, "graph_indicator").map { $0[0] }
        let graphLabels = try RealGraphData.integers(name, "graph_labels").map { $0[0] }
        let edges = try RealGraphData.integers(name, "A")
        XCTAssertEqual(dataset.nodeCount, indicator.count, file: file, line: line)
        XCTAssertEqual(dataset.graphCount, graphLabels.count, file: file, line: line)
        XCTAssertEqual(dataset.edgeCount, edges.count, file: file, line: line)

        // Node ranges: graph g owns exactly the nodes whose indicator line says g + 1.
        var nodesPerGraph = [Int](repeating: 0, count: graphLabels.count)
        for id in indicator { nodesPerGraph[id - 1] += 1 }
        for graph in 0..<dataset.graphCount {
            XCTAssertEqual(dataset.nodeRange(ofGraph: graph).count, nodesPerGraph[graph], file: file, line: line)
        }
        for node in [0, indicator.count / 2, indicator.count - 1] {
            XCTAssertTrue(dataset.nodeRange(ofGraph: indicator[node] - 1).contains(node), file: file, line: line)
        }

        // Labels: class c stands for the c-th smallest original value.
        let distinct = Array(Set(graphLabels)).sorted()
        XCTAssertEqual(dataset.classValues, distinct, file: file, line: line)
        for graph in 0..<graphLabels.count {
            XCTAssertEqual(dataset.classValues[dataset.labels[graph]], graphLabels[graph], file: file, line: line)
        }

        // Edges: the CSR rows hold exactly the file's pairs (as multisets).
        var expected: [Int: [Int]] = [:]
        for pair in edges { expected[pair[0] - 1, default: []].append(pair[1] - 1) }
        let adjacency = dataset.adjacency
        for node in 0..<dataset.nodeCount {
            let row = adjacency.columnIndices[adjacency.rowOffsets[node]..<adjacency.rowOffsets[node + 1]]
            XCTAssertEqual(row.map { Int($0) }.sorted(), (expected[node] ?? []).sorted(), "row \(node)",
                           file: file, line: line)
        }
    }

    func testMUTAGHas188GraphsTwoClassesAndSevenNodeLabels() throws {
        let dataset = try TUDatasetReader.load(directory: try RealGraphData.requireDirectory("MUTAG"))
        XCTAssertEqual(dataset.graphCount, 188)
        XCTAssertEqual(dataset.classCount, 2)
        XCTAssertEqual(dataset.classValues, [-1, 1])
        // README lists node labels 0 C … 6 Br; the file must use all seven.
        let nodeLabels = Set(try RealGraphData.integers("MUTAG", "node_labels").map { $0[0] })
        XCTAssertEqual(nodeLabels, Set(0...6))
        XCTAssertEqual(dataset.nodeLabelValues, Array(0...6))
        XCTAssertEqual(dataset.featureSource, .nodeLabels)
        XCTAssertEqual(dataset.featureCount, 7)
        try assertStructureMatchesFiles("MUTAG", dataset: dataset)
    }

    func testMUTAGNodeFeaturesAreOneHotOfTheNodeLabelFile() throws {
        let dataset = try TUDatasetReader.load(directory: try RealGraphData.requireDirectory("MUTAG"))
        let nodeLabels = try RealGraphData.integers("MUTAG", "node_labels").map { $0[0] }
        for node in 0..<dataset.nodeCount {
            let row = Array(dataset.nodeFeatures[(node * 7)..<(node * 7 + 7)])
            var expected = [Float](repeating: 0, count: 7)
            expected[nodeLabels[node]] = 1
            XCTAssertEqual(row, expected, "node \(node)")
        }
    }

    func testMUTAGEdgeLabelsFollowTheirEdgesIntoCSROrder() throws {
        let dataset = try TUDatasetReader.load(directory: try RealGraphData.requireDirectory("MUTAG"))
        let edges = try RealGraphData.integers("MUTAG", "A")
        let edgeLabels = try RealGraphData.integers("MUTAG", "edge_labels").map { $0[0] }
        let stored = try XCTUnwrap(dataset.edgeLabels)
        XCTAssertEqual(stored.count, edgeLabels.count)
        // Collect (source, target, label) triples both ways and compare as multisets.
        var fromFile: [String] = []
        for (index, pair) in edges.enumerated() { fromFile.append("\(pair[0] - 1)-\(pair[1] - 1):\(edgeLabels[index])") }
        var fromDataset: [String] = []
        let adjacency = dataset.adjacency
        for node in 0..<dataset.nodeCount {
            for entry in adjacency.rowOffsets[node]..<adjacency.rowOffsets[node + 1] {
                fromDataset.append("\(node)-\(adjacency.columnIndices[entry]):\(stored[entry])")
            }
        }
        XCTAssertEqual(fromFile.sorted(), fromDataset.sorted())
    }

    func testPROTEINSHas1113GraphsAndCombinesLabelsWithAttributes() throws {
        let directory = try RealGraphData.requireDirectory("PROTEINS")
        let dataset = try TUDatasetReader.load(directory: directory)
        XCTAssertEqual(dataset.graphCount, 1113)
        XCTAssertEqual(dataset.classCount, 2)
        XCTAssertTrue(dataset.adjacency.isSymmetric)
        try assertStructureMatchesFiles("PROTEINS", dataset: dataset)

        let labelValues = Array(Set(try RealGraphData.integers("PROTEINS", "node_labels").map { $0[0] })).sorted()
        let attributes = try RealGraphData.lines("PROTEINS", "node_attributes")
            .map { Float($0.trimmingCharacters(in: .whitespaces))! }
        let combined = try TUDatasetReader.load(directory: directory,
                                                options: TUDatasetOptions(nodeFeatures: .nodeLabelsAndAttributes))
        XCTAssertEqual(combined.nodeAttributeCount, 1)
        XCTAssertEqual(combined.featureCount, labelValues.count + 1)
        for node in [0, 1, 2, combined.nodeCount - 1] {
            XCTAssertEqual(combined.nodeFeatures[node * combined.featureCount + labelValues.count], attributes[node])
        }
        let attributeOnly = try TUDatasetReader.load(directory: directory,
                                                     options: TUDatasetOptions(nodeFeatures: .nodeAttributes))
        XCTAssertEqual(attributeOnly.featureCount, 1)
        XCTAssertEqual(attributeOnly.nodeFeatures, attributes)
    }

    func testNCI1Has4110GraphsAndCappedDegreeFeatures() throws {
        let directory = try RealGraphData.requireDirectory("NCI1")
        let dataset = try TUDatasetReader.load(directory: directory)
        XCTAssertEqual(dataset.graphCount, 4110)
        XCTAssertEqual(dataset.classCount, 2)
        try assertStructureMatchesFiles("NCI1", dataset: dataset)

        let cap = 3
        let degrees = try TUDatasetReader.load(directory: directory,
                                               options: TUDatasetOptions(nodeFeatures: .degree, maxDegree: cap))
        XCTAssertEqual(degrees.featureSource, .degree)
        XCTAssertEqual(degrees.featureCount, cap + 1)
        var degree = [Int](repeating: 0, count: degrees.nodeCount)
        for pair in try RealGraphData.integers("NCI1", "A") { degree[pair[0] - 1] += 1 }
        var sawCappedBucket = false, sawIsolated = false
        for node in 0..<degrees.nodeCount {
            var expected = [Float](repeating: 0, count: cap + 1)
            expected[min(degree[node], cap)] = 1
            sawCappedBucket = sawCappedBucket || degree[node] >= cap
            sawIsolated = sawIsolated || degree[node] == 0
            XCTAssertEqual(Array(degrees.nodeFeatures[(node * (cap + 1))..<((node + 1) * (cap + 1))]), expected,
                           "node \(node) of degree \(degree[node])")
        }
        XCTAssertTrue(sawCappedBucket && sawIsolated, "NCI1 should exercise both the first and the last bucket")
    }
}
