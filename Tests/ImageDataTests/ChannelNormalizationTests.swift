import ImageData
import XCTest

final class ChannelNormalizationTests: XCTestCase {
    /// Two 2×1×2 images per set: channel 0 and channel 1 get different value ranges.
    private func dataset(_ pixels: [Float]) throws -> ImageDataset {
        try ImageDataset(pixels: pixels, labels: [0, 1], channels: 2, height: 1, width: 2, classCount: 2)
    }

    func testStatisticsComeFromTheTrainingSetOnlyAndApplyToTest() throws {
        let train = try dataset([0, 2, 10, 10, 4, 6, 30, 50])
        let test = try dataset([1, 1, 1, 1, 100, 100, 100, 100])
        let normalization = try ChannelNormalization(fittingTrainingSet: train)

        // Naive per-channel statistics of the training pixels (channel 0: 0,2,4,6; channel 1: 10,10,30,50).
        let channel0: [Double] = [0, 2, 4, 6], channel1: [Double] = [10, 10, 30, 50]
        func stats(_ v: [Double]) -> (Double, Double) {
            let m = v.reduce(0, +) / Double(v.count)
            return (m, (v.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(v.count)).squareRoot())
        }
        let (m0, s0) = stats(channel0), (m1, s1) = stats(channel1)
        XCTAssertEqual(Double(normalization.mean[0]), m0, accuracy: 1e-6)
        XCTAssertEqual(Double(normalization.mean[1]), m1, accuracy: 1e-5)
        XCTAssertEqual(Double(normalization.standardDeviation[0]), s0, accuracy: 1e-5)
        XCTAssertEqual(Double(normalization.standardDeviation[1]), s1, accuracy: 1e-5)

        let normalizedTest = try normalization.applied(to: test)
        let expected = [(1 - m0) / s0, (1 - m0) / s0, (1 - m1) / s1, (1 - m1) / s1,
                        (100 - m0) / s0, (100 - m0) / s0, (100 - m1) / s1, (100 - m1) / s1]
        for (got, want) in zip(normalizedTest.pixels, expected) { XCTAssertEqual(Double(got), want, accuracy: 1e-4) }

        // The training set itself ends up with zero mean and unit deviation per channel.
        let normalizedTrain = try normalization.applied(to: train)
        let c0 = [0, 1, 4, 5].map { Double(normalizedTrain.pixels[$0]) }
        let c1 = [2, 3, 6, 7].map { Double(normalizedTrain.pixels[$0]) }
        XCTAssertEqual(stats(c0).0, 0, accuracy: 1e-6)
        XCTAssertEqual(stats(c0).1, 1, accuracy: 1e-5)
        XCTAssertEqual(stats(c1).0, 0, accuracy: 1e-6)
        XCTAssertEqual(stats(c1).1, 1, accuracy: 1e-5)
    }

    func testConstantChannelIsOnlyCentred() throws {
        let train = try dataset([3, 3, 1, 2, 3, 3, 3, 4])
        let normalization = try ChannelNormalization(fittingTrainingSet: train)
        XCTAssertEqual(normalization.standardDeviation[0], 1)
        XCTAssertEqual(try normalization.applied(to: train).pixels[0], 0)
    }

    func testChannelCountMismatchIsRejected() throws {
        let normalization = try ChannelNormalization(mean: [0.5], standardDeviation: [0.25])
        XCTAssertThrowsError(try normalization.applied(to: dataset([0, 0, 0, 0, 0, 0, 0, 0]))) { error in
            XCTAssertEqual((error as? ImageDataError)?.kind, .invalidArgument)
        }
        XCTAssertThrowsError(try ChannelNormalization(mean: [0], standardDeviation: [0]))
    }
}
