import ImageData
import SeededRandom
import XCTest

final class AugmentationTests: XCTestCase {
    private let shape = ImageShape(channels: 3, height: 5, width: 4)

    /// A batch of `count` images whose every value is distinct, so any movement is visible.
    private func batch(_ count: Int) -> [Float] {
        (0..<(count * shape.pixelCount)).map { Float($0 + 1) }
    }

    func testSeededCropAndFlipIsReproducible() throws {
        let augmentation = try RandomCropAndFlip(padding: 2, flipProbability: 0.5)
        var first = batch(16), second = batch(16), other = batch(16)
        var rngA = SplitMix64(seed: 42), rngB = SplitMix64(seed: 42), rngC = SplitMix64(seed: 43)
        try augmentation.apply(to: &first, shape: shape, using: &rngA)
        try augmentation.apply(to: &second, shape: shape, using: &rngB)
        try augmentation.apply(to: &other, shape: shape, using: &rngC)
        XCTAssertEqual(first, second)
        XCTAssertNotEqual(first, other)
        XCTAssertNotEqual(first, batch(16))
    }

    func testFlipOfAFlipIsIdentityAndMirrorsEachRow() throws {
        let original = batch(2)
        var flipped = original
        try ImageTransforms.flipHorizontally(&flipped, imageIndex: 1, shape: shape)
        let size = shape.pixelCount, w = shape.width
        XCTAssertEqual(Array(flipped[0..<size]), Array(original[0..<size]), "other images untouched")
        for row in 0..<(shape.channels * shape.height) {
            for x in 0..<w {
                XCTAssertEqual(flipped[size + row * w + x], original[size + row * w + (w - 1 - x)])
            }
        }
        try ImageTransforms.flipHorizontally(&flipped, imageIndex: 1, shape: shape)
        XCTAssertEqual(flipped, original)
    }

    func testCropWithoutPaddingOrOffsetIsIdentity() throws {
        var images = batch(2)
        try ImageTransforms.cropWithZeroPadding(&images, imageIndex: 0, shape: shape, padding: 0, offsetY: 0, offsetX: 0)
        XCTAssertEqual(images, batch(2))
        try ImageTransforms.cropWithZeroPadding(&images, imageIndex: 1, shape: shape, padding: 3, offsetY: 3, offsetX: 3)
        XCTAssertEqual(images, batch(2))
    }

    func testCropShiftsContentAndFillsZeroPadding() throws {
        let original = batch(1)
        for (offsetY, offsetX) in [(0, 0), (4, 1), (2, 3), (1, 4)] {
            var images = original
            try ImageTransforms.cropWithZeroPadding(&images, imageIndex: 0, shape: shape, padding: 2,
                                                    offsetY: offsetY, offsetX: offsetX)
            // Naive reference: output (y, x) is padded (y + offsetY, x + offsetX), i.e. input (y + oy − 2, x + ox − 2).
            for c in 0..<shape.channels { for y in 0..<shape.height { for x in 0..<shape.width {
                let sy = y + offsetY - 2, sx = x + offsetX - 2
                let inside = sy >= 0 && sy < shape.height && sx >= 0 && sx < shape.width
                let want = inside ? original[(c * shape.height + sy) * shape.width + sx] : 0
                XCTAssertEqual(images[(c * shape.height + y) * shape.width + x], want,
                               "offset (\(offsetY), \(offsetX)) at c\(c) y\(y) x\(x)")
            } } }
        }
    }

    func testZeroPaddingAndCertainFlipMirrorsEveryImage() throws {
        var images = batch(3), expected = batch(3)
        for i in 0..<3 { try ImageTransforms.flipHorizontally(&expected, imageIndex: i, shape: shape) }
        var rng = SplitMix64(seed: 7)
        try RandomCropAndFlip(padding: 0, flipProbability: 1).apply(to: &images, shape: shape, using: &rng)
        XCTAssertEqual(images, expected)
        var unchanged = batch(3)
        try RandomCropAndFlip(padding: 0, flipProbability: 0).apply(to: &unchanged, shape: shape, using: &rng)
        XCTAssertEqual(unchanged, batch(3))
    }

    func testFlipHappensAboutHalfTheTime() throws {
        let one = ImageShape(channels: 1, height: 1, width: 2)
        var images = [Float](repeating: 0, count: 4000)
        for i in 0..<2000 { images[2 * i] = 1 }  // each image is [1, 0]; flipped it becomes [0, 1]
        var rng = SplitMix64(seed: 2024)
        try RandomCropAndFlip(padding: 0, flipProbability: 0.5).apply(to: &images, shape: one, using: &rng)
        var flips = 0
        for i in 0..<2000 where images[2 * i] == 0 { flips += 1 }
        XCTAssertGreaterThan(flips, 900)   // binomial(2000, 0.5): ±4.5 standard deviations
        XCTAssertLessThan(flips, 1100)
    }

    func testInvalidOffsetsAndRaggedBatchesAreRejected() throws {
        var images = batch(1)
        XCTAssertThrowsError(try ImageTransforms.cropWithZeroPadding(&images, imageIndex: 0, shape: shape, padding: 1,
                                                                     offsetY: 3, offsetX: 0))
        XCTAssertThrowsError(try ImageTransforms.flipHorizontally(&images, imageIndex: 1, shape: shape))
        var ragged = [Float](repeating: 0, count: shape.pixelCount + 1)
        var rng = SplitMix64(seed: 1)
        XCTAssertThrowsError(try RandomCropAndFlip().apply(to: &ragged, shape: shape, using: &rng))
        XCTAssertThrowsError(try RandomCropAndFlip(padding: -1))
    }
}
