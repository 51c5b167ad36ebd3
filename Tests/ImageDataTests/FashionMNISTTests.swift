import Foundation
import ImageData
import MixupTestSupport
import XCTest

/// Loads the real Fashion-MNIST files from ../shared/data (relative to the package root).
final class FashionMNISTTests: XCTestCase {
    private static let directory = sharedDataURL("images/fashion-mnist")

    private func requireFile(_ name: String) throws -> URL {
        try sharedData("images/fashion-mnist/\(name)")
    }

    /// Second, independent path: `gzip -dc` and a naive byte loop over the IDX payload.
    private func naiveImageBytes(_ name: String) throws -> (sum: Int, count: Int, firstImage: [UInt8]) {
        let data = try runGzip(["-dc", requireFile(name).path])
        let sum = data.withUnsafeBytes { raw -> Int in
            let bytes = raw.bindMemory(to: UInt8.self)
            var total = 0
            for i in 16..<bytes.count { total += Int(bytes[i]) }
            return total
        }
        return (sum, data.count - 16, Array(data.dropFirst(16).prefix(784)))
    }

    private static func mean(_ values: [Float]) -> Double {
        values.withUnsafeBufferPointer { p in
            var sum = 0.0
            for i in 0..<p.count { sum += Double(p[i]) }
            return sum / Double(p.count)
        }
    }

    private static func range(_ values: [Float]) -> (min: Float, max: Float) {
        values.withUnsafeBufferPointer { p in
            var low = Float.infinity, high = -Float.infinity
            for i in 0..<p.count { low = Swift.min(low, p[i]); high = Swift.max(high, p[i]) }
            return (low, high)
        }
    }

    private func naiveLabels(_ name: String) throws -> [Int] {
        try runGzip(["-dc", requireFile(name).path]).dropFirst(8).map { Int($0) }
    }

    func testTrainingSplitHas60000LabelledGreyImagesMatchingAnIndependentDecode() throws {
        _ = try requireFile("train-images-idx3-ubyte.gz")
        let train = try MNISTLoader.load(directory: Self.directory, split: .train,
                                         classNames: MNISTLoader.fashionMNISTClassNames)
        XCTAssertEqual(train.count, 60000)
        XCTAssertEqual(train.shape, ImageShape(channels: 1, height: 28, width: 28))
        XCTAssertEqual(train.pixels.count, 60000 * 784)
        XCTAssertEqual(train.classCount, 10)
        XCTAssertEqual(train.classNames?.count, 10)
        let range = Self.range(train.pixels)
        XCTAssertEqual(range.min, 0)
        XCTAssertEqual(range.max, 1)

        // Labels and pixel statistics agree with the gzip CLI + naive loop path.
        XCTAssertEqual(train.labels, try naiveLabels("train-labels-idx1-ubyte.gz"))
        let naive = try naiveImageBytes("train-images-idx3-ubyte.gz")
        XCTAssertEqual(naive.count, train.pixels.count)
        let loaderMean = Self.mean(train.pixels)
        let naiveMean = Double(naive.sum) / 255 / Double(naive.count)
        XCTAssertEqual(loaderMean, naiveMean, accuracy: 1e-6)
        // Published Fashion-MNIST training mean 0.2860 (also checked once with Python's gzip module: 0.286041).
        XCTAssertEqual(loaderMean, 0.2860, accuracy: 1e-4)
        XCTAssertEqual(Array(train.pixels[0..<784]), naive.firstImage.map { Float($0) / 255 })

        // Fashion-MNIST is balanced: 6000 training images per class (checked once with Python).
        var histogram = [Int](repeating: 0, count: 10)
        for label in train.labels { histogram[label] += 1 }
        XCTAssertEqual(histogram, [Int](repeating: 6000, count: 10))
    }

    func testTestSplitHas10000ImagesWithBalancedLabels() throws {
        _ = try requireFile("t10k-images-idx3-ubyte.gz")
        let test = try MNISTLoader.load(directory: Self.directory, split: .test)
        XCTAssertEqual(test.count, 10000)
        XCTAssertEqual(test.shape, ImageShape(channels: 1, height: 28, width: 28))
        XCTAssertTrue(test.labels.allSatisfy { (0..<10).contains($0) })
        XCTAssertEqual(test.labels, try naiveLabels("t10k-labels-idx1-ubyte.gz"))
        var histogram = [Int](repeating: 0, count: 10)
        for label in test.labels { histogram[label] += 1 }
        XCTAssertEqual(histogram, [Int](repeating: 1000, count: 10))
        let naive = try naiveImageBytes("t10k-images-idx3-ubyte.gz")
        let range = Self.range(test.pixels)
        XCTAssertGreaterThanOrEqual(range.min, 0)
        XCTAssertLessThanOrEqual(range.max, 1)
        XCTAssertEqual(Self.mean(test.pixels), Double(naive.sum) / 255 / Double(naive.count), accuracy: 1e-6)
    }
}
