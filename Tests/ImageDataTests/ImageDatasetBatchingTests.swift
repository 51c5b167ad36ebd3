import ImageData
import XCTest

final class ImageDatasetBatchingTests: XCTestCase {
    func testBatchCopiesTheChosenImagesAndLabelsInOrder() throws {
        // Three 1×1×2 images: image i holds [10i, 10i + 1].
        let data = try ImageDataset(pixels: [0, 1, 10, 11, 20, 21], labels: [5, 6, 7], channels: 1, height: 1,
                                    width: 2, classCount: 8)
        let batch = try data.batch(at: [2, 0, 2])
        XCTAssertEqual(batch.pixels, [20, 21, 0, 1, 20, 21])
        XCTAssertEqual(batch.labels, [7, 5, 7])
        XCTAssertThrowsError(try data.batch(at: [3])) { error in
            XCTAssertEqual((error as? ImageDataError)?.kind, .invalidArgument)
        }
    }

    func testDatasetRejectsPixelsThatDoNotMatchTheShape() {
        XCTAssertThrowsError(try ImageDataset(pixels: [0, 1, 2], labels: [0, 1], channels: 1, height: 1, width: 2,
                                              classCount: 2)) { error in
            XCTAssertEqual((error as? ImageDataError)?.kind, .shapeMismatch)
        }
    }
}
