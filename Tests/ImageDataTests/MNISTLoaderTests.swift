import Foundation
import ImageData
import XCTest

final class MNISTLoaderTests: XCTestCase {
    func testImagesAreScaledToUnitIntervalInNCHWOrder() throws {
        let files = try SyntheticFiles(self)
        let pixels: [UInt8] = [0, 51, 102, 255, 255, 204, 153, 0]
        try files.writeGzipped("train-images-idx3-ubyte.gz", SyntheticFiles.idxHeader(dimensions: [2, 2, 2]) + pixels)
        try files.write("train-labels-idx1-ubyte", SyntheticFiles.idxHeader(dimensions: [2]) + [3, 9])
        let data = try MNISTLoader.load(directory: files.directory, split: .train)
        XCTAssertEqual(data.labels, [3, 9])
        XCTAssertEqual(data.shape, ImageShape(channels: 1, height: 2, width: 2))
        XCTAssertEqual(data.pixels, pixels.map { Float($0) / 255 })
    }

    func testImageAndLabelCountMismatchIsRejectedNamingTheLabelFile() throws {
        let files = try SyntheticFiles(self)
        let images = try files.write("imgs", SyntheticFiles.idxHeader(dimensions: [3, 2, 2]) + [UInt8](repeating: 1, count: 12))
        let labels = try files.write("lbls", SyntheticFiles.idxHeader(dimensions: [2]) + [0, 1])
        XCTAssertThrowsError(try MNISTLoader.load(imagesFile: images, labelsFile: labels)) { error in
            XCTAssertEqual((error as? ImageDataError)?.kind, .shapeMismatch)
            XCTAssertTrue("\(error)".hasPrefix("/") && "\(error)".contains("/lbls: "), "\(error)")
            XCTAssertTrue("\(error)".contains("2 labels for the 3 images"), "\(error)")
        }
    }

    func testLabelOutsideTenClassesIsRejectedWithItsByteOffset() throws {
        let files = try SyntheticFiles(self)
        let images = try files.write("imgs", SyntheticFiles.idxHeader(dimensions: [3, 1, 1]) + [1, 2, 3])
        let labels = try files.write("lbls", SyntheticFiles.idxHeader(dimensions: [3]) + [0, 12, 1])
        XCTAssertThrowsError(try MNISTLoader.load(imagesFile: images, labelsFile: labels)) { error in
            XCTAssertEqual((error as? ImageDataError)?.kind, .labelOutOfRange)
            XCTAssertEqual((error as? ImageDataError)?.byteOffset, 9)
            XCTAssertTrue("\(error)".hasPrefix("/") && "\(error)".contains("/lbls: byte 9: "), "\(error)")
        }
    }

    func testMissingSplitFileIsNamed() throws {
        let files = try SyntheticFiles(self)
        try files.write("t10k-images-idx3-ubyte", SyntheticFiles.idxHeader(dimensions: [1, 1, 1]) + [0])
        XCTAssertThrowsError(try MNISTLoader.load(directory: files.directory, split: .test)) { error in
            XCTAssertEqual((error as? ImageDataError)?.kind, .missingFile)
            XCTAssertTrue("\(error)".contains("t10k-labels-idx1-ubyte"), "\(error)")
        }
    }
}
