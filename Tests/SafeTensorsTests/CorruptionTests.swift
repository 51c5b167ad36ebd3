import Foundation
import MixupTestSupport
import SafeTensors
import XCTest

/// Every malformed file is rejected with an error naming the file, the byte offset and (where one is
/// involved) the tensor; expected offsets are computed from the bytes each test writes.
final class CorruptionTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = try makeTemporaryDirectory()
    }

    /// Writes `[length][header][data]` to `name`; `length` defaults to the header's true byte count.
    private func writeFile(_ name: String, header: String, data: [UInt8] = [], length: UInt64? = nil) throws -> URL {
        let headerBytes = Array(header.utf8)
        var bytes: [UInt8] = []
        var declared = (length ?? UInt64(headerBytes.count)).littleEndian
        withUnsafeBytes(of: &declared) { bytes.append(contentsOf: $0) }
        bytes += headerBytes + data
        let url = directory.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url
    }

    /// File offset of the first occurrence of `needle` in `header` (which starts at byte 8).
    private func offset(of needle: String, in header: String) throws -> Int {
        let range = try XCTUnwrap(header.range(of: needle), "'\(needle)' not in header")
        return 8 + header.utf8.distance(from: header.startIndex, to: range.lowerBound)
    }

    /// Reads `url` expecting a failure of `kind`; checks the message names the file and the given byte offset.
    private func assertRejected(_ url: URL, _ kind: SafeTensorsError.Kind, atByte byteOffset: Int? = nil,
                                tensor: String? = nil, line: UInt = #line) {
        XCTAssertThrowsError(try SafeTensorsFile.read(from: url), line: line) { error in
            guard let failure = error as? SafeTensorsError else {
                return XCTFail("unexpected error type \(type(of: error)): \(error)", line: line)
            }
            XCTAssertEqual(failure.kind, kind, "\(failure)", line: line)
            XCTAssertEqual(failure.file, url.lastPathComponent, line: line)
            XCTAssertTrue(failure.description.hasPrefix(url.lastPathComponent + ": "), "\(failure)", line: line)
            if let byteOffset {
                XCTAssertEqual(failure.byteOffset, byteOffset, "\(failure)", line: line)
                XCTAssertTrue(failure.description.contains("byte \(byteOffset)"), "\(failure)", line: line)
            }
            if let tensor {
                XCTAssertEqual(failure.tensor, tensor, line: line)
                XCTAssertTrue(failure.description.contains("'\(tensor)'"), "\(failure)", line: line)
            }
        }
    }

    private let validHeader = #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#

    func testValidHandWrittenFileIsAccepted() throws {
        // Guards the helpers: the corruptions below differ from this file in one respect each.
        let url = try writeFile("good.safetensors", header: validHeader, data: Array(repeating: 0, count: 8))
        XCTAssertEqual(try SafeTensorsFile.read(from: url).floats(named: "a"), [0, 0])
    }

    func testFileShorterThanLengthFieldIsRejected() throws {
        let url = directory.appendingPathComponent("short.safetensors")
        try Data([1, 2, 3]).write(to: url)
        assertRejected(url, .truncated, atByte: 0)
        let empty = directory.appendingPathComponent("empty.safetensors")
        try Data().write(to: empty)
        assertRejected(empty, .truncated, atByte: 0)
    }

    func testTruncatedDataIsRejectedNamingTheTensor() throws {
        let url = try writeFile("cut.safetensors", header: validHeader, data: [0, 0, 0, 0, 0])
        assertRejected(url, .offsetOutOfRange, atByte: 8 + validHeader.utf8.count, tensor: "a")
    }

    func testHeaderLengthBeyondTheCapIsRejectedBeforeAllocating() throws {
        let huge = try writeFile("huge.safetensors", header: validHeader, length: UInt64.max)
        assertRejected(huge, .headerTooLarge, atByte: 0)
        let justOver = try writeFile("over.safetensors", header: validHeader, length: 100_000_001)
        assertRejected(justOver, .headerTooLarge, atByte: 0)
    }

    func testHeaderLengthBeyondTheFileIsRejected() throws {
        let url = try writeFile("long.safetensors", header: validHeader, length: 1_000)
        assertRejected(url, .truncated, atByte: 0)
    }

    func testInvalidJSONIsRejectedWithItsOffset() throws {
        let header = #"{"a":{"dtype":"F32" "shape":[2],"data_offsets":[0,8]}}"#
        let url = try writeFile("bad.safetensors", header: header, data: Array(repeating: 0, count: 8))
        assertRejected(url, .invalidJSON, atByte: try offset(of: #" "shape""#, in: header) + 1)
    }

    func testUnterminatedHeaderIsRejected() throws {
        let header = #"{"a":{"dtype":"F32","#
        let url = try writeFile("open.safetensors", header: header)
        assertRejected(url, .invalidJSON, atByte: 8 + header.utf8.count)
    }

    func testInvalidUTF8InHeaderIsRejected() throws {
        let header: [UInt8] = Array(#"{"a"#.utf8) + [0xFF] + Array(#"":{}}"#.utf8)
        let url = directory.appendingPathComponent("utf8.safetensors")
        try Data([UInt8(header.count), 0, 0, 0, 0, 0, 0, 0] + header).write(to: url)
        assertRejected(url, .invalidJSON, atByte: 9)  // the string that holds the bad byte starts at header byte 1
    }

    func testDeeplyNestedHeaderIsRejectedWithoutCrashing() throws {
        let header = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        let url = try writeFile("deep.safetensors", header: header)
        assertRejected(url, .invalidJSON, atByte: 8 + 64)
    }

    func testUnknownDTypeIsRejectedNamingTheTensor() throws {
        let header = #"{"w":{"dtype":"F128","shape":[1],"data_offsets":[0,16]}}"#
        let url = try writeFile("dtype.safetensors", header: header, data: Array(repeating: 0, count: 16))
        assertRejected(url, .unknownDType, atByte: try offset(of: #""F128""#, in: header), tensor: "w")
    }

    func testShapeDisagreeingWithByteRangeIsRejected() throws {
        let header = #"{"w":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}"#
        let url = try writeFile("size.safetensors", header: header, data: Array(repeating: 0, count: 8))
        assertRejected(url, .sizeMismatch, atByte: try offset(of: "[0,8]", in: header), tensor: "w")
    }

    func testOverlappingOffsetsAreRejected() throws {
        let header = #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}"#
        let url = try writeFile("overlap.safetensors", header: header, data: Array(repeating: 0, count: 12))
        assertRejected(url, .overlappingOffsets, atByte: 8 + header.utf8.count + 4, tensor: "b")
    }

    func testHoleBetweenTensorsIsRejected() throws {
        let header = #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}"#
        let url = try writeFile("hole.safetensors", header: header, data: Array(repeating: 0, count: 12))
        assertRejected(url, .hole, atByte: 8 + header.utf8.count + 4, tensor: "b")
    }

    func testDataNotStartingAtZeroIsAHole() throws {
        let header = #"{"a":{"dtype":"U8","shape":[2],"data_offsets":[2,4]}}"#
        let url = try writeFile("lead.safetensors", header: header, data: [0, 0, 0, 0])
        assertRejected(url, .hole, atByte: 8 + header.utf8.count, tensor: "a")
    }

    func testTrailingBytesAreRejected() throws {
        let url = try writeFile("tail.safetensors", header: validHeader, data: Array(repeating: 0, count: 11))
        assertRejected(url, .trailingBytes, atByte: 8 + validHeader.utf8.count + 8)
    }

    func testDuplicateTensorNameIsRejected() throws {
        let entry = #"{"dtype":"U8","shape":[1],"data_offsets":[0,1]}"#
        let header = #"{"a":\#(entry),"a":\#(entry)}"#
        let url = try writeFile("dup.safetensors", header: header, data: [0])
        let secondKey = 8 + header.utf8.count - entry.utf8.count - 1 - #""a":"#.utf8.count
        assertRejected(url, .invalidHeader, atByte: secondKey, tensor: "a")
    }

    func testNonIntegerOrNegativeOffsetsAreRejected() throws {
        for (index, offsets) in ["[0,8.0]", "[-0,8]", "[0,8e0]", "[0,99999999999999999999999]", "[0]", #"[0,"8"]"#].enumerated() {
            let header = #"{"a":{"dtype":"F32","shape":[2],"data_offsets":\#(offsets)}}"#
            let url = try writeFile("offsets\(index).safetensors", header: header, data: Array(repeating: 0, count: 8))
            assertRejected(url, .invalidHeader, tensor: "a")
        }
    }

    func testMalformedEntriesAreRejected() throws {
        let cases = [
            #"{"a":[1,2]}"#,
            #"{"a":{"dtype":"F32","shape":[2]}}"#,
            #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8],"extra":1}}"#,
            #"{"a":{"dtype":7,"shape":[2],"data_offsets":[0,8]}}"#,
            #"{"a":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}}"#,
            #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[8,0]}}"#,
            #"{"a":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,8]}}"#,
        ]
        for (index, header) in cases.enumerated() {
            let url = try writeFile("entry\(index).safetensors", header: header, data: Array(repeating: 0, count: 8))
            assertRejected(url, .invalidHeader, tensor: "a")
        }
    }

    func testNonStringMetadataIsRejected() throws {
        let header = #"{"__metadata__":{"epoch":3}}"#
        let url = try writeFile("meta.safetensors", header: header)
        assertRejected(url, .invalidHeader, atByte: try offset(of: "3}", in: header))
        let notObject = try writeFile("meta2.safetensors", header: #"{"__metadata__":"pt"}"#)
        assertRejected(notObject, .invalidHeader)
    }

    func testHeaderThatIsNotAnObjectIsRejected() throws {
        let url = try writeFile("array.safetensors", header: "[]")
        assertRejected(url, .invalidHeader, atByte: 8)
    }

    func testMissingFileIsReportedByName() {
        assertRejected(directory.appendingPathComponent("absent.safetensors"), .io)
    }
}
