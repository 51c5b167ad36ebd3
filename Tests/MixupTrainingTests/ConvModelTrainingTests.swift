import MixupCore
import MixupNN
import MixupRegularizers
import MixupTraining
import XCTest

/// The image models under the generic trainer: every arm of MixupE runs, learns something that
/// generalises, and batch-norm models are recognised as batch-coupled.
final class ConvModelTrainingTests: XCTestCase {
    /// Random images with balanced labels: learnable only by memorising (thread tests need no signal).
    func randomImages(n: Int, shape: [Int], classes: Int, seed: UInt64) -> ClassificationData<Float> {
        var rng = SeededGenerator(seed: seed)
        let x = Tensor<Float>.normal(shape: [n] + shape, using: &rng)
        return ClassificationData(features: x, labels: (0..<n).map { ($0 * 7 + 3) % classes }, classCount: classes)
    }

    /// N(0, 1) noise images `[n, 1, side, side]` whose class (0–3) is the quadrant brightened by
    /// `contrast`: a signal a convolution can find, so accuracy on unseen images measures learning.
    func quadrantImages(n: Int, side: Int, contrast: Float, seed: UInt64) -> ClassificationData<Float> {
        var rng = SeededGenerator(seed: seed)
        var x = Tensor<Float>.normal(shape: [n, 1, side, side], using: &rng).scalars
        let labels = (0..<n).map { ($0 * 7 + 3) % 4 }
        let half = side / 2
        for (i, c) in labels.enumerated() {
            for r in (c / 2 * half)..<(c / 2 * half + half) {
                for col in (c % 2 * half)..<(c % 2 * half + half) { x[(i * side + r) * side + col] += contrast }
            }
        }
        return ClassificationData(features: Tensor(shape: [n, 1, side, side], scalars: x), labels: labels, classCount: 4)
    }

    func configuration(regularizer: String) -> TrainingConfiguration {
        var c = TrainingConfiguration()
        c.method = .mixupE
        c.regularizer = regularizer
        c.batchSize = 16
        c.alpha = 1
        c.eta = 0.1
        c.seed = 1
        c.optimizer = .adam(learningRate: 3e-3, weightDecay: 0)
        return c
    }

    /// `threads` drives the C kernels and, unless `blasThreads` is given, OpenBLAS; a run with
    /// 2 kernel threads gives the same parameters as a run with 1 (the kernels are bit-identical).
    func testThreadSettingsReachKernelsAndBLASWithoutChangingResults() throws {
        defer { ComputeThreads.count = 1 }
        let data = randomImages(n: 32, shape: [1, 12, 12], classes: 4, seed: 5)
        var finals: [[Tensor<Float>]] = []
        for (threads, blas) in [(1, nil), (2, 1)] as [(Int, Int?)] {
            var c = configuration(regularizer: ApproximateQ.name)
            c.epochs = 1
            c.threads = threads
            c.blasThreads = blas
            var rng = SeededGenerator(seed: 6)
            let model = try LeNet5<Float>(inputShape: [1, 12, 12], classCount: 4, firstPadding: 2, using: &rng)
            let trainer = try Trainer(model: model, configuration: c, train: data)
            trainer.log = { _ in }
            try trainer.run()
            XCTAssertEqual(ComputeThreads.kernelCount, threads)
            XCTAssertEqual(BLAS.threadCount, blas ?? threads)
            finals.append(model.parameters.map(\.value))
        }
        XCTAssertEqual(finals[0], finals[1])
        var bad = TrainingConfiguration()
        bad.blasThreads = 0
        XCTAssertThrowsError(try bad.validate()) { XCTAssertTrue("\($0)".contains("--blas-threads"), "\($0)") }
    }

    func testTinyLeNetTrainedWithMixupEExactAndApproximateClassifiesHeldOutImages() throws {
        let train = quadrantImages(n: 32, side: 20, contrast: 0.5, seed: 1)
        let heldOut = quadrantImages(n: 64, side: 20, contrast: 0.5, seed: 11)
        for regularizer in [ApproximateQ.name, ExactQ.name] {
            var rng = SeededGenerator(seed: 2)
            let model = try LeNet5<Float>(inputShape: [1, 20, 20], classCount: 4, using: &rng)
            let trainer = try Trainer(model: model, configuration: configuration(regularizer: regularizer), train: train,
                                      test: heldOut)
            trainer.log = { _ in }
            let before = try XCTUnwrap(trainer.evaluate(.train)).loss
            var r = SeededGenerator(seed: 3)
            var penalties: [Double] = []
            for step in 0..<40 {
                let clean = step % 2 == 0 ? Array(0..<16) : Array(16..<32)
                let result = try trainer.step(clean: clean, partner: clean.reversed(), rng: &r)
                penalties.append(result.penalty)
            }
            let after = try XCTUnwrap(trainer.evaluate(.train)).loss
            let accuracy = try XCTUnwrap(trainer.evaluate(.test)).accuracy
            XCTAssertTrue(penalties.contains { $0 != 0 }, "\(regularizer): the penalty must be live")
            XCTAssertLessThan(after, 0.8 * before, "\(regularizer): clean loss \(before) → \(after)")
            // Measured: 0.80 (approximate q), 0.91 (exact q) on 64 unseen images; chance is 0.25.
            XCTAssertGreaterThan(accuracy, 0.6, "\(regularizer): held-out accuracy \(accuracy) (chance 0.25)")
        }
    }

    /// Three exact-q steps on a batch-norm ResNet: losses are finite and identical when the run is
    /// repeated from the same seeds (no state leaks between the JVP and the plain passes), and only
    /// the plain passes update the running statistics.
    func testBatchNormModelsTrainWithExactQAndAreTreatedAsBatchCoupled() throws {
        let data = randomImages(n: 16, shape: [3, 8, 8], classes: 3, seed: 4)
        func run() throws -> (losses: [Double], penalties: [Double], runningMean: [Float]) {
            var rng = SeededGenerator(seed: 5)
            let model = try PreActResNet<Float>(depth: .resnet18, inputShape: [3, 8, 8], classCount: 3, baseWidth: 2,
                                                using: &rng)
            let trainer = try Trainer(model: model, configuration: configuration(regularizer: ExactQ.name), train: data)
            XCTAssertTrue(model.usesBatchStatistics)
            XCTAssertFalse(trainer.objective.batchesCleanPass, "automatic clean pass must not batch a batch-norm model")
            var r = SeededGenerator(seed: 6)
            var losses: [Double] = [], penalties: [Double] = []
            for _ in 0..<3 {
                let result = try trainer.step(clean: Array(0..<8), partner: Array(8..<16), rng: &r)
                XCTAssertTrue(result.loss.isFinite && result.penalty.isFinite)
                losses.append(result.loss)
                penalties.append(result.penalty)
            }
            // Exact q is a JVP pass: only the three plain mixed passes moved the running statistics.
            XCTAssertEqual(model.bn.running.batchesTracked, 3)
            return (losses, penalties, model.bn.running.mean.scalars)
        }
        let first = try run(), second = try run()
        XCTAssertTrue(first.penalties.contains { $0 != 0 }, "exact q must be live: \(first.penalties)")
        XCTAssertTrue(first.runningMean.contains { $0 != 0 }, "running mean never updated")
        XCTAssertEqual(first.losses, second.losses)
        XCTAssertEqual(first.penalties, second.penalties)
        XCTAssertEqual(first.runningMean, second.runningMean)
    }
}
