import Foundation
import ImageData
import MixupExperiments
import MixupTestSupport
import XCTest

/// IDX image inputs: lying gzip sizes refused before inflating, test images of another size refused at load
/// naming both files, and small sets made usable by `--validation-size`.
final class ImageBadInputTests: XCTestCase {
    /// A folder with MNIST's four file names holding `train` and `test` images of the given sizes.
    private func mnistFolder(train: (count: Int, side: Int), test: (count: Int, side: Int)) throws -> URL {
        let directory = try makeTemporaryDirectory()
        let a = idxPair(count: train.count, height: train.side, width: train.side)
        let b = idxPair(count: test.count, height: test.side, width: test.side)
        try write(a.images, to: directory, "train-images-idx3-ubyte")
        try write(a.labels, to: directory, "train-labels-idx1-ubyte")
        try write(b.images, to: directory, "t10k-images-idx3-ubyte")
        try write(b.labels, to: directory, "t10k-labels-idx1-ubyte")
        return directory
    }

    func testTestImagesOfAnotherSizeAreRefusedAtLoadNamingBothFiles() throws {
        let directory = try mnistFolder(train: (20, 28), test: (10, 32))
        let trainFile = directory.appendingPathComponent("train-images-idx3-ubyte").path
        let testFile = directory.appendingPathComponent("t10k-images-idx3-ubyte").path
        assertClearError(try MNISTLoader.loadTrainAndTest(directory: directory),
                         contains: [testFile, trainFile, "32×32", "28×28"])
        assertClearError(try loadData(["--dataset", "mnist", "--data-dir", directory.path, "--validation-size", "4"]),
                         contains: [testFile, trainFile])
    }

    func testSmallImageSetsNeedAndHonourValidationSize() throws {
        let directory = try mnistFolder(train: (20, 28), test: (10, 28))
        assertClearError(try loadData(["--dataset", "mnist", "--data-dir", directory.path]),
                         contains: [directory.path, "5000", "--validation-size"])
        let byCount = try XCTUnwrap(splitSizes(try loadData(["--dataset", "mnist", "--data-dir", directory.path, "--validation-size", "4"])))
        XCTAssertEqual([byCount.train, byCount.validation, byCount.test], [16, 4, 10])
        let byFraction = try XCTUnwrap(splitSizes(try loadData(["--dataset", "mnist", "--data-dir", directory.path, "--validation-size", "0.25"])))
        XCTAssertEqual([byFraction.train, byFraction.validation, byFraction.test], [15, 5, 10])
    }

    func testGzipWithATruthfulHugeHeaderIsRefusedBeforeInflating() throws {
        // 1.27 M images of 28×28 (about 1 GB) promised by a ~1 MB gzip of incompressible bytes: within deflate's
        // ratio, so only the decompression budget stops it.
        var rng = SystemRandomNumberGenerator()
        let body = (0..<(1 << 20)).map { _ in UInt8.random(in: 0...255, using: &rng) }
        let gz = try gzipped(idxHeader([1_270_000, 28, 28]) + body)
        let directory = try makeTemporaryDirectory()
        let url = try write(gz, to: directory, "train-images-idx3-ubyte.gz")
        assertClearError(try IDXReader.read(url), contains: [url.path, "byte 16 (decompressed)", "995680000 bytes",
                                                             "budget of 268435456", "--max-decompressed-bytes"])
        // An explicit budget is honoured both ways: too small for an honest file, then large enough.
        let honest = try write(try gzipped(idxHeader([4, 2, 2]) + Array(repeating: 7, count: 16)), to: directory, "small.gz")
        assertClearError(try IDXReader.read(honest, maximumDecompressedBytes: 15), contains: ["small.gz", "budget of 15 bytes"])
        XCTAssertEqual(try IDXReader.read(honest, maximumDecompressedBytes: 16).values, Array(repeating: 7, count: 16))
    }

    func testDataDirThatIsAFileIsRefused() throws {
        let file = try writeTemporaryFile("not-a-folder", "x")
        assertClearError(try loadData(["--dataset", "mnist", "--data-dir", file.path]), contains: [file.path, "is a file"])
    }

    func testDecompressionBudgetOptionIsRefusedWhereItCannotApply() {
        assertCommandFails(["train", "--dataset", "cifar10", "--data-dir", "/tmp", "--max-decompressed-bytes", "10"],
                           contains: ["--max-decompressed-bytes", "mnist"])
    }
}
