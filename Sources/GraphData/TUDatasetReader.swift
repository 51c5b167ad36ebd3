import Foundation

/// Reads a graph-classification dataset in the TUDataset text format (Morris et al. 2020).
///
/// Files, for dataset `DS`: `DS_A.txt` (edges "i, j", 1-based node ids), `DS_graph_indicator.txt` (graph id of each
/// node), `DS_graph_labels.txt` (class of each graph); optional `DS_node_labels.txt`, `DS_node_attributes.txt`,
/// `DS_edge_labels.txt`. Inconsistencies between the files are reported with the file and line where they show.
public enum TUDatasetReader {
    /// Largest node feature matrix (in floats) the reader will allocate: 2³⁰ values, 4 GiB.
    public static let maxFeatureValues = 1 << 30

    /// Loads the dataset in `directory`; `name` (the `DS` prefix) defaults to the directory's last path component.
    public static func load(directory: URL, name: String? = nil,
                            options: TUDatasetOptions = TUDatasetOptions()) throws -> GraphDataset {
        let name = name ?? directory.lastPathComponent
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory),
              isDirectory.boolValue else {
            throw GraphDataError(file: directory.lastPathComponent,
                                 message: "dataset directory not found at \(directory.path)")
        }
        func url(_ suffix: String) -> URL { directory.appendingPathComponent("\(name)_\(suffix).txt") }

        // Nodes and graphs.
        let indicatorFile = try TUTextFile.read(url("graph_indicator"), required: true)!
        let graphIDs = try indicatorFile.integerColumn()
        let graphNodeOffsets = try nodeOffsets(graphIDs: graphIDs, file: indicatorFile)
        let nodeCount = graphIDs.count
        let graphCount = graphNodeOffsets.count - 1

        // Graph labels.
        let graphLabelFile = try TUTextFile.read(url("graph_labels"), required: true)!
        let rawLabels = try graphLabelFile.integerColumn()
        try checkCount(rawLabels.count, expected: graphCount, file: graphLabelFile, what: "graph labels",
                       reference: "\(indicatorFile.name) defines \(graphCount) graphs")
        let classValues = Array(Set(rawLabels)).sorted()
        let classIndex = Dictionary(uniqueKeysWithValues: classValues.enumerated().map { ($1, $0) })
        var labels = [Int]()
        labels.reserveCapacity(graphCount)
        for value in rawLabels { labels.append(classIndex[value] ?? 0) }

        // Edges.
        let edgeFile = try TUTextFile.read(url("A"), required: true)!
        let (rawSources, rawTargets) = try edgeFile.integerPairs()
        var sources = [Int32](), targets = [Int32]()
        sources.reserveCapacity(rawSources.count)
        targets.reserveCapacity(rawTargets.count)
        for index in 0..<rawSources.count {
            let source = rawSources[index], target = rawTargets[index]
            if source < 1 || source > nodeCount || target < 1 || target > nodeCount {
                let endpoint = (source < 1 || source > nodeCount) ? source : target
                throw edgeFile.error(line: index + 1, "edge endpoint \(endpoint) refers to a node that does not exist "
                                     + "(\(indicatorFile.name) lists nodes 1...\(nodeCount))")
            }
            let sourceGraph = graphIDs[source - 1], targetGraph = graphIDs[target - 1]
            guard sourceGraph == targetGraph else {
                throw edgeFile.error(line: index + 1, "edge joins node \(source) of graph \(sourceGraph) and node "
                                     + "\(target) of graph \(targetGraph); edges must stay within one graph")
            }
            sources.append(Int32(source - 1))
            targets.append(Int32(target - 1))
        }
        let forward = SparseAdjacency.compressedRows(nodeCount: nodeCount, rows: sources, columns: targets)
        let adjacency = SparseAdjacency(nodeCount: nodeCount, rowOffsets: forward.rowOffsets,
                                        columnIndices: SparseAdjacency.gather(targets, order: forward.order),
                                        sources: sources, targets: targets)

        // Optional per-edge and per-node files.
        var edgeLabels: [Int]? = nil
        if let file = try TUTextFile.read(url("edge_labels"), required: false) {
            let values = try file.integerColumn()
            try checkCount(values.count, expected: sources.count, file: file, what: "edge labels",
                           reference: "\(edgeFile.name) lists \(sources.count) edges")
            edgeLabels = SparseAdjacency.gather(values, order: forward.order)
        }
        var nodeLabels: [Int]? = nil
        let nodeLabelFile = try TUTextFile.read(url("node_labels"), required: false)
        if let file = nodeLabelFile {
            let values = try file.integerColumn()
            try checkCount(values.count, expected: nodeCount, file: file, what: "node labels",
                           reference: "\(indicatorFile.name) lists \(nodeCount) nodes")
            nodeLabels = values
        }
        var nodeAttributes: [Float]? = nil
        var nodeAttributeCount = 0
        let attributeFile = try TUTextFile.read(url("node_attributes"), required: false)
        if let file = attributeFile {
            let table = try file.floatRows()
            try checkCount(table.rowCount, expected: nodeCount, file: file, what: "node attribute rows",
                           reference: "\(indicatorFile.name) lists \(nodeCount) nodes")
            nodeAttributes = table.values
            nodeAttributeCount = table.columnCount
        }
        let nodeLabelValues = nodeLabels.map { Array(Set($0)).sorted() } ?? []

        // Node features.
        var source = options.nodeFeatures
        if source == .automatic {
            source = nodeLabels != nil ? .nodeLabels : (nodeAttributes != nil ? .nodeAttributes : .degree)
        }
        let usesLabels = source == .nodeLabels || source == .nodeLabelsAndAttributes
        let usesAttributes = source == .nodeAttributes || source == .nodeLabelsAndAttributes
        if usesLabels && nodeLabels == nil {
            throw GraphDataError(file: url("node_labels").lastPathComponent,
                                 message: "required file is missing for node features '\(source.rawValue)'")
        }
        if usesAttributes && nodeAttributes == nil {
            throw GraphDataError(file: url("node_attributes").lastPathComponent,
                                 message: "required file is missing for node features '\(source.rawValue)'")
        }
        if source == .degree && !(1...TUDatasetOptions.maxDegreeLimit).contains(options.maxDegree) {
            throw GraphDataError(file: nil, message: "maxDegree must be in 1...\(TUDatasetOptions.maxDegreeLimit), "
                                 + "got \(options.maxDegree)")
        }
        if usesLabels && nodeLabelValues.count > options.maximumOneHotWidth {
            throw GraphDataError(file: nodeLabelFile?.name, message: "\(nodeLabelValues.count) distinct node labels would "
                                 + "make a \(nodeLabelValues.count)-wide one-hot feature per node, more than the budget of "
                                 + "\(options.maximumOneHotWidth) (raise it with --max-one-hot)")
        }
        let featureCount: Int
        switch source {
        case .degree: featureCount = options.maxDegree + 1
        default: featureCount = (usesLabels ? nodeLabelValues.count : 0) + (usesAttributes ? nodeAttributeCount : 0)
        }
        guard featureCount == 0 || nodeCount <= maxFeatureValues / featureCount else {
            let culprit = usesLabels ? nodeLabelFile?.name : attributeFile?.name
            throw GraphDataError(file: culprit, message: "\(nodeCount) nodes × \(featureCount) features exceeds the "
                                 + "limit of \(maxFeatureValues) feature values")
        }
        var features = [Float](repeating: 0, count: nodeCount * featureCount)
        if source == .degree {
            for node in 0..<nodeCount {
                let bucket = min(adjacency.degree(of: node), options.maxDegree)
                features[node * featureCount + bucket] = 1
            }
        } else {
            var column = 0
            if usesLabels, let nodeLabels {
                let labelIndex = Dictionary(uniqueKeysWithValues: nodeLabelValues.enumerated().map { ($1, $0) })
                for node in 0..<nodeCount {
                    features[node * featureCount + (labelIndex[nodeLabels[node]] ?? 0)] = 1
                }
                column = nodeLabelValues.count
            }
            if usesAttributes, let nodeAttributes {
                for node in 0..<nodeCount {
                    for attribute in 0..<nodeAttributeCount {
                        features[node * featureCount + column + attribute] =
                            nodeAttributes[node * nodeAttributeCount + attribute]
                    }
                }
            }
        }

        return GraphDataset(name: name, graphNodeOffsets: graphNodeOffsets, adjacency: adjacency,
                            nodeFeatures: features, featureCount: featureCount, featureSource: source,
                            maxDegree: options.maxDegree, labels: labels, classValues: classValues,
                            nodeLabels: nodeLabels, nodeLabelValues: nodeLabelValues, nodeAttributes: nodeAttributes,
                            nodeAttributeCount: nodeAttributeCount, edgeLabels: edgeLabels)
    }

    /// Validates graph ids (start at 1, non-decreasing, no gaps) and returns the node offsets of each graph.
    private static func nodeOffsets(graphIDs: [Int], file: TUTextFile) throws -> [Int] {
        guard let first = graphIDs.first else {
            throw file.error(line: nil, "file lists no nodes")
        }
        guard graphIDs.count < Int(Int32.max) else {
            throw file.error(line: nil, "\(graphIDs.count) nodes exceed the supported \(Int32.max)")
        }
        guard first == 1 else {
            throw file.error(line: 1, "graph ids must start at 1, found \(first)")
        }
        var offsets = [0]
        var previous = 1
        for (node, id) in graphIDs.enumerated() where id != previous {
            if id < previous {
                throw file.error(line: node + 1, "graph id \(id) follows graph id \(previous); the nodes of each graph "
                                 + "must be listed together in ascending graph order")
            }
            if id > previous + 1 {
                throw file.error(line: node + 1, "graph id jumps from \(previous) to \(id); graph ids must be "
                                 + "contiguous (graph \(previous + 1) has no nodes)")
            }
            offsets.append(node)
            previous = id
        }
        offsets.append(graphIDs.count)
        return offsets
    }

    /// Throws at the first line past the shorter side when a per-item file has the wrong number of lines.
    private static func checkCount(_ found: Int, expected: Int, file: TUTextFile, what: String,
                                   reference: String) throws {
        if found < expected {
            throw file.error(line: found + 1, "file ends after \(found) \(what), but \(reference)")
        }
        if found > expected {
            throw file.error(line: expected + 1, "found \(found) \(what), but \(reference)")
        }
    }
}
