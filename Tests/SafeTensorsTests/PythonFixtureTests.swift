import Foundation
import SafeTensors
import XCTest

/// Compatibility with the reference implementation: `Fixtures/pytorch_compat.safetensors` was written by
/// Python's `safetensors` (see `Fixtures/make_fixture.py`, whose formulas the expectations below re-derive).
private struct MissingFixture: Error, CustomStringConvertible {
    let path: String
    var description: String { "missing fixture \(path); regenerate it with Fixtures/make_fixture.py" }
}

final class PythonFixtureTests: XCTestCase {
    private func fixtureURL() throws -> URL {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/pytorch_compat.safetensors")
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw MissingFixture(path: url.path)
        }
        return url
    }

    /// The fixture's tensors built from the generating script's formulas, independently of the file.
    private func expectedFile() throws -> SafeTensorsFile {
        let weights = (0..<6).map { Float($0) * 0.5 - 1.0 }
        let halves: [Float16] = [1.5, -0.25, 65504.0]
        return SafeTensorsFile(
            tensors: [
                "linear.weight": try TensorEntry(floats: weights, shape: [2, 3]),
                "scale": try TensorEntry(floats: [0.75], shape: []),
                "stats.mean": try TensorEntry(doubles: [0.1, -2.5, 1e300, Double.pi]),
                "step": try TensorEntry(int64s: [-(1 << 40), 0, (1 << 62) + 7]),
                "half": try TensorEntry(dtype: .F16, shape: [3],
                                        bytes: halves.flatMap { [UInt8($0.bitPattern & 0xFF), UInt8($0.bitPattern >> 8)] }),
            ],
            metadata: ["format": "pt"])
    }

    func testPythonWrittenFixtureReadsBackExactly() throws {
        let file = try SafeTensorsFile.read(from: try fixtureURL())
        XCTAssertEqual(file.metadata, ["format": "pt"])
        XCTAssertEqual(Set(file.tensors.keys), ["linear.weight", "scale", "stats.mean", "step", "half"])

        let weight = try file.tensor(named: "linear.weight")
        XCTAssertEqual(weight.dtype, .F32)
        XCTAssertEqual(weight.shape, [2, 3])
        XCTAssertEqual(try weight.floats(), (0..<6).map { Float($0) * 0.5 - 1.0 })

        let scale = try file.tensor(named: "scale")
        XCTAssertEqual(scale.shape, [])
        XCTAssertEqual(scale.elementCount, 1)
        XCTAssertEqual(try scale.floats(), [0.75])

        XCTAssertEqual(try file.tensor(named: "stats.mean").dtype, .F64)
        XCTAssertEqual(try file.doubles(named: "stats.mean"), [0.1, -2.5, 1e300, Double.pi])

        XCTAssertEqual(try file.tensor(named: "step").dtype, .I64)
        XCTAssertEqual(try file.int64s(named: "step"), [-(1 << 40), 0, (1 << 62) + 7])

        XCTAssertEqual(try file.tensor(named: "half").dtype, .F16)
        XCTAssertEqual(try file.floats(named: "half"), [1.5, -0.25, 65504.0])
    }

    func testOurWriterReproducesThePythonFixtureByteForByte() throws {
        let pythonBytes = [UInt8](try Data(contentsOf: try fixtureURL()))
        XCTAssertEqual(try expectedFile().serialized(), pythonBytes)
    }

    func testFixtureEqualsTheValuesDerivedFromTheScript() throws {
        XCTAssertEqual(try SafeTensorsFile.read(from: try fixtureURL()), try expectedFile())
    }
}
