import Foundation
import GraphData
import SeededRandom
import XCTest

/// The CSR neighbour sums must equal dense matrix products with the adjacency and its transpose.
final class NeighbourSumTests: XCTestCase {
    /// Dense `A · X` (or `Aᵀ · X`) from coordinate lists, in Double.
    private func denseProduct(nodeCount: Int, sources: [Int32], targets: [Int32], features: [Float],
                              featureCount: Int, transposed: Bool) -> [Float] {
        var dense = [[Double]](repeating: [Double](repeating: 0, count: nodeCount), count: nodeCount)
        for index in 0..<sources.count {
            let (row, column) = transposed ? (Int(targets[index]), Int(sources[index]))
                                           : (Int(sources[index]), Int(targets[index]))
            dense[row][column] += 1
        }
        var result = [Float](repeating: 0, count: nodeCount * featureCount)
        for row in 0..<nodeCount {
            for feature in 0..<featureCount {
                var sum = 0.0
                for column in 0..<nodeCount { sum += dense[row][column] * Double(features[column * featureCount + feature]) }
                result[row * featureCount + feature] = Float(sum)
            }
        }
        return result
    }

    func testNeighbourSumMatchesDenseProductOnRandomDirectedMultigraph() throws {
        var generator = SplitMix64(seed: 7)
        let nodeCount = 23, featureCount = 5, edgeCount = 90
        var sources = [Int32](), targets = [Int32]()
        for _ in 0..<edgeCount {
            sources.append(Int32(UInt64(generator.bounded(nodeCount))))
            targets.append(Int32(UInt64(generator.bounded(nodeCount))))
        }
        let features = (0..<(nodeCount * featureCount)).map { _ in
            Float(UInt64(generator.bounded(2001))) / 1000 - 1
        }
        let adjacency = try SparseAdjacency(nodeCount: nodeCount, sources: sources, targets: targets)
        XCTAssertFalse(adjacency.isSymmetric)

        var output: [Float] = []
        adjacency.neighbourSum(features: features, featureCount: featureCount, into: &output)
        let expected = denseProduct(nodeCount: nodeCount, sources: sources, targets: targets, features: features,
                                    featureCount: featureCount, transposed: false)
        for index in 0..<expected.count { XCTAssertEqual(output[index], expected[index], accuracy: 1e-5) }

        var transposedOutput: [Float] = []
        adjacency.transposedNeighbourSum(features: features, featureCount: featureCount, into: &transposedOutput)
        let expectedTransposed = denseProduct(nodeCount: nodeCount, sources: sources, targets: targets,
                                              features: features, featureCount: featureCount, transposed: true)
        for index in 0..<expected.count {
            XCTAssertEqual(transposedOutput[index], expectedTransposed[index], accuracy: 1e-5)
        }
        XCTAssertNotEqual(output, transposedOutput, "a directed graph must not reuse the forward rows backwards")

        // accumulate adds onto what is already there.
        var accumulated = [Float](repeating: 1, count: nodeCount * featureCount)
        adjacency.neighbourSum(features: features, featureCount: featureCount, into: &accumulated, accumulate: true)
        for index in 0..<expected.count { XCTAssertEqual(accumulated[index], expected[index] + 1, accuracy: 1e-5) }
    }

    func testSymmetricInputSharesForwardRowsForTranspose() throws {
        let adjacency = try SparseAdjacency(nodeCount: 3, sources: [0, 1, 1, 2], targets: [1, 0, 2, 1])
        XCTAssertTrue(adjacency.isSymmetric)
        XCTAssertEqual(adjacency.transposeRowOffsets, adjacency.rowOffsets)
        XCTAssertEqual(adjacency.transposeColumnIndices, adjacency.columnIndices)
    }

    func testNeighbourSumOnMUTAGBatchMatchesDenseProduct() throws {
        let dataset = try TUDatasetReader.load(directory: try RealGraphData.requireDirectory("MUTAG"))
        let batch = try dataset.makeBatch(graphIndices: [0, 1, 2])
        var sources = [Int32](), targets = [Int32]()
        for row in 0..<batch.nodeCount {
            for entry in batch.rowOffsets[row]..<batch.rowOffsets[row + 1] {
                sources.append(Int32(row))
                targets.append(batch.columnIndices[entry])
            }
        }
        var output: [Float] = []
        batch.adjacency.neighbourSum(features: batch.nodeFeatures, featureCount: batch.featureCount, into: &output)
        let expected = denseProduct(nodeCount: batch.nodeCount, sources: sources, targets: targets,
                                    features: batch.nodeFeatures, featureCount: batch.featureCount, transposed: false)
        XCTAssertEqual(output, expected)
    }

    func testAdjacencyRejectsOutOfRangeIndices() {
        XCTAssertThrowsError(try SparseAdjacency(nodeCount: 2, sources: [0, 2], targets: [1, 0]))
        XCTAssertThrowsError(try SparseAdjacency(nodeCount: 2, sources: [0], targets: [1, 0]))
    }
}
