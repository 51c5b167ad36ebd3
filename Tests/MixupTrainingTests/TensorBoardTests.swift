import Foundation
import MixupCore
import MixupNN
import MixupTestSupport
import MixupTraining
import XCTest

/// CRC-32C, TFRecord framing and `tensorflow.Event` encoding, and the event files a run writes —
/// read back by our reader and, when Python has the `tensorboard` package, by TensorBoard itself.
final class TensorBoardTests: XCTestCase {
    // MARK: Format

    func testCRC32CMatchesPublishedCheckValues() {
        XCTAssertEqual(CRC32C.checksum(Array("123456789".utf8)), 0xE306_9283)   // the CRC catalogue's check value
        XCTAssertEqual(CRC32C.checksum([UInt8]()), 0)
        // RFC 3720 appendix B.4.
        XCTAssertEqual(CRC32C.checksum([UInt8](repeating: 0, count: 32)), 0x8A91_36AA)
        XCTAssertEqual(CRC32C.checksum([UInt8](repeating: 0xFF, count: 32)), 0x62A8_AB43)
        XCTAssertEqual(CRC32C.checksum((0..<32).map { UInt8($0) }), 0x46DD_794E)
        XCTAssertEqual(CRC32C.checksum((0..<32).reversed().map { UInt8($0) }), 0x113F_DB5C)
    }

    func testCRC32CTableAgreesWithTheBitwiseDefinitionOnRandomBytes() {
        var rng = SeededGenerator(seed: 11)
        for length in [1, 7, 8, 63, 1000] {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &rng) }
            XCTAssertEqual(CRC32C.checksum(bytes), bitwiseCRC32C(bytes), "length \(length)")
        }
    }

    func testMaskRotatesRightByFifteenAndAddsTheTFRecordDelta() {
        XCTAssertEqual(CRC32C.mask(0), 0xA282_EAD8)
        XCTAssertEqual(CRC32C.mask(1 << 15), 1 &+ 0xA282_EAD8)
        XCTAssertEqual(CRC32C.mask(1), (1 << 17) &+ 0xA282_EAD8)
        XCTAssertEqual(CRC32C.maskedChecksum(Array("123456789".utf8)), CRC32C.mask(0xE306_9283))
        XCTAssertNotEqual(CRC32C.mask(0xE306_9283), 0xE306_9283)
    }

    func testFrameIsLengthThenMaskedChecksumsAroundTheData() {
        let data: [UInt8] = [1, 2, 3]
        let frame = TFRecordWriter.frame(data)
        XCTAssertEqual(frame.count, 8 + 4 + 3 + 4)
        XCTAssertEqual(Array(frame[0..<8]), [3, 0, 0, 0, 0, 0, 0, 0])
        XCTAssertEqual(Array(frame[8..<12]), littleEndian(CRC32C.mask(bitwiseCRC32C([3, 0, 0, 0, 0, 0, 0, 0]))))
        XCTAssertEqual(Array(frame[12..<15]), data)
        XCTAssertEqual(Array(frame[15..<19]), littleEndian(CRC32C.mask(bitwiseCRC32C(data))))
        XCTAssertEqual(Array(TFRecordWriter.frame([]).suffix(4)), [0xD8, 0xEA, 0x82, 0xA2], "masked CRC of nothing")
    }

    func testAppendedRecordsReadBackInOrderAcrossAppends() throws {
        let url = try makeTemporaryDirectory().appendingPathComponent("records.tfrecord")
        let records: [[UInt8]] = [[], [42], (0..<300).map { UInt8($0 % 256) }, Array("brain.Event:2".utf8)]
        let writer = TFRecordWriter(url: url)
        try writer.append(Array(records.prefix(2)))
        try writer.append([])
        try writer.append(Array(records.suffix(2)))
        XCTAssertEqual(try TFRecordReader.records(in: url), records)
    }

    func testReaderReportsCorruptedAndTruncatedRecordsWithTheirByteOffset() throws {
        let first = TFRecordWriter.frame([7, 7, 7]), second = TFRecordWriter.frame([1, 2, 3, 4])
        let good = first + second
        XCTAssertEqual(try TFRecordReader.records(in: good, path: "f").count, 2)
        var badData = good
        badData[first.count + 13] ^= 1
        XCTAssertThrowsError(try TFRecordReader.records(in: badData, path: "f")) {
            XCTAssertEqual("\($0)", "f: byte \(first.count): data checksum mismatch")
        }
        var badLength = good
        badLength[first.count] = 200
        XCTAssertThrowsError(try TFRecordReader.records(in: badLength, path: "f")) {
            XCTAssertEqual("\($0)", "f: byte \(first.count): length checksum mismatch")
        }
        XCTAssertThrowsError(try TFRecordReader.records(in: Array(good.dropLast(2)), path: "f")) {
            XCTAssertTrue("\($0)".hasPrefix("f: byte \(first.count): record claims 4 bytes"), "\($0)")
        }
        XCTAssertThrowsError(try TFRecordReader.records(in: Array(good.prefix(first.count + 5)), path: "f")) {
            XCTAssertTrue("\($0)".hasPrefix("f: byte \(first.count): truncated record header"), "\($0)")
        }
    }

    func testEventEncodingIsTheProtobufWireFormatOfTensorflowEvent() {
        let scalar = TensorBoardEvent(wallTime: 1.5, step: 3, content: .scalars([TensorBoardScalar("a", 0.5)]))
        // wall_time: key 0x09 + double LE; step: key 0x10 + varint; summary: key 0x2A + length,
        // holding value (key 0x0A + length) = tag (0x0A, 1, "a") + simple_value (0x15 + float LE).
        XCTAssertEqual(scalar.encoded(), [0x09, 0, 0, 0, 0, 0, 0, 0xF8, 0x3F, 0x10, 0x03,
                                          0x2A, 0x0A, 0x0A, 0x08, 0x0A, 0x01, 0x61, 0x15, 0, 0, 0, 0x3F])
        let header = TensorBoardEvent(wallTime: 0, step: 0, content: .fileVersion("v"))
        XCTAssertEqual(header.encoded(), [0x09, 0, 0, 0, 0, 0, 0, 0, 0, 0x1A, 0x01, 0x76], "step 0 is omitted, as proto3 does")
        let big = TensorBoardEvent(wallTime: 0, step: 300, content: .scalars([]))
        XCTAssertEqual(Array(big.encoded()[9..<12]), [0x10, 0xAC, 0x02], "step 300 as a two-byte varint")
        XCTAssertEqual(try decodeEvent(scalar.encoded()), scalar)
    }

    // MARK: Runs

    func testTrainingRunWritesStepAndEpochScalarsEqualToItsMetrics() throws {
        let dir = try makeTemporaryDirectory()
        let trainer = try makeTrainer(epochs: 3, directory: dir)
        var steps: [StepEvent] = []
        trainer.onStep.append { steps.append($0) }
        let history = try trainer.run()

        let files = try RunDirectory(dir).tensorBoardEventFiles()
        XCTAssertEqual(files.count, 1)
        XCTAssertTrue(files[0].lastPathComponent.hasPrefix("events.out.tfevents."), files[0].lastPathComponent)
        let events = try TFRecordReader.records(in: files[0]).map(decodeEvent)
        XCTAssertEqual(events.first?.content, .fileVersion("brain.Event:2"))
        let series = scalarSeries(events)
        XCTAssertEqual(Set(series.keys), Set(Self.mixupETags))
        XCTAssertEqual(series["step/loss"]?.map(\.step), steps.map { Int64($0.iteration) })
        XCTAssertEqual(series["step/loss"]?.map(\.value), steps.map { Float($0.result.loss) })
        XCTAssertEqual(series["step/penalty"]?.map(\.value), steps.map { Float($0.result.penalty) })
        XCTAssertEqual(series["step/lambda"]?.map(\.value), steps.map { Float($0.result.lambda) })
        XCTAssertEqual(series["step/learning_rate"]?.map(\.value), steps.map { Float($0.learningRate) })
        XCTAssertEqual(steps.count, 3 * 6, "96 examples in batches of 16")

        let saved = try RunDirectory(dir).readMetrics()
        XCTAssertEqual(saved, history)
        XCTAssertEqual(series["epoch/test_accuracy"]?.map(\.step), [1, 2, 3])
        XCTAssertEqual(series["epoch/test_accuracy"]?.map(\.value), saved.map { Float($0.testAccuracy!) })
        XCTAssertEqual(series["epoch/validation_loss"]?.map(\.value), saved.map { Float($0.validationLoss!) })
        XCTAssertEqual(series["epoch/kappa"]?.map(\.value), saved.map { Float($0.kappa) })
        XCTAssertEqual(series["epoch/train_loss"]?.map(\.value), saved.map { Float($0.trainLoss) })
    }

    func testEventFilesChangeNoTrainingNumberAndCanBeSwitchedOff() throws {
        let withEvents = try makeTrainer(epochs: 2, directory: try makeTemporaryDirectory("with"))
        let dir = try makeTemporaryDirectory("without")
        let without = try makeTrainer(epochs: 2, directory: dir)
        without.writesTensorBoard = false
        let a = try withEvents.run(), b = try without.run()
        XCTAssertEqual(try RunDirectory(dir).tensorBoardEventFiles(), [])
        XCTAssertEqual(a.map(\.trainLoss), b.map(\.trainLoss))
        XCTAssertEqual(a.map(\.testLoss), b.map(\.testLoss))
        XCTAssertEqual(zip(withEvents.model.parameters, without.model.parameters).filter { $0.value != $1.value }.count, 0)
    }

    func testResumedRunAppendsANewEventFileStartingAfterTheCheckpoint() throws {
        let dir = try makeTemporaryDirectory()
        try makeTrainer(epochs: 2, directory: dir).run()
        let resumed = try makeTrainer(epochs: 3, directory: dir)
        try resumed.resume(from: RunDirectory(dir).lastCheckpointURL)
        try resumed.run()

        let files = try RunDirectory(dir).tensorBoardEventFiles()
        XCTAssertEqual(files.count, 2, "\(files.map(\.lastPathComponent))")
        let first = scalarSeries(try TFRecordReader.records(in: files[0]).map(decodeEvent))
        let second = scalarSeries(try TFRecordReader.records(in: files[1]).map(decodeEvent))
        XCTAssertEqual(first["epoch/test_accuracy"]?.map(\.step), [1, 2])
        XCTAssertEqual(second["epoch/test_accuracy"]?.map(\.step), [3])
        XCTAssertEqual(first["step/loss"]?.map(\.step), (1...12).map(Int64.init))
        XCTAssertEqual(second["step/loss"]?.map(\.step), (13...18).map(Int64.init))
        XCTAssertEqual(second["epoch/test_accuracy"]?.map(\.value), [Float(try RunDirectory(dir).readMetrics()[2].testAccuracy!)])
    }

    func testRunsWriteOnlyTheScalarsTheirMethodAndDataHave() throws {
        let train: ClassificationData<Float> = blobs(n: 32, d: 5, classes: 3, seed: 1)
        func tags(_ method: Method) throws -> Set<String> {
            let dir = try makeTemporaryDirectory("\(method)")
            var rng = SeededGenerator(seed: 7)
            let trainer = try Trainer(model: MLP<Float>(widths: [5, 8, 3], using: &rng),
                                      configuration: quickConfiguration(method, epochs: 1), train: train)
            trainer.log = { _ in }
            trainer.runDirectory = try RunDirectory(dir)
            try trainer.run()
            let files = try RunDirectory(dir).tensorBoardEventFiles()
            return Set(try files.flatMap { scalarSeries(try TFRecordReader.records(in: $0).map(decodeEvent)).keys })
        }
        let basic: Set = ["step/loss", "step/learning_rate", "epoch/train_loss", "epoch/train_accuracy",
                          "epoch/train_clean_loss", "epoch/learning_rate", "epoch/samples_per_second"]
        XCTAssertEqual(try tags(.erm), basic, "no R, κ or λ without them, no validation or test without those sets")
        XCTAssertEqual(try tags(.mixup), basic.union(["step/lambda"]))
        XCTAssertEqual(try tags(.ermR), basic.union(["step/penalty", "step/kappa", "epoch/penalty", "epoch/kappa"]))
    }

    func testStepsBeforeAStopAreWrittenWithoutAnEpochRecord() throws {
        struct Stop: Error {}
        let dir = try makeTemporaryDirectory()
        let trainer = try makeTrainer(epochs: 2, directory: dir)
        trainer.onStep.append { if $0.iteration == 4 { throw Stop() } }
        XCTAssertThrowsError(try trainer.run())
        let files = try RunDirectory(dir).tensorBoardEventFiles()
        XCTAssertEqual(files.count, 1)
        let series = scalarSeries(try TFRecordReader.records(in: files[0]).map(decodeEvent))
        XCTAssertEqual(series["step/loss"]?.map(\.step), [1, 2, 3, 4])
        XCTAssertNil(series["epoch/train_loss"])
    }

    // MARK: TensorBoard itself

    /// TensorBoard's `EventAccumulator` (Python) reads the run directory to the same tags, steps and
    /// values. Fails when `MIXUPLAB_PYTHON` is set and the check does not pass; skips only when
    /// no Python with `tensorboard` can be found.
    func testTensorBoardsEventAccumulatorReadsTheScalarsWeWrote() throws {
        let python = try pythonWithTensorBoard()
        let dir = try makeTemporaryDirectory()
        try makeTrainer(epochs: 2, directory: dir).run()
        let resumed = try makeTrainer(epochs: 3, directory: dir)
        try resumed.resume(from: RunDirectory(dir).lastCheckpointURL)
        try resumed.run()
        var ours: [String: [(step: Int64, value: Float)]] = [:]
        for file in try RunDirectory(dir).tensorBoardEventFiles() {
            for (tag, points) in scalarSeries(try TFRecordReader.records(in: file).map(decodeEvent)) {
                ours[tag, default: []] += points
            }
        }

        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/read_tensorboard.py")
        let (status, output, errors) = try runProcess(python, [script.path, dir.path])
        XCTAssertEqual(status, 0, "read_tensorboard.py failed: \(errors)")
        guard status == 0 else { return }
        struct Read: Decodable { var file_version: Double?; var scalars: [String: [[Double]]] }
        let read = try JSONDecoder().decode(Read.self, from: Data(output.utf8))
        XCTAssertEqual(read.file_version, 2)
        XCTAssertEqual(Set(read.scalars.keys), Set(Self.mixupETags))
        for (tag, points) in ours {
            let theirs = read.scalars[tag] ?? []
            XCTAssertEqual(theirs.map { Int64($0[0]) }, points.map(\.step), tag)
            XCTAssertEqual(theirs.map { $0[1] }, points.map { Double($0.value) }, tag)
        }
        XCTAssertEqual(read.scalars["epoch/test_accuracy"]?.map { $0[1] },
                       try RunDirectory(dir).readMetrics().map { Double(Float($0.testAccuracy!)) })
        print("EventAccumulator read \(read.scalars.count) tags: "
              + read.scalars.keys.sorted().map { "\($0) ×\(read.scalars[$0]!.count)" }.joined(separator: ", "))
        print("EventAccumulator epoch/test_accuracy: \(read.scalars["epoch/test_accuracy"]!)")
    }

    // MARK: Helpers

    static let mixupETags = ["step/loss", "step/penalty", "step/kappa", "step/lambda", "step/learning_rate",
                             "epoch/train_loss", "epoch/penalty", "epoch/kappa", "epoch/train_accuracy",
                             "epoch/train_clean_loss", "epoch/validation_accuracy", "epoch/validation_loss",
                             "epoch/test_accuracy", "epoch/test_loss", "epoch/learning_rate", "epoch/samples_per_second"]

    /// A quick MixupE run on blobs (96 training examples, batches of 16) writing to `directory`.
    func makeTrainer(epochs: Int, directory: URL) throws -> Trainer<MLP<Float>> {
        let train: ClassificationData<Float> = blobs(n: 96, d: 5, classes: 3, seed: 1)
        let held: ClassificationData<Float> = blobs(n: 30, d: 5, classes: 3, seed: 1)   // the first 30 training examples
        var rng = SeededGenerator(seed: 7)
        let trainer = try Trainer(model: MLP<Float>(widths: [5, 8, 3], using: &rng),
                                  configuration: quickConfiguration(.mixupE, epochs: epochs),
                                  train: train, validation: held, test: held)
        trainer.log = { _ in }
        trainer.runDirectory = try RunDirectory(directory)
        return trainer
    }

    /// Every scalar tag's (step, value) points in file order.
    func scalarSeries(_ events: [TensorBoardEvent]) -> [String: [(step: Int64, value: Float)]] {
        var series: [String: [(step: Int64, value: Float)]] = [:]
        for event in events {
            guard case let .scalars(scalars) = event.content else { continue }
            for scalar in scalars { series[scalar.tag, default: []].append((event.step, scalar.value)) }
        }
        return series
    }

    /// The Python to run `read_tensorboard.py` with: `MIXUPLAB_PYTHON` (which must import
    /// tensorboard), else `python3` if it imports tensorboard; otherwise the test is skipped.
    func pythonWithTensorBoard() throws -> String {
        if let python = ProcessInfo.processInfo.environment["MIXUPLAB_PYTHON"], !python.isEmpty {
            let (status, _, errors) = try runProcess(python, ["-c", "import tensorboard"])
            guard status == 0 else { throw PythonCheckFailed(description: "MIXUPLAB_PYTHON=\(python) cannot import tensorboard: \(errors)") }
            return python
        }
        let (status, _, _) = try runProcess("python3", ["-c", "import tensorboard"])
        guard status == 0 else {
            throw XCTSkip("no Python with the tensorboard package (set MIXUPLAB_PYTHON, or run scripts/test.sh, which installs it)")
        }
        return "python3"
    }
}

/// Why the TensorBoard check failed although `MIXUPLAB_PYTHON` asked for it.
private struct PythonCheckFailed: Error, CustomStringConvertible { var description: String }

/// Runs `program` (a path or a name looked up on PATH) with `arguments`; returns its status,
/// standard output and standard error.
private func runProcess(_ program: String, _ arguments: [String]) throws -> (Int32, String, String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [program] + arguments
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    final class Box { var data = Data() }
    let errors = Box()   // read concurrently, so a chatty stderr cannot block the child
    let group = DispatchGroup()
    group.enter()
    DispatchQueue.global().async {
        errors.data = err.fileHandleForReading.readDataToEndOfFile()
        group.leave()
    }
    let output = out.fileHandleForReading.readDataToEndOfFile()
    group.wait()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: output, as: UTF8.self), String(decoding: errors.data, as: UTF8.self))
}

/// CRC-32C bit by bit from its definition (reflected polynomial 0x82F63B78), independent of the table.
private func bitwiseCRC32C(_ bytes: [UInt8]) -> UInt32 {
    var crc: UInt32 = 0xFFFF_FFFF
    for byte in bytes {
        crc ^= UInt32(byte)
        for _ in 0..<8 { crc = (crc >> 1) ^ (crc & 1 == 1 ? 0x82F6_3B78 : 0) }
    }
    return ~crc
}

private func littleEndian(_ value: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) } }

/// Decodes the `tensorflow.Event` fields we write (an independent reader of `TensorBoardEvent.encoded()`);
/// unknown fields or wire types are errors, so anything unexpected fails the tests.
private func decodeEvent(_ bytes: [UInt8]) throws -> TensorBoardEvent {
    struct Malformed: Error, CustomStringConvertible { var description: String }
    struct Reader {
        let bytes: [UInt8]
        var offset = 0
        var atEnd: Bool { offset == bytes.count }
        mutating func byte() throws -> UInt8 {
            guard offset < bytes.count else { throw Malformed(description: "truncated at \(offset)") }
            defer { offset += 1 }
            return bytes[offset]
        }
        mutating func varint() throws -> UInt64 {
            var value: UInt64 = 0
            for shift in stride(from: 0, to: 64, by: 7) {
                let b = try byte()
                value |= UInt64(b & 0x7F) << UInt64(shift)
                if b < 0x80 { return value }
            }
            throw Malformed(description: "varint too long at \(offset)")
        }
        mutating func fixed(_ count: Int) throws -> UInt64 {
            var value: UInt64 = 0
            for k in 0..<count { value |= UInt64(try byte()) << UInt64(8 * k) }
            return value
        }
        mutating func lengthDelimited() throws -> [UInt8] {
            let n = Int(try varint())
            guard n <= bytes.count - offset else { throw Malformed(description: "length \(n) beyond end at \(offset)") }
            defer { offset += n }
            return Array(bytes[offset..<offset + n])
        }
        mutating func key() throws -> (field: UInt64, wire: UInt64) {
            let k = try varint()
            return (k >> 3, k & 7)
        }
    }
    var r = Reader(bytes: bytes)
    var wallTime = 0.0, step: Int64 = 0, content: TensorBoardEvent.Content?
    while !r.atEnd {
        switch try r.key() {
        case (1, 1): wallTime = Double(bitPattern: try r.fixed(8))
        case (2, 0): step = Int64(bitPattern: try r.varint())
        case (3, 2): content = .fileVersion(String(decoding: try r.lengthDelimited(), as: UTF8.self))
        case (5, 2):
            var summary = Reader(bytes: try r.lengthDelimited())
            var scalars: [TensorBoardScalar] = []
            while !summary.atEnd {
                guard try summary.key() == (1, 2) else { throw Malformed(description: "unexpected Summary field") }
                var value = Reader(bytes: try summary.lengthDelimited())
                var tag: String?, number: Float?
                while !value.atEnd {
                    switch try value.key() {
                    case (1, 2): tag = String(decoding: try value.lengthDelimited(), as: UTF8.self)
                    case (2, 5): number = Float(bitPattern: UInt32(try value.fixed(4)))
                    case let other: throw Malformed(description: "unexpected Summary.Value field \(other)")
                    }
                }
                guard let tag, let number else { throw Malformed(description: "Summary.Value without tag or simple_value") }
                var scalar = TensorBoardScalar(tag, 0)
                scalar.value = number
                scalars.append(scalar)
            }
            content = .scalars(scalars)
        case let other: throw Malformed(description: "unexpected Event field \(other)")
        }
    }
    guard let content else { throw Malformed(description: "event without file_version or summary") }
    return TensorBoardEvent(wallTime: wallTime, step: step, content: content)
}
