import Foundation
import XCTest

/// `shared/data/<relative>` beside the package root (the real datasets tests read), whether or not it exists.
public func sharedDataURL(_ relative: String) -> URL {
    URL(fileURLWithPath: "\(#filePath)")
        .deletingLastPathComponent()   // MixupTestSupport
        .deletingLastPathComponent()   // Tests
        .deletingLastPathComponent()   // package root
        .deletingLastPathComponent()
        .appendingPathComponent("shared/data/\(relative)")
}

/// `shared/data/<relative>`, failing the calling test (and stopping it) with the missing path when
/// the real data is absent: a missing dataset is a broken setup, never a silently skipped test.
public func sharedData(_ relative: String, file: StaticString = #filePath, line: UInt = #line) throws -> URL {
    let url = sharedDataURL(relative)
    guard FileManager.default.fileExists(atPath: url.path) else {
        XCTFail("missing real data file \(url.path) (expected ../shared/data beside the project)", file: file, line: line)
        throw XCTSkip("missing \(url.path)")
    }
    return url
}
