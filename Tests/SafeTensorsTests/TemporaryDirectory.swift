import Foundation
import XCTest

/// A fresh directory under the system temporary directory, removed when the test case tears down.
final class TemporaryDirectory {
    /// The directory's URL.
    let url: URL

    /// Creates the directory, failing the test if the file system refuses.
    init(file: StaticString = #filePath, line: UInt = #line) throws {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("SafeTensorsTests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    /// A URL for `name` inside the directory.
    func file(_ name: String) -> URL { url.appendingPathComponent(name) }

    /// The names currently in the directory, sorted.
    func contents() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: url.path).sorted()
    }
}
