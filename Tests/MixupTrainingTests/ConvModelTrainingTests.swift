import MixupCore
import MixupNN
import MixupRegularizers
import MixupTraining
import XCTest

/// The image models under the generic trainer: every arm of MixupE runs, the loss goes down,
/// and batch-norm models are recognised as batch-coupled.
final class ConvModelTrainingTests: XCTestCase {
    /// Random images with balanced random-ish labels: learnable only by memorising, so a falling
    /// loss shows the gradients reach every layer.
    func randomImages(n: Int, shape: [Int], classes: Int, seed: UInt64) -> ClassificationData<Float> {
        var rng = SeededGenerator(seed: seed)
        let x = Tensor<Float>.normal(shape: [n] + shape, using: &rng)
        return ClassificationData(features: x, labels: (0..<n).map { ($0 * 7 + 3) % classes }, classCount: classes)
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

    func testTinyLeNetTrainsWithMixupEExactAndApproximate() throws {
        let data = randomImages(n: 32, shape: [1, 20, 20], classes: 4, seed: 1)
        for regularizer in [ApproximateQ.name, ExactQ.name] {
            var rng = SeededGenerator(seed: 2)
            let model = try LeNet5<Float>(inputShape: [1, 20, 20], classCount: 4, using: &rng)
            let trainer = try Trainer(model: model, configuration: configuration(regularizer: regularizer), train: data)
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
            XCTAssertTrue(penalties.contains { $0 != 0 }, "\(regularizer): the penalty must be live")
            XCTAssertLessThan(after, 0.8 * before, "\(regularizer): clean loss \(before) → \(after)")
        }
    }

    func testBatchNormModelsTrainWithExactQAndAreTreatedAsBatchCoupled() throws {
        let data = randomImages(n: 16, shape: [3, 8, 8], classes: 3, seed: 4)
        var rng = SeededGenerator(seed: 5)
        let model = try PreActResNet<Float>(depth: .resnet18, inputShape: [3, 8, 8], classCount: 3, baseWidth: 2, using: &rng)
        let trainer = try Trainer(model: model, configuration: configuration(regularizer: ExactQ.name), train: data)
        XCTAssertTrue(model.usesBatchStatistics)
        XCTAssertFalse(trainer.objective.batchesCleanPass, "automatic clean pass must not batch a batch-norm model")
        var r = SeededGenerator(seed: 6)
        var losses: [Double] = []
        for _ in 0..<3 {
            let result = try trainer.step(clean: Array(0..<8), partner: Array(8..<16), rng: &r)
            XCTAssertTrue(result.loss.isFinite && result.penalty.isFinite)
            losses.append(result.loss)
        }
        // Exact q is a JVP pass: only the three plain mixed passes moved the running statistics.
        XCTAssertEqual(model.bn.running.batchesTracked, 3)
    }
}
