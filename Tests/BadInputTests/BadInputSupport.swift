import ArgumentParser
import Foundation
import MixupExperiments
import MixupLabCLI
import XCTest

/// Asserts `body` throws and that the error's description contains every piece of `pieces` (file, line or offset,
/// cause), so a case pins the whole clear error rather than just "it failed".
func assertClearError<T>(_ body: @autoclosure () throws -> T, contains pieces: [String],
                         file: StaticString = #filePath, line: UInt = #line) {
    do {
        _ = try body()
        XCTFail("expected an error containing \(pieces), but it succeeded", file: file, line: line)
    } catch {
        let text = String(describing: error)
        for piece in pieces where !text.contains(piece) {
            XCTFail("error '\(text)' lacks '\(piece)'", file: file, line: line)
        }
    }
}

/// The message `mixuplab ARGS` stops with (as the executable prints it), or nil when it parses and runs.
func mixuplabError(_ arguments: [String]) -> String? {
    do {
        var command = try MixupLab.parseAsRoot(arguments)
        try command.run()
        return nil
    } catch {
        return MixupLab.message(for: error)
    }
}

/// Asserts `mixuplab ARGS` fails with a message containing every piece of `pieces`.
func assertCommandFails(_ arguments: [String], contains pieces: [String], file: StaticString = #filePath, line: UInt = #line) {
    guard let message = mixuplabError(arguments) else {
        XCTFail("mixuplab \(arguments.joined(separator: " ")) succeeded", file: file, line: line)
        return
    }
    for piece in pieces where !message.contains(piece) {
        XCTFail("message '\(message)' lacks '\(piece)'", file: file, line: line)
    }
}

/// The data options of a command line (only the data group), loaded as `mixuplab train` would load them.
func loadData(_ arguments: [String]) throws -> ExperimentData {
    try DataOptions.parse(arguments).load()
}

/// The train/validation/test sizes of split data (nil for graphs).
func splitSizes(_ data: ExperimentData) -> (train: Int, validation: Int, test: Int)? {
    guard case let .splits(s) = data else { return nil }
    return (s.train.count, s.validation.count, s.test.count)
}

/// `bytes` gzip-compressed by the system `gzip` (as the published IDX files are).
func gzipped(_ bytes: [UInt8]) throws -> [UInt8] {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("BadInput-gzip-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let input = directory.appendingPathComponent("input")
    try Data(bytes).write(to: input)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["gzip", "-n", "-k", "-f", input.path]
    try process.run()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else { throw CocoaError(.fileWriteUnknown) }
    return [UInt8](try Data(contentsOf: directory.appendingPathComponent("input.gz")))
}

/// An IDX header of unsigned bytes: 00 00 08 ndims, then big-endian sizes.
func idxHeader(_ dimensions: [UInt32]) -> [UInt8] {
    var bytes: [UInt8] = [0, 0, 0x08, UInt8(dimensions.count)]
    for d in dimensions { bytes += [UInt8(d >> 24), UInt8((d >> 16) & 0xff), UInt8((d >> 8) & 0xff), UInt8(d & 0xff)] }
    return bytes
}

/// A raw IDX image file of `count` images `height × width` with pixel value `i % 251` and its label file
/// (labels alternate over `classes` classes).
func idxPair(count: Int, height: Int, width: Int, classes: Int = 2) -> (images: [UInt8], labels: [UInt8]) {
    var images = idxHeader([UInt32(count), UInt32(height), UInt32(width)])
    images += (0..<(count * height * width)).map { UInt8($0 % 251) }
    let labels = idxHeader([UInt32(count)]) + (0..<count).map { UInt8($0 % classes) }
    return (images, labels)
}
