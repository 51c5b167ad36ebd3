import Foundation
import MixupCore
import MixupExperiments
import MixupNN
import MixupTestSupport
import MixupTraining
import SpeechData
import XCTest

/// The paper's image (§3.1) and speech (§3.3) settings on real data, shortened so they run in
/// CI: LeNet-5 with ERM, Mixup and MixupE (approximate q) on subsets of Fashion-MNIST and the
/// Free Spoken Digit Dataset. Floors are accuracies measured on this machine minus a margin.
final class ImageSpeechTrainingTests: XCTestCase {
    /// A seeded random subset of `n` samples.
    func subset(_ d: ClassificationData<Float>, _ n: Int, seed: UInt64) -> ClassificationData<Float> {
        var rng = SeededGenerator(seed: seed)
        return d.subset(Array(rng.permutation(d.count).prefix(n)).sorted())
    }

    /// Trains LeNet-5 with each arm; returns final test accuracy per method.
    func trainLeNet(on data: LoadedSplits, epochs: Int) throws -> [Method: Double] {
        var results: [Method: Double] = [:]
        for method in [Method.erm, .mixup, .mixupE] {
            var config = TrainingConfiguration()
            config.method = method
            config.epochs = epochs
            config.alpha = 0.2
            config.eta = 0.01
            config.seed = 1
            var initRNG = SeededGenerator(seed: 1)
            let model = try LeNet5<Float>(inputShape: data.train.sampleShape, classCount: data.train.classCount,
                                          firstPadding: data.train.sampleShape[1] == 28 ? 2 : 0, using: &initRNG)
            let trainer = try Trainer(model: model, configuration: config, train: data.train, test: data.test)
            trainer.log = { _ in }
            results[method] = try trainer.run().last!.testAccuracy!
        }
        return results
    }

    func testLeNetOnFashionMNISTReachesMeasuredAccuracyWithEachMethod() throws {
        _ = try sharedData("images/fashion-mnist/train-images-idx3-ubyte.gz")
        let dir = sharedDataURL("images/fashion-mnist").path
        var source = ImageSource(kind: .fashionMNIST, directory: dir)
        source.validationCount = 1000
        var data = try source.load()
        XCTAssertEqual(data.train.count + data.validation.count, 60_000)
        XCTAssertEqual(data.test.count, 10_000)
        data.train = subset(data.train, 4000, seed: 2)
        data.test = subset(data.test, 2000, seed: 3)
        let accuracy = try trainLeNet(on: data, epochs: 2)
        // Measured on this machine (2 epochs, 4,000 training images, 2,000 test images):
        // ERM 69.2 %, Mixup 69.5 %, MixupE 69.4 %. Floor: 60 %.
        for (method, acc) in accuracy { XCTAssertGreaterThan(acc, 0.60, "\(method): test accuracy \(acc)") }
    }

    func testSpeechSourceCachesInTheUserCacheDirectoryNotTheWorkingDirectory() {
        let source = SpeechSource(kind: .fsdd, directory: "fsdd")
        XCTAssertEqual(source.cacheDirectory, SpectrogramCache.defaultDirectory().path)
        XCTAssertTrue(source.cacheDirectory?.hasPrefix("/") == true, "\(source.cacheDirectory ?? "nil") is relative")
    }

    func testLeNetOnSpokenDigitsReachesMeasuredAccuracyWithEachMethod() throws {
        _ = try sharedData("speech/fsdd/recordings/0_george_0.wav")
        let dir = sharedDataURL("speech/fsdd").path
        var source = SpeechSource(kind: .fsdd, directory: dir)
        let cache = FileManager.default.temporaryDirectory.appendingPathComponent("mixuplab-spectrograms")
        source.cacheDirectory = cache.path
        var data = try source.load()
        XCTAssertEqual(data.test.count, 300, "official FSDD test split: index 0–4 × 6 speakers × 10 digits")
        XCTAssertEqual(data.train.sampleShape, [1, 160, 101])
        data.train = subset(data.train, 600, seed: 2)
        let accuracy = try trainLeNet(on: data, epochs: 3)
        // Measured on this machine (3 epochs, 600 training clips, the 300 official test clips):
        // ERM 63.7 %, Mixup 67.7 %, MixupE 67.7 %. Floor: 50 % (chance is 10 %).
        for (method, acc) in accuracy { XCTAssertGreaterThan(acc, 0.50, "\(method): test accuracy \(acc)") }
    }
}
