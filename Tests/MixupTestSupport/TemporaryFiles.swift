import Foundation
import XCTest

extension XCTestCase {
    /// A fresh empty directory for this test, removed when the test tears down (not when a local
    /// goes out of scope, which optimised builds may do before the test has finished with it).
    public func makeTemporaryDirectory(_ name: String = #function) throws -> URL {
        let safe = name.filter { $0.isLetter || $0.isNumber }
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("MixupLabTests-\(safe)-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: directory) }
        return directory
    }

    /// Writes `text` as UTF-8 to a file `name` in a fresh temporary directory of this test and
    /// returns its URL, so error messages that name the file see exactly `name`.
    public func writeTemporaryFile(_ name: String, _ text: String) throws -> URL {
        try write(Array(text.utf8), to: makeTemporaryDirectory(name), name)
    }
}

/// Writes `bytes` to `directory/name` (creating intermediate directories, so `name` may be a
/// relative path like `yes/a.wav`) and returns the file's URL.
@discardableResult
public func write(_ bytes: [UInt8], to directory: URL, _ name: String) throws -> URL {
    let url = directory.appendingPathComponent(name)
    try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    try Data(bytes).write(to: url)
    return url
}
