import MixupCore
import MixupNN
import XCTest

/// The image layers as layers: parameter discovery and names, shapes, and the train/eval
/// semantics of batch norm (running statistics) and dropout (seeded masks).
final class ConvLayerTests: XCTestCase {
    func randomImages(_ shape: [Int], seed: UInt64) -> Tensor<Double> {
        var rng = SeededGenerator(seed: seed)
        return .normal(shape: shape, mean: 2, standardDeviation: 3, using: &rng)
    }

    func testConv2dUsesPyTorchLayoutAndInitialisationBound() {
        var rng = SeededGenerator(seed: 1)
        let conv = Conv2d<Double>(inputChannels: 3, outputChannels: 8, kernelSize: 5, stride: 2, padding: 2, using: &rng)
        XCTAssertEqual(conv.namedParameters.map(\.name), ["weight", "bias"])
        XCTAssertEqual(conv.weight.shape, [8, 3, 5, 5])
        let bound = 1 / (3.0 * 25).squareRoot()
        XCTAssertTrue(conv.weight.value.scalars.allSatisfy { abs($0) <= bound })
        XCTAssertGreaterThan(conv.weight.value.scalars.map(abs).max()!, 0.9 * bound, "init should fill the range")
        let y = conv(Variable(constant: randomImages([2, 3, 9, 7], seed: 2)))
        XCTAssertEqual(y.shape, [2, 8, 5, 4])   // ⌊(9 + 4 − 5)/2⌋ + 1 = 5, ⌊(7 + 4 − 5)/2⌋ + 1 = 4
        XCTAssertEqual(conv.outputShape(for: [3, 9, 7]), [8, 5, 4])
        XCTAssertNil(conv.outputShape(for: [2, 9, 7]), "wrong channel count")
        XCTAssertNil(Conv2d<Double>(inputChannels: 1, outputChannels: 1, kernelSize: 5, using: &rng).outputShape(for: [1, 4, 9]))
    }

    func testPoolingFlattenAndGlobalPoolShapes() {
        let x = Variable(constant: randomImages([2, 3, 9, 8], seed: 3))
        XCTAssertEqual(MaxPool2d<Double>(kernelSize: 2)(x).shape, [2, 3, 4, 4])
        XCTAssertEqual(AvgPool2d<Double>(kernelSize: 3, stride: 1, padding: 1)(x).shape, [2, 3, 9, 8])
        XCTAssertEqual(GlobalAvgPool<Double>()(x).shape, [2, 3])
        XCTAssertEqual(Flatten<Double>()(x).shape, [2, 3 * 9 * 8])
        XCTAssertEqual(Flatten<Double>()(x).value.scalars, x.value.scalars, "flatten keeps row-major order")
    }

    func testBatchNormUpdatesRunningStatisticsOnlyOnPlainTrainingPasses() {
        let mode = ModelMode()
        let bn = BatchNorm2d<Double>(channels: 2, mode: mode)
        XCTAssertEqual(bn.namedParameters.map(\.name), ["weight", "bias"])
        let x = randomImages([4, 2, 3, 3], seed: 4)
        // Independent: per-channel mean and unbiased variance by direct loops, then one EMA step from (0, 1).
        var expectedMean = [Double](), expectedVar = [Double]()
        for ch in 0..<2 {
            var v = [Double]()
            for i in 0..<4 { for k in 0..<9 { v.append(x.scalars[(i * 2 + ch) * 9 + k]) } }
            let m = v.reduce(0, +) / 36
            expectedMean.append(0.1 * m)
            expectedVar.append(0.9 + 0.1 * v.map { ($0 - m) * ($0 - m) }.reduce(0, +) / 35)
        }
        _ = bn(Variable(constant: x))
        XCTAssertEqual(bn.running.batchesTracked, 1)
        for ch in 0..<2 {
            XCTAssertEqual(bn.running.mean.scalars[ch], expectedMean[ch], accuracy: 1e-12)
            XCTAssertEqual(bn.running.variance.scalars[ch], expectedVar[ch], accuracy: 1e-12)
        }
        // A JVP pass (a regularizer's clean pass) leaves them alone.
        _ = bn(Dual(Variable(constant: x), direction: Variable(constant: x)))
        XCTAssertEqual(bn.running.batchesTracked, 1)
        // So does a plain pass with updates switched off, and any pass in evaluation mode.
        bn.withoutUpdatingRunningStatistics { _ = bn(Variable(constant: x)) }
        XCTAssertTrue(mode.updatesRunningStatistics, "the setting is restored")
        bn.evaluating { _ = bn(Variable(constant: x)) }
        XCTAssertTrue(mode.isTraining, "the mode is restored")
        XCTAssertEqual(bn.running.batchesTracked, 1)
        XCTAssertEqual(bn.running.mean.scalars[0], expectedMean[0], accuracy: 1e-12)
    }

    func testBatchNormEvaluationModeUsesRunningStatisticsPerSample() {
        let mode = ModelMode()
        let bn = BatchNorm2d<Double>(channels: 3, mode: mode)
        _ = bn(Variable(constant: randomImages([8, 3, 2, 2], seed: 5)))
        mode.isTraining = false
        XCTAssertFalse(bn.usesBatchStatistics)
        let x = randomImages([2, 3, 2, 2], seed: 6)
        let y = bn(Variable(constant: x)).value
        for i in 0..<2 { for ch in 0..<3 { for k in 0..<4 {
            let j = (i * 3 + ch) * 4 + k
            let expected = (x.scalars[j] - bn.running.mean.scalars[ch]) / (bn.running.variance.scalars[ch] + 1e-5).squareRoot()
            XCTAssertEqual(y.scalars[j], expected, accuracy: 1e-12)
        }}}
        // Per-sample: the first sample's output does not depend on the second.
        let alone = bn(Variable(constant: x.slicing(rows: 0..<1))).value
        XCTAssertEqual(alone.scalars, Array(y.scalars[0..<12]))
        mode.isTraining = true
        XCTAssertTrue(bn.usesBatchStatistics)
        XCTAssertNotEqual(bn(Variable(constant: x.slicing(rows: 0..<1))).value.scalars, alone.scalars)
    }

    func testDropoutMasksAreSeededScaledAndOffInEvaluation() {
        let mode = ModelMode()
        var rngA = SeededGenerator(seed: 7), rngB = SeededGenerator(seed: 7)
        let a = Dropout<Double>(probability: 0.25, mode: mode, using: &rngA)
        let b = Dropout<Double>(probability: 0.25, mode: mode, using: &rngB)
        XCTAssertTrue(a.namedParameters.isEmpty)
        let x = Variable(constant: Tensor<Double>(repeating: 2, shape: [50, 40]))
        let ya = a(x).value, yb = b(x).value
        XCTAssertEqual(ya, yb, "same seed, same masks")
        XCTAssertTrue(ya.scalars.allSatisfy { $0 == 0 || abs($0 - 2 / 0.75) < 1e-12 })
        let dropped = Double(ya.scalars.filter { $0 == 0 }.count) / 2000
        XCTAssertEqual(dropped, 0.25, accuracy: 0.04)   // ±4σ of a Binomial(2000, 0.25) fraction
        XCTAssertNotEqual(a(x).value, ya, "each call draws a fresh mask")
        // A JVP uses one mask for value and tangent: the tangent of x ↦ dropout(x) along x is the output.
        let d = a(Dual(x, direction: x))
        XCTAssertEqual(d.primal.value, d.tangent.value)
        mode.isTraining = false
        XCTAssertEqual(a(x).value, x.value)
    }

    func testSetTrainingReachesEveryLayerSharingTheMode() {
        struct Pair: Layer {
            typealias Scalar = Double
            let first: BatchNorm2d<Double>
            let second: [Dropout<Double>]
            func callAsFunction<V: ModelValue>(_ x: V) -> V where V.Scalar == Double { x }
        }
        var rng = SeededGenerator(seed: 8)
        let m1 = ModelMode(), m2 = ModelMode()
        let pair = Pair(first: BatchNorm2d(channels: 2, mode: m1), second: [Dropout(probability: 0.5, mode: m2, using: &rng)])
        XCTAssertEqual(pair.modelModes.count, 2)
        pair.setTraining(false)
        XCTAssertFalse(m1.isTraining); XCTAssertFalse(m2.isTraining)
        pair.setTraining(true)
        XCTAssertTrue(m1.isTraining && m2.isTraining)
    }
}
