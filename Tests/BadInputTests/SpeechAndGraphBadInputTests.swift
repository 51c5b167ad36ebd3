import Foundation
import GraphData
import MixupExperiments
import MixupTestSupport
import SpeechData
import XCTest

/// WAV and TU graph inputs: empty recordings, impossible sample rates, wrong paths and over-wide one-hot node
/// labels give clear errors; FSDD honours `--validation-size`.
final class SpeechAndGraphBadInputTests: XCTestCase {
    func testWAVWithNoSamplesIsRefusedNamingTheFile() {
        let bytes = WAVBuilder.file { w in
            w.chunk("fmt ", WAVBuilder.fmtBody(tag: 1, channels: 1, rate: 8000, bits: 16))
            w.chunk("data", [])
        }
        assertClearError(try WAVReader.decode(Data(bytes), name: "silent.wav"),
                         contains: ["silent.wav", "byte 40", "no samples"])
    }

    func testImplausibleSampleRatesAreRefused() {
        for rate in [1, 4_000_000_000] {
            let bytes = WAVBuilder.file { w in
                w.chunk("fmt ", WAVBuilder.fmtBody(tag: 1, channels: 1, rate: rate, bits: 16))
                w.chunk("data", WAVBuilder.pcm16([1, 2, 3]))
            }
            assertClearError(try WAVReader.decode(Data(bytes), name: "rate.wav"),
                             contains: ["rate.wav", "byte 24", "sample rate \(rate) Hz", "1000…384000"])
        }
    }

    func testDirectoryGivenAsAWAVFileIsRefused() throws {
        let directory = try makeTemporaryDirectory()
        assertClearError(try WAVReader.read(contentsOf: directory), contains: [directory.path, "is a directory"])
    }

    /// An FSDD folder with digits 0 and 1 by one speaker, indices 0…7 (0–4 are the official test split).
    private func fsddFolder() throws -> URL {
        let directory = try makeTemporaryDirectory()
        for digit in 0...1 {
            for index in 0...7 {
                let samples = (0..<800).map { Int(8000 * sin(Double($0 * (digit + 1)) * 0.05)) }
                try write(WAVBuilder.pcm16File(samples, rate: 8000), to: directory, "\(digit)_ann_\(index).wav")
            }
        }
        return directory
    }

    func testFSDDValidationSizeHoldsOutThatManyRecordings() throws {
        let directory = try fsddFolder()
        let cache = try makeTemporaryDirectory("cache")
        let sizes = try XCTUnwrap(splitSizes(try loadData(["--dataset", "fsdd", "--data-dir", directory.path,
                                                           "--cache-dir", cache.path, "--validation-size", "2"])))
        XCTAssertEqual([sizes.train, sizes.validation, sizes.test], [4, 2, 10])
        assertClearError(try loadData(["--dataset", "fsdd", "--data-dir", directory.path, "--cache-dir", cache.path,
                                       "--validation-size", "6"]), contains: [directory.path, "leaves no training recordings"])
    }

    func testFSDDFolderThatHoldsAnEmptyRecordingNamesIt() throws {
        let directory = try fsddFolder()
        let empty = WAVBuilder.file { w in
            w.chunk("fmt ", WAVBuilder.fmtBody(tag: 1, channels: 1, rate: 8000, bits: 16))
            w.chunk("data", [])
        }
        let bad = try write(empty, to: directory, "1_ann_6.wav")
        assertClearError(try loadData(["--dataset", "fsdd", "--data-dir", directory.path, "--cache-dir",
                                       try makeTemporaryDirectory("cache").path, "--validation-size", "2"]),
                         contains: [bad.path, "no samples"])
    }

    /// A TU folder of `graphs` two-node graphs whose nodes all carry distinct labels.
    private func tuFolder(graphs: Int) throws -> URL {
        let directory = try makeTemporaryDirectory().appendingPathComponent("WIDE")
        let nodes = 2 * graphs
        try write(Array((0..<graphs).map { "\(2 * $0 + 1), \(2 * $0 + 2)\n\(2 * $0 + 2), \(2 * $0 + 1)\n" }.joined().utf8), to: directory, "WIDE_A.txt")
        try write(Array((0..<nodes).map { "\($0 / 2 + 1)\n" }.joined().utf8), to: directory, "WIDE_graph_indicator.txt")
        try write(Array((0..<graphs).map { "\($0 % 2)\n" }.joined().utf8), to: directory, "WIDE_graph_labels.txt")
        try write(Array((0..<nodes).map { "\($0)\n" }.joined().utf8), to: directory, "WIDE_node_labels.txt")
        return directory
    }

    func testTUNodeLabelsWiderThanTheOneHotBudgetAreRefusedNamingTheOption() throws {
        let directory = try tuFolder(graphs: 1_000)
        assertClearError(try loadData(["--data", directory.path]),
                         contains: ["WIDE_node_labels.txt", "2000 distinct node labels", "budget of 1000", "--max-one-hot"])
        guard case let .graphs(source) = try loadData(["--data", directory.path, "--max-one-hot", "2000"]) else {
            return XCTFail("a TU folder loads as graphs")
        }
        XCTAssertEqual(source.featureCount, 2000)
        XCTAssertEqual(source.graphCount, 1000)
    }

    func testOptionsOfOtherDomainsAreRefusedForGraphs() throws {
        let directory = try tuFolder(graphs: 4)
        assertClearError(try loadData(["--data", directory.path, "--validation-size", "2"]), contains: ["--validation-size", "graph"])
        assertClearError(try loadData(["--data", directory.path, "--delimiter", ";"]), contains: ["--delimiter", "tabular"])
    }
}

/// Graph label checks that need their own folder layout.
final class GraphClassBadInputTests: XCTestCase {
    func testTUDatasetWithOneClassIsRefused() throws {
        let directory = try makeTemporaryDirectory().appendingPathComponent("ONE")
        try write(Array("1, 2\n2, 1\n3, 4\n4, 3\n".utf8), to: directory, "ONE_A.txt")
        try write(Array("1\n1\n2\n2\n".utf8), to: directory, "ONE_graph_indicator.txt")
        try write(Array("1\n1\n".utf8), to: directory, "ONE_graph_labels.txt")
        assertClearError(try loadData(["--data", directory.path]), contains: [directory.path, "one class label"])
    }
}
