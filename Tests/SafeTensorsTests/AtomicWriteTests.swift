import Foundation
import MixupTestSupport
import SafeTensors
import XCTest
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `write(to:)` replaces the target all-or-nothing and never leaves temporary files behind.
final class AtomicWriteTests: XCTestCase {
    private func checkpoint(_ value: Float, count: Int) throws -> SafeTensorsFile {
        SafeTensorsFile(tensors: ["w": try TensorEntry(floats: [Float](repeating: value, count: count))],
                        metadata: ["step": "\(count)"])
    }

    func testSuccessfulWritesLeaveOnlyTheTargetFile() throws {
        let directory = try makeTemporaryDirectory()
        let url = directory.appendingPathComponent("model.safetensors")
        try checkpoint(1, count: 4).write(to: url)
        try checkpoint(2, count: 8).write(to: url)  // overwrite an existing file
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted(), ["model.safetensors"])
        XCTAssertEqual(try SafeTensorsFile.read(from: url), try checkpoint(2, count: 8))
    }

    func testWriteFailingMidFileLeavesTargetUntouchedAndNoTemporaryFile() throws {
        let directory = try makeTemporaryDirectory()
        let url = directory.appendingPathComponent("model.safetensors")
        try checkpoint(1, count: 4).write(to: url)
        let before = try Data(contentsOf: url)
        XCTAssertLessThan(before.count, 4096)

        // Simulate a full disk: cap the size of files this process may write at 4 KiB (the old file is
        // smaller) and turn the SIGXFSZ signal into an EFBIG error, then write a 40 KB checkpoint.
        var saved = rlimit()
        XCTAssertEqual(getrlimit(Self.fileSizeResource, &saved), 0)
        var capped = saved
        capped.rlim_cur = 4096
        let previousHandler = signal(SIGXFSZ, SIG_IGN)
        XCTAssertEqual(setrlimit(Self.fileSizeResource, &capped), 0)
        var thrown: Error?
        do {
            try checkpoint(3, count: 10_000).write(to: url)
        } catch {
            thrown = error
        }
        XCTAssertEqual(setrlimit(Self.fileSizeResource, &saved), 0)
        signal(SIGXFSZ, previousHandler)

        let failure = try XCTUnwrap(thrown as? SafeTensorsError, "the oversized write must fail")
        XCTAssertEqual(failure.kind, .io)
        XCTAssertTrue(failure.description.hasPrefix("model.safetensors: "), "\(failure)")
        XCTAssertTrue(failure.description.contains("write failed after 4096 of"), "\(failure)")
        XCTAssertEqual(try Data(contentsOf: url), before, "the last good checkpoint must survive")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted(), ["model.safetensors"])
    }

    func testRenameFailureLeavesNoTemporaryFile() throws {
        let directory = try makeTemporaryDirectory()
        // A non-empty directory under the target name: the temporary file is written and synced, then
        // the rename over it fails.
        let url = directory.appendingPathComponent("model.safetensors")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: false)
        try Data([1]).write(to: url.appendingPathComponent("keep"))
        XCTAssertThrowsError(try checkpoint(1, count: 4).write(to: url)) { error in
            XCTAssertEqual((error as? SafeTensorsError)?.kind, .io)
            XCTAssertTrue("\(error)".contains("rename"), "\(error)")
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted(), ["model.safetensors"])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: url.path), ["keep"])
    }

    func testWriteIntoMissingDirectoryNamesTheFile() throws {
        let directory = try makeTemporaryDirectory()
        let url = directory.appendingPathComponent("missing/ckpt.safetensors")
        XCTAssertThrowsError(try checkpoint(1, count: 4).write(to: url)) { error in
            XCTAssertEqual((error as? SafeTensorsError)?.kind, .io)
            XCTAssertTrue("\(error)".hasPrefix("ckpt.safetensors: "), "\(error)")
        }
    }

    #if os(Linux)
    private static let fileSizeResource = __rlimit_resource_t(RLIMIT_FSIZE.rawValue)
    #else
    private static let fileSizeResource = RLIMIT_FSIZE
    #endif
}
