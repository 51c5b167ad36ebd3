import Foundation
import MixupTestSupport
import XCTest

/// Locates the shared TU datasets relative to the package root and reads their files independently of GraphData.
enum RealGraphData {
    /// `shared/data/graphs/<name>` beside the package root.
    static func directory(_ name: String) -> URL { sharedDataURL("graphs/\(name)") }

    /// The directory of dataset `name`, failing with the missing file's path when the shared data is absent.
    static func requireDirectory(_ name: String, file: StaticString = #filePath, line: UInt = #line) throws -> URL {
        try sharedData("graphs/\(name)/\(name)_graph_indicator.txt", file: file, line: line).deletingLastPathComponent()
    }

    /// The non-empty lines of a dataset file, split naively (an independent reading for expected values).
    static func lines(_ name: String, _ suffix: String) throws -> [Substring] {
        let url = directory(name).appendingPathComponent("\(name)_\(suffix).txt")
        let text = try String(contentsOf: url, encoding: .utf8)
        return text.split(separator: "\n", omittingEmptySubsequences: true)
    }

    /// The integer columns of each line, split on commas and trimmed.
    static func integers(_ name: String, _ suffix: String) throws -> [[Int]] {
        try lines(name, suffix).map { line in
            line.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces))! }
        }
    }
}
