import Foundation
import MixupTestSupport
import TabularData
import XCTest

/// The shared real-data file `tabular/<name>`; fails the test naming the file if it is absent.
func realDataFile(_ name: String, file: StaticString = #filePath, line: UInt = #line) throws -> URL {
    try sharedData("tabular/\(name)", file: file, line: line)
}

/// Lines of a real data file, split independently of the module's reader.
func rawLines(_ url: URL) throws -> [String] {
    try String(contentsOf: url, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
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
