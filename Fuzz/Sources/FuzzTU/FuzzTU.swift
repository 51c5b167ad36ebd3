import FuzzSupport
import GraphData

/// The TU dataset files, in the order the fuzz input lists them (the first three are required).
let tuFiles = ["graph_indicator", "graph_labels", "A", "node_labels", "node_attributes", "edge_labels"]

/// TU harness: the body is split at `|` into the files of a dataset folder `FZ` (graph indicator, graph labels,
/// edges, then optional node labels, node attributes, edge labels; a missing part is a missing file), loaded with
/// `TUDatasetReader.load`; the mode byte picks the node feature source and `maxDegree`. On success: graphs are
/// non-empty contiguous node ranges, one label per graph in range, edges stay inside their graph, the feature
/// matrix is nodes × features and finite, and its size stays in proportion to the input (no quadratic one-hot).
@_cdecl("FuzzTU_main")
func fuzzTUMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    let scratch = FuzzScratch("tu")
    return runFuzzer(argc: argc, argv: argv) { raw in
        let input = FuzzInput(raw)
        let parts = input.parts(separator: Array("|".utf8), maxParts: tuFiles.count)
        for (index, file) in tuFiles.enumerated() {
            if index < parts.count { scratch.write(parts[index], to: "FZ_\(file).txt") } else { scratch.remove("FZ_\(file).txt") }
        }
        let sources = NodeFeatureSource.allCases
        let options = TUDatasetOptions(nodeFeatures: sources[Int(input.mode & 7) % sources.count],
                                       maxDegree: 1 + Int(input.mode >> 3))
        let dataset: GraphDataset
        do {
            dataset = try TUDatasetReader.load(directory: scratch.directory, name: "FZ", options: options)
        } catch {
            checkErrorMessage(error)
            return
        }
        let offsets = dataset.graphNodeOffsets
        invariant(offsets.first == 0 && offsets.count >= 2, "graph offsets \(offsets.prefix(4))")
        for g in 0..<dataset.graphCount { invariant(offsets[g] < offsets[g + 1], "graph \(g) has no nodes") }
        invariant(dataset.labels.count == dataset.graphCount, "\(dataset.labels.count) labels, \(dataset.graphCount) graphs")
        for label in dataset.labels { invariant(label >= 0 && label < dataset.classCount, "graph label \(label)") }
        invariant(dataset.classValues == Array(Set(dataset.classValues)).sorted(), "class values not sorted distinct")
        let adjacency = dataset.adjacency
        invariant(adjacency.nodeCount == dataset.nodeCount, "adjacency over \(adjacency.nodeCount) nodes")
        for g in 0..<dataset.graphCount {
            let nodes = dataset.nodeRange(ofGraph: g)
            for node in nodes {
                for k in adjacency.rowOffsets[node]..<adjacency.rowOffsets[node + 1] {
                    invariant(nodes.contains(Int(adjacency.columnIndices[k])), "edge leaves graph \(g)")
                }
            }
        }
        invariant(dataset.nodeFeatures.count == dataset.nodeCount * dataset.featureCount,
                  "\(dataset.nodeFeatures.count) features for \(dataset.nodeCount) × \(dataset.featureCount)")
        for value in dataset.nodeFeatures { invariant(value.isFinite, "non-finite node feature \(value)") }
        if let attributes = dataset.nodeAttributes {
            invariant(attributes.count == dataset.nodeCount * dataset.nodeAttributeCount, "attribute matrix size")
        }
        if let edgeLabels = dataset.edgeLabels {
            invariant(edgeLabels.count == dataset.edgeCount, "\(edgeLabels.count) edge labels, \(dataset.edgeCount) edges")
        }
        // Budget: 64 feature values per input byte (+ 4096). Real TU sets stay far below it (PROTEINS: ~0.1 per
        // byte; degree features with this harness's maxDegree ≤ 32 reach ~17), while one-hot node labels with as
        // many distinct labels as nodes grow quadratically and exceed it from about 400 nodes on.
        invariant(dataset.nodeFeatures.count <= 64 * raw.count + 4096,
                  "\(dataset.nodeFeatures.count) feature values from a \(raw.count)-byte dataset")
    }
}
