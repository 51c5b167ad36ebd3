import Foundation

/// Writes a small TU dataset into a fresh temporary directory so tests can exercise good and bad inputs.
struct SyntheticTUDataset {
    /// The dataset directory (its last component is the dataset name).
    let directory: URL
    /// Dataset name, the `DS` prefix of each file.
    let name: String

    /// A valid two-graph dataset: graph 1 is a triangle (nodes 1–3), graph 2 a path of two nodes (4–5).
    static let validFiles: [String: String] = [
        "A": "1, 2\n2, 1\n2, 3\n3, 2\n1, 3\n3, 1\n4, 5\n5, 4\n",
        "graph_indicator": "1\n1\n1\n2\n2\n",
        "graph_labels": "-1\n1\n",
    ]

    /// Creates the directory and writes `files` (suffix → contents); suffixes mapped to `nil` are left out.
    init(name: String = "TOY", files: [String: String?]) throws {
        self.name = name
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("graphdata-tests-\(UUID().uuidString)")
            .appendingPathComponent(name)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        for (suffix, contents) in files {
            guard let contents else { continue }
            try contents.write(to: directory.appendingPathComponent("\(name)_\(suffix).txt"), atomically: true,
                               encoding: .utf8)
        }
    }

    /// The valid dataset with some files replaced (or removed with `nil`).
    static func valid(overriding overrides: [String: String?] = [:]) throws -> SyntheticTUDataset {
        var files: [String: String?] = validFiles.mapValues { Optional($0) }
        for (suffix, contents) in overrides { files[suffix] = contents }
        return try SyntheticTUDataset(files: files)
    }

    /// Removes the temporary directory.
    func remove() {
        try? FileManager.default.removeItem(at: directory.deletingLastPathComponent())
    }
}
