import Foundation
import TabularData
import XCTest

/// SplitMix64: a tiny seeded generator for reproducible splits in tests.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Errors the helpers raise after recording a test failure.
struct TestSetupError: Error, CustomStringConvertible {
    var description: String
}

/// The shared real-data file `tabular/<name>`, found relative to the package root; fails naming the file if absent.
func realDataFile(_ name: String, file: StaticString = #filePath, line: UInt = #line) throws -> URL {
    let url = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("../shared/data/tabular/\(name)").standardizedFileURL
    guard FileManager.default.fileExists(atPath: url.path) else {
        XCTFail("missing real data file \(url.path) (see ../shared/data/README.md)", file: file, line: line)
        throw TestSetupError(description: "missing \(url.path)")
    }
    return url
}

/// Lines of a real data file, split independently of the module's reader.
func rawLines(_ url: URL) throws -> [String] {
    try String(contentsOf: url, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
}

/// Writes `text` to a fresh file named `name` in a unique temporary directory.
func writeTemporaryFile(_ name: String, _ text: String) throws -> URL {
    let directory = FileManager.default.temporaryDirectory
        .appendingPathComponent("TabularDataTests-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    let url = directory.appendingPathComponent(name)
    try text.write(to: url, atomically: true, encoding: .utf8)
    return url
}

/// Asserts that `body` throws a `TabularDataError` whose description starts with `prefix` (e.g. "bad.csv:3:")
/// and contains every fragment.
func assertTabularError<T>(_ body: @autoclosure () throws -> T, startsWith prefix: String, contains fragments: [String] = [],
                           file: StaticString = #filePath, line: UInt = #line) {
    do {
        _ = try body()
        XCTFail("expected an error starting with '\(prefix)'", file: file, line: line)
    } catch let error as TabularDataError {
        let text = error.description
        XCTAssertTrue(text.hasPrefix(prefix), "'\(text)' does not start with '\(prefix)'", file: file, line: line)
        for fragment in fragments {
            XCTAssertTrue(text.contains(fragment), "'\(text)' does not mention '\(fragment)'", file: file, line: line)
        }
    } catch {
        XCTFail("unexpected error type: \(error)", file: file, line: line)
    }
}
