import Foundation
import MixupTestSupport
import XCTest

/// Writes synthetic input files for the tests into a fresh temporary directory of the test.
struct SyntheticFiles {
    /// The directory the files go to; removed when the test tears down.
    let directory: URL

    /// Files for `test`, in a directory named after the calling test function.
    init(_ test: XCTestCase, _ testName: String = #function) throws {
        directory = try test.makeTemporaryDirectory(testName)
    }

    /// Writes `bytes` to `name` and returns its URL.
    @discardableResult
    func write(_ name: String, _ bytes: [UInt8]) throws -> URL {
        try MixupTestSupport.write(bytes, to: directory, name)
    }

    /// Writes `bytes` gzip-compressed (by the `gzip` command-line tool, independent of the code under test).
    @discardableResult
    func writeGzipped(_ name: String, _ bytes: [UInt8]) throws -> URL {
        let raw = try write(name + ".raw-input", bytes)
        let url = directory.appendingPathComponent(name)
        let compressed = try runGzip(["-c", "-n", raw.path])
        try compressed.write(to: url)
        try FileManager.default.removeItem(at: raw)
        return url
    }

    /// An IDX header: 00 00 type ndims, then big-endian UInt32 sizes.
    static func idxHeader(type: UInt8 = 0x08, dimensions: [UInt32]) -> [UInt8] {
        var bytes: [UInt8] = [0, 0, type, UInt8(dimensions.count)]
        for d in dimensions { bytes += [UInt8(d >> 24), UInt8((d >> 16) & 0xff), UInt8((d >> 8) & 0xff), UInt8(d & 0xff)] }
        return bytes
    }
}

/// Runs the system `gzip` with `arguments` and returns its standard output.
func runGzip(_ arguments: [String]) throws -> Data {
    let candidates = ["/usr/bin/gzip", "/bin/gzip"]
    guard let tool = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
        throw XCTSkip("gzip command-line tool not found at \(candidates)")
    }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: tool)
    process.arguments = arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    let output = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
        throw NSError(domain: "gzip", code: Int(process.terminationStatus),
                      userInfo: [NSLocalizedDescriptionKey: "gzip \(arguments) failed"])
    }
    return output
}
