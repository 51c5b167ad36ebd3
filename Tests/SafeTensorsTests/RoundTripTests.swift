import Foundation
import MixupTestSupport
import SafeTensors
import XCTest

/// Writing then reading gives back exactly what was written, and writing is deterministic.
final class RoundTripTests: XCTestCase {
    /// Bytes that differ per position and per tensor, so a swapped or shifted range cannot go unnoticed.
    private func patternBytes(count: Int, seed: Int) -> [UInt8] {
        (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ seed &* 101 &+ 11) }
    }

    private func everyDTypeFile() throws -> SafeTensorsFile {
        var tensors: [String: TensorEntry] = [:]
        for (index, dtype) in DType.allCases.enumerated() {
            let bytes = patternBytes(count: 6 * dtype.byteSize, seed: index)
            tensors["t.\(dtype.rawValue)"] = try TensorEntry(dtype: dtype, shape: [2, 3], bytes: bytes)
        }
        tensors["scalar"] = try TensorEntry(doubles: [-3.25], shape: [])
        tensors["empty"] = try TensorEntry(floats: [], shape: [0, 4])
        return SafeTensorsFile(tensors: tensors, metadata: ["format": "pt", "epoch": "7"])
    }

    func testEveryDTypeRoundTripsThroughAFile() throws {
        let directory = try makeTemporaryDirectory()
        let original = try everyDTypeFile()
        let url = directory.appendingPathComponent("all.safetensors")
        try original.write(to: url)
        let restored = try SafeTensorsFile.read(from: url)
        XCTAssertEqual(restored, original)
        XCTAssertEqual(restored.tensors.count, DType.allCases.count + 2)
        for dtype in DType.allCases {
            XCTAssertEqual(restored.tensors["t.\(dtype.rawValue)"]?.dtype, dtype)
            XCTAssertEqual(restored.tensors["t.\(dtype.rawValue)"]?.shape, [2, 3])
        }
        XCTAssertEqual(restored.tensors["empty"]?.shape, [0, 4])
        XCTAssertEqual(restored.tensors["scalar"]?.shape, [])
    }

    func testTypedHelpersRoundTripValuesBitForBit() throws {
        let floats: [Float] = [0, -0.0, 1, -1.5, .infinity, -.infinity, .nan, .leastNonzeroMagnitude, .greatestFiniteMagnitude]
        let doubles: [Double] = [0, -0.0, 0.1, -1e-300, .infinity, .nan, .pi]
        let int64s: [Int64] = [.min, -1, 0, 1, .max]
        let int32s: [Int32] = [.min, -7, 0, .max]
        let file = SafeTensorsFile(tensors: [
            "f": try TensorEntry(floats: floats, shape: [3, 3]),
            "d": try TensorEntry(doubles: doubles),
            "i": try TensorEntry(int64s: int64s),
            "j": try TensorEntry(int32s: int32s),
        ])
        let restored = try SafeTensorsFile(serialized: try file.serialized())
        XCTAssertEqual(try restored.floats(named: "f").map(\.bitPattern), floats.map(\.bitPattern))
        XCTAssertEqual(try restored.doubles(named: "d").map(\.bitPattern), doubles.map(\.bitPattern))
        XCTAssertEqual(try restored.int64s(named: "i"), int64s)
        XCTAssertEqual(try restored.int64s(named: "j"), int32s.map(Int64.init))
        XCTAssertEqual(try restored.tensor(named: "f").shape, [3, 3])
        // Widening to Double is exact for F32.
        XCTAssertEqual(try restored.doubles(named: "f").map { Float($0).bitPattern }, floats.map(\.bitPattern))
    }

    func testBFloat16AndFloat16DecodeToTheirFloatValues() throws {
        // Values with at most 7 mantissa bits are exact in bfloat16, whose bits are the float's upper half.
        let values: [Float] = [1.0, -2.5, 0.15625, 0x1p100, -0.0]
        let brainBits = values.map { UInt16($0.bitPattern >> 16) }
        let brain = try TensorEntry(dtype: .BF16, shape: [5], bytes: brainBits.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] })
        XCTAssertEqual(try brain.floats().map(\.bitPattern), values.map(\.bitPattern))

        // IEEE half: 1.0 = 0x3C00, -2.0 = 0xC000, 65504 = 0x7BFF (largest finite), 2^-24 = 0x0001 (subnormal).
        let halfBits: [UInt16] = [0x3C00, 0xC000, 0x7BFF, 0x0001]
        let half = try TensorEntry(dtype: .F16, shape: [4], bytes: halfBits.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] })
        XCTAssertEqual(try half.floats(), [1.0, -2.0, 65504.0, 0x1p-24])
    }

    func testRewritingAFileIsByteIdentical() throws {
        let directory = try makeTemporaryDirectory()
        let first = directory.appendingPathComponent("first.safetensors")
        let second = directory.appendingPathComponent("second.safetensors")
        try everyDTypeFile().write(to: first)
        try SafeTensorsFile.read(from: first).write(to: second)
        XCTAssertEqual(try Data(contentsOf: first), try Data(contentsOf: second))
    }

    func testSameTensorsInsertedInDifferentOrderSerializeIdentically() throws {
        let source = try everyDTypeFile()
        var forward = SafeTensorsFile(metadata: source.metadata)
        for key in source.tensors.keys.sorted() { forward.tensors[key] = source.tensors[key] }
        var backward = SafeTensorsFile()
        for key in source.tensors.keys.sorted().reversed() { backward.tensors[key] = source.tensors[key] }
        for key in source.metadata.keys.sorted().reversed() { backward.metadata[key] = source.metadata[key] }
        XCTAssertEqual(try forward.serialized(), try backward.serialized())
    }

    func testHeaderIsPaddedToEightBytesAndEveryTensorStartsAligned() throws {
        let bytes = try everyDTypeFile().serialized()
        let headerLength = bytes[0..<8].enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        XCTAssertEqual(headerLength % 8, 0)
        // Read the header with Foundation's JSON parser, independently of ours.
        let header = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(bytes[8..<(8 + headerLength)])) as? [String: Any])
        XCTAssertEqual(header["__metadata__"] as? [String: String], ["format": "pt", "epoch": "7"])
        var covered = 0
        var ranges: [(Int, Int, Int)] = []
        for (name, value) in header where name != "__metadata__" {
            let info = try XCTUnwrap(value as? [String: Any])
            let dtype = try XCTUnwrap(DType(rawValue: try XCTUnwrap(info["dtype"] as? String)))
            let offsets = try XCTUnwrap(info["data_offsets"] as? [Int])
            ranges.append((offsets[0], offsets[1], dtype.byteSize))
        }
        for (begin, end, size) in ranges.sorted(by: { ($0.0, $0.1) < ($1.0, $1.1) }) {
            XCTAssertEqual(begin, covered)
            XCTAssertEqual((8 + headerLength + begin) % size, 0, "tensor at \(begin) is not aligned to \(size)")
            covered = end
        }
        XCTAssertEqual(8 + headerLength + covered, bytes.count)
    }

    func testNamesAndMetadataNeedingEscapesRoundTrip() throws {
        let awkward = "quote\" backslash\\ newline\n tab\t control\u{01} slash/ λ 🙂"
        let file = SafeTensorsFile(tensors: [awkward: try TensorEntry(floats: [1, 2])],
                                   metadata: [awkward: awkward, "": ""])
        let bytes = try file.serialized()
        XCTAssertEqual(try SafeTensorsFile(serialized: bytes), file)
        let headerLength = bytes[0..<8].enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        let header = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(bytes[8..<(8 + headerLength)])) as? [String: Any])
        XCTAssertNotNil(header[awkward], "Foundation's JSON parser must see the same tensor name")
        XCTAssertEqual((header["__metadata__"] as? [String: String])?[awkward], awkward)
    }

    func testMetadataKeyCannotNameATensor() throws {
        let file = SafeTensorsFile(tensors: ["__metadata__": try TensorEntry(floats: [1])])
        XCTAssertThrowsError(try file.serialized()) { error in
            XCTAssertEqual((error as? SafeTensorsError)?.kind, .invalidHeader)
        }
    }

    func testEntryWithWrongByteCountIsRejected() {
        XCTAssertThrowsError(try TensorEntry(dtype: .F32, shape: [2], bytes: [0, 0, 0, 0, 0, 0, 0])) { error in
            XCTAssertEqual((error as? SafeTensorsError)?.kind, .sizeMismatch)
        }
        XCTAssertThrowsError(try TensorEntry(floats: [1, 2, 3], shape: [2, 2])) { error in
            XCTAssertEqual((error as? SafeTensorsError)?.kind, .sizeMismatch)
        }
        XCTAssertThrowsError(try TensorEntry(dtype: .U8, shape: [-1], bytes: [])) { error in
            XCTAssertEqual((error as? SafeTensorsError)?.kind, .invalidHeader)
        }
    }

    func testLookupErrorsNameTheFileAndTensor() throws {
        let directory = try makeTemporaryDirectory()
        let url = directory.appendingPathComponent("ckpt.safetensors")
        try SafeTensorsFile(tensors: ["step": try TensorEntry(int64s: [3])]).write(to: url)
        let file = try SafeTensorsFile.read(from: url)
        XCTAssertThrowsError(try file.floats(named: "step")) { error in
            let failure = error as? SafeTensorsError
            XCTAssertEqual(failure?.kind, .dtypeMismatch)
            XCTAssertEqual(failure?.description.hasPrefix("ckpt.safetensors: tensor 'step': "), true, "\(error)")
        }
        XCTAssertThrowsError(try file.tensor(named: "fc1.weight")) { error in
            XCTAssertEqual((error as? SafeTensorsError)?.kind, .missingTensor)
            XCTAssertEqual("\(error)".hasPrefix("ckpt.safetensors: tensor 'fc1.weight': "), true, "\(error)")
        }
    }
}
