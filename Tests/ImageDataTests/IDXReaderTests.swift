import Foundation
import ImageData
import XCTest

final class IDXReaderTests: XCTestCase {
    private func expectError(_ kind: ImageDataError.Kind, file: String, offset: Int?,
                             _ body: () throws -> Void, line: UInt = #line) {
        XCTAssertThrowsError(try body(), line: line) { error in
            guard let error = error as? ImageDataError else {
                return XCTFail("expected ImageDataError, got \(error)", line: line)
            }
            XCTAssertEqual(error.kind, kind, "\(error)", line: line)
            XCTAssertEqual(error.file.map { URL(fileURLWithPath: $0).lastPathComponent }, file, "\(error)", line: line)
            // The message names the full path, so the file can be found from the message alone.
            XCTAssertTrue(error.description.hasPrefix("/") && error.description.contains("/" + file + ": "), "\(error)", line: line)
            if let offset {
                XCTAssertEqual(error.byteOffset, offset, "\(error)", line: line)
                XCTAssertTrue(error.description.contains("byte \(offset)"), "\(error)", line: line)
            }
        }
    }

    private let sample: [UInt8] = SyntheticFiles.idxHeader(dimensions: [2, 3, 2]) + (0..<12).map { UInt8($0 * 20) }

    func testRawAndGzipFilesReadBackTheSameDimensionsAndValues() throws {
        let files = try SyntheticFiles(self)
        let raw = try IDXReader.read(files.write("a-idx3-ubyte", sample))
        let gz = try IDXReader.read(files.writeGzipped("a-idx3-ubyte.gz", sample))
        XCTAssertEqual(raw.dimensions, [2, 3, 2])
        XCTAssertEqual(raw.values, Array(sample[16...]))
        XCTAssertEqual(raw.dataOffset, 16)
        XCTAssertFalse(raw.wasGzipped)
        XCTAssertEqual(gz.dimensions, raw.dimensions)
        XCTAssertEqual(gz.values, raw.values)
        XCTAssertTrue(gz.wasGzipped)
    }

    func testConcatenatedGzipMembersAreReadAsOneStream() throws {
        let files = try SyntheticFiles(self)
        let first = try runGzip(["-c", "-n", files.write("p1", Array(sample[0..<10])).path])
        let second = try runGzip(["-c", "-n", files.write("p2", Array(sample[10...])).path])
        let url = try files.write("multi.gz", Array(first) + Array(second))
        XCTAssertEqual(try IDXReader.read(url).values, Array(sample[16...]))
    }

    func testTruncatedRawDataIsRejectedWithFileAndOffset() throws {
        let files = try SyntheticFiles(self)
        let url = try files.write("short-idx1-ubyte", SyntheticFiles.idxHeader(dimensions: [10]) + [1, 2, 3])
        expectError(.truncated, file: "short-idx1-ubyte", offset: 11) { _ = try IDXReader.read(url) }
    }

    func testTruncatedGzipPayloadIsRejectedAtTheDecompressedOffset() throws {
        let files = try SyntheticFiles(self)
        let url = try files.writeGzipped("short.gz", SyntheticFiles.idxHeader(dimensions: [5000])
                                                      + [UInt8](repeating: 7, count: 100))
        expectError(.truncated, file: "short.gz", offset: 8 + 100) { _ = try IDXReader.read(url) }
        XCTAssertThrowsError(try IDXReader.read(url)) { error in
            XCTAssertTrue("\(error)".contains("(decompressed)"), "\(error)")
        }
    }

    func testCutOffGzipStreamIsRejectedAsTruncated() throws {
        let files = try SyntheticFiles(self)
        let full = try Array(Data(contentsOf: files.writeGzipped("full.gz", sample)))
        let url = try files.write("cut.gz", Array(full.dropLast(6)))
        expectError(.truncated, file: "cut.gz", offset: nil) { _ = try IDXReader.read(url) }
    }

    func testDamagedGzipChecksumIsRejected() throws {
        let files = try SyntheticFiles(self)
        var bytes = try Array(Data(contentsOf: files.writeGzipped("full.gz", sample)))
        bytes[bytes.count - 8] ^= 0xff  // first byte of the CRC-32 trailer
        let url = try files.write("crc.gz", bytes)
        expectError(.corruptCompression, file: "crc.gz", offset: nil) { _ = try IDXReader.read(url) }
    }

    func testBadMagicIsRejectedAtByteZero() throws {
        let files = try SyntheticFiles(self)
        var bytes = sample
        bytes[0] = 0x42
        let url = try files.write("bad-magic", bytes)
        expectError(.badMagic, file: "bad-magic", offset: 0) { _ = try IDXReader.read(url) }
    }

    func testUnsupportedElementTypeIsRejectedAtByteTwo() throws {
        let files = try SyntheticFiles(self)
        let url = try files.writeGzipped("floats.gz", SyntheticFiles.idxHeader(type: 0x0D, dimensions: [1])
                                                        + [0, 0, 0, 0])
        expectError(.unsupportedType, file: "floats.gz", offset: 2) { _ = try IDXReader.read(url) }
        XCTAssertThrowsError(try IDXReader.read(url)) { error in
            XCTAssertTrue("\(error)".contains("0x0d"), "\(error)")
        }
    }

    /// The claimed 784 GB is checked against the file before any data is read or allocated: the
    /// errors come from the header plausibility checks (they quote the claimed and the available
    /// size), not from a read that ran out ("found N"), which would mean the reader had started.
    func testHeaderClaimingABillionItemsIsRejectedAgainstTheFileSizeBeforeReading() throws {
        let files = try SyntheticFiles(self)
        let header = SyntheticFiles.idxHeader(dimensions: [1_000_000_000, 28, 28])
        let payload = [UInt8](repeating: 0, count: 4096)
        let raw = try files.write("huge-idx3-ubyte", header + payload)
        let gz = try files.writeGzipped("huge-idx3-ubyte.gz", header + payload)
        let gzSize = try XCTUnwrap(FileManager.default.attributesOfItem(atPath: gz.path)[.size] as? Int)
        expectError(.truncated, file: "huge-idx3-ubyte", offset: header.count + payload.count) {
            _ = try IDXReader.read(raw)
        }
        expectError(.implausibleSize, file: "huge-idx3-ubyte.gz", offset: header.count) { _ = try IDXReader.read(gz) }
        XCTAssertThrowsError(try IDXReader.read(raw)) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("promises 784000000000 bytes of data but only 4096 follow the 16-byte header"), text)
            XCTAssertFalse(text.contains("found"), text)
        }
        XCTAssertThrowsError(try IDXReader.read(gz)) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("promises 784000000000 bytes of data, more than a \(gzSize)-byte gzip file can hold"),
                          text)
            XCTAssertFalse(text.contains("found"), text)
        }
    }

    func testOverflowingDimensionsAreRejected() throws {
        let files = try SyntheticFiles(self)
        let url = try files.write("overflow", SyntheticFiles.idxHeader(dimensions: [.max, .max, .max, .max]))
        expectError(.implausibleSize, file: "overflow", offset: nil) { _ = try IDXReader.read(url) }
    }

    func testTrailingBytesAfterDeclaredDataAreRejected() throws {
        let files = try SyntheticFiles(self)
        let raw = try files.write("trailing", sample + [9, 9])
        let gz = try files.writeGzipped("trailing.gz", sample + [9])
        expectError(.trailingBytes, file: "trailing", offset: sample.count) { _ = try IDXReader.read(raw) }
        expectError(.trailingBytes, file: "trailing.gz", offset: sample.count) { _ = try IDXReader.read(gz) }
    }

    func testGarbageAfterTheGzipStreamIsRejected() throws {
        let files = try SyntheticFiles(self)
        let compressed = try Array(Data(contentsOf: files.writeGzipped("ok.gz", sample)))
        let url = try files.write("garbage.gz", compressed + [0, 0, 0])
        expectError(.trailingBytes, file: "garbage.gz", offset: compressed.count) { _ = try IDXReader.read(url) }
    }

    func testFileShorterThanTheHeaderIsRejected() throws {
        let files = try SyntheticFiles(self)
        let url = try files.write("stub", [0, 0, 8, 3, 0, 0])
        expectError(.truncated, file: "stub", offset: 6) { _ = try IDXReader.read(url) }
    }

    func testMissingFileIsAnIOErrorNamingIt() {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("no-such-\(UUID().uuidString)")
        expectError(.io, file: url.lastPathComponent, offset: nil) { _ = try IDXReader.read(url) }
    }
}
