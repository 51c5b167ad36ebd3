import Foundation
import ImageData
import XCTest

final class CIFARLoaderTests: XCTestCase {
    /// The pixel byte the synthetic record `record` stores at channel c, row y, column x.
    private func pixel(_ record: Int, _ c: Int, _ y: Int, _ x: Int) -> UInt8 {
        UInt8((record * 7 + c * 50 + y * 3 + x) % 256)
    }

    /// Records in the published layout: label bytes, then 1024 R, 1024 G, 1024 B bytes, each plane row by row.
    private func records(_ labels: [[UInt8]], firstRecord: Int = 0) -> [UInt8] {
        var bytes: [UInt8] = []
        for (r, label) in labels.enumerated() {
            bytes += label
            for c in 0..<3 { for y in 0..<32 { for x in 0..<32 { bytes.append(pixel(firstRecord + r, c, y, x)) } } }
        }
        return bytes
    }

    private func assertPixels(_ data: ImageDataset, records: Int, line: UInt = #line) {
        XCTAssertEqual(data.pixels.count, records * 3072, line: line)
        var mismatches = 0
        for r in 0..<records { for c in 0..<3 { for y in 0..<32 { for x in 0..<32 {
            let index = ((r * 3 + c) * 32 + y) * 32 + x
            if data.pixels[index] != Float(pixel(r, c, y, x)) / 255 { mismatches += 1 }
        } } } }
        XCTAssertEqual(mismatches, 0, line: line)
    }

    func testCIFAR10LabelsAndChannelMajorPixelsReadBack() throws {
        let files = try SyntheticFiles(self)
        let url = try files.write("data_batch_1.bin", records([[3], [0], [9]]))
        let data = try CIFARLoader.readCIFAR10(files: [url])
        XCTAssertEqual(data.labels, [3, 0, 9])
        XCTAssertEqual(data.shape, ImageShape(channels: 3, height: 32, width: 32))
        XCTAssertEqual(data.classCount, 10)
        assertPixels(data, records: 3)
    }

    func testCIFAR100ChoosesFineOrCoarseLabel() throws {
        let files = try SyntheticFiles(self)
        let url = try files.write("train.bin", records([[4, 77], [19, 2]]))
        let fine = try CIFARLoader.readCIFAR100(files: [url], labels: .fine)
        let coarse = try CIFARLoader.readCIFAR100(files: [url], labels: .coarse)
        XCTAssertEqual(fine.labels, [77, 2])
        XCTAssertEqual(fine.classCount, 100)
        XCTAssertEqual(coarse.labels, [4, 19])
        XCTAssertEqual(coarse.classCount, 20)
        assertPixels(fine, records: 2)
    }

    func testTruncatedRecordIsRejectedWithFileAndOffset() throws {
        let files = try SyntheticFiles(self)
        let url = try files.write("data_batch_2.bin", records([[1], [2]]) + [UInt8](repeating: 5, count: 100))
        XCTAssertThrowsError(try CIFARLoader.readCIFAR10(files: [url])) { error in
            XCTAssertEqual((error as? ImageDataError)?.kind, .recordSizeMismatch)
            XCTAssertEqual((error as? ImageDataError)?.byteOffset, 2 * 3073)
            XCTAssertTrue("\(error)".hasPrefix("/") && "\(error)".contains("/data_batch_2.bin: byte 6146: "), "\(error)")
        }
    }

    func testLabelOutOfRangeIsRejectedWithItsOffset() throws {
        let files = try SyntheticFiles(self)
        let url = try files.write("test_batch.bin", records([[1], [10]]))
        XCTAssertThrowsError(try CIFARLoader.readCIFAR10(files: [url])) { error in
            XCTAssertEqual((error as? ImageDataError)?.kind, .labelOutOfRange)
            XCTAssertEqual((error as? ImageDataError)?.byteOffset, 3073)
        }
    }

    func testDirectoryLoaderConcatenatesBatchesInOrder() throws {
        let files = try SyntheticFiles(self)
        let folder = files.directory.appendingPathComponent("cifar-10-batches-bin")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for b in 1...5 {
            try Data(records([[UInt8(b)]], firstRecord: b - 1)).write(to: folder.appendingPathComponent("data_batch_\(b).bin"))
        }
        try Data(records([[7]])).write(to: folder.appendingPathComponent("test_batch.bin"))
        // Given the parent folder, the loader finds cifar-10-batches-bin inside it.
        let train = try CIFARLoader.loadCIFAR10(directory: files.directory, split: .train)
        XCTAssertEqual(train.labels, [1, 2, 3, 4, 5])
        assertPixels(train, records: 5)
        XCTAssertEqual(train.classNames, CIFARLoader.cifar10ClassNames)
        let test = try CIFARLoader.loadCIFAR10(directory: folder, split: .test)
        XCTAssertEqual(test.labels, [7])
    }

    func testDirectoryLoaderListsTheMissingBatchFile() throws {
        let files = try SyntheticFiles(self)
        for b in [1, 2, 4, 5] { try files.write("data_batch_\(b).bin", records([[0]])) }
        XCTAssertThrowsError(try CIFARLoader.loadCIFAR10(directory: files.directory, split: .train)) { error in
            XCTAssertEqual((error as? ImageDataError)?.kind, .missingFile)
            XCTAssertTrue("\(error)".contains("missing data_batch_3.bin"), "\(error)")
        }
        XCTAssertThrowsError(try CIFARLoader.loadCIFAR100(directory: files.directory, split: .test)) { error in
            XCTAssertTrue("\(error)".contains("missing test.bin"), "\(error)")
        }
    }
}
