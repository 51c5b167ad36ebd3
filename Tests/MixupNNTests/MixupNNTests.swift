import Foundation
import MixupCore
import MixupNN
import MixupTestSupport
import XCTest

final class LayerTests: XCTestCase {
    func testParametersAreFoundByPathWithoutRegistration() {
        var rng = SeededGenerator(seed: 1)
        let mlp = MLP<Float>(widths: [4, 8, 3], using: &rng)
        XCTAssertEqual(mlp.namedParameters.map(\.name),
                       ["layers.0.weight", "layers.0.bias", "layers.1.weight", "layers.1.bias"])
        XCTAssertEqual(mlp.parameterCount, 4 * 8 + 8 + 8 * 3 + 3)
        let biasFree = MLP<Float>(widths: [4, 8, 3], bias: false, using: &rng)
        XCTAssertEqual(biasFree.namedParameters.map(\.name), ["layers.0.weight", "layers.1.weight"])
    }

    func testLinearUsesPyTorchWeightLayoutOutByIn() {
        let layer = Linear<Double>(weight: Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6]),
                                   bias: Tensor(shape: [2], scalars: [10, 20]))
        let y = layer(Variable(constant: Tensor<Double>(shape: [1, 3], scalars: [1, 0, -1])))
        // [1·1 + 0·2 − 1·3 + 10, 4 − 6 + 20]
        XCTAssertEqual(y.value.scalars, [8, 18])
    }
}

final class LossTests: XCTestCase {
    func testCrossEntropyWithSoftTargetsMatchesDefinitionAndFiniteDifferences() {
        let z = Tensor<Double>(shape: [2, 3], scalars: [0.5, -1, 2, 0.1, 0.2, -0.3])
        let y = Tensor<Double>(shape: [2, 3], scalars: [0.7, 0.3, 0, 0, 0, 1])
        // Independent: −Σ y log softmax(z), averaged over rows.
        var expected = 0.0
        for i in 0..<2 {
            let row = Array(z.scalars[(i * 3)..<(i * 3 + 3)])
            let lse = log(row.map { exp($0) }.reduce(0, +))
            for k in 0..<3 { expected -= y.scalars[i * 3 + k] * (row[k] - lse) }
        }
        let leaf = Variable(parameter: z)
        let loss = ClassificationLoss.crossEntropy(leaf, y)
        XCTAssertEqual(loss.scalar, expected / 2, accuracy: 1e-12)
        let numeric = FiniteDifferences.gradient(of: { ClassificationLoss.crossEntropy(Variable(constant: $0), y).scalar }, at: z)
        for (a, b) in zip(loss.gradients()[leaf].scalars, numeric.scalars) { XCTAssertEqual(a, b, accuracy: 1e-8) }
    }

    func testLogisticLossMatchesDefinitionAndFiniteDifferences() {
        let z = Tensor<Double>(shape: [3, 1], scalars: [0.3, -2, 5])
        let y = Tensor<Double>(shape: [3, 1], scalars: [1, 0, 0.4])
        let expected = zip(z.scalars, y.scalars).map { -log(exp($1 * $0) / (1 + exp($0))) }.reduce(0, +) / 3
        let leaf = Variable(parameter: z)
        let loss = ClassificationLoss.logistic(leaf, y)
        XCTAssertEqual(loss.scalar, expected, accuracy: 1e-12)
        let numeric = FiniteDifferences.gradient(of: { ClassificationLoss.logistic(Variable(constant: $0), y).scalar }, at: z)
        for (a, b) in zip(loss.gradients()[leaf].scalars, numeric.scalars) { XCTAssertEqual(a, b, accuracy: 1e-8) }
    }

    func testLogisticUsesOneOutputForTwoClasses() {
        XCTAssertEqual(ClassificationLoss.logistic.outputCount(classes: 2), 1)
        XCTAssertEqual(ClassificationLoss.crossEntropy.outputCount(classes: 2), 2)
        let t: Tensor<Float> = ClassificationLoss.logistic.targets([1, 0, 1], classes: 2)
        XCTAssertEqual(t.shape, [3, 1])
        XCTAssertEqual(t.scalars, [1, 0, 1])
        XCTAssertEqual(ClassificationLoss.logistic.predictions(Tensor<Float>(shape: [2, 1], scalars: [0.3, -0.1])), [1, 0])
        XCTAssertEqual(ClassificationLoss.crossEntropy.predictions(Tensor<Float>(shape: [2, 3], scalars: [0, 2, 1, 5, 0, 0])), [1, 0])
    }
}

final class OptimizerTests: XCTestCase {
    /// One parameter, loss ½‖θ‖² so the gradient is θ: the update rules are checked against
    /// a scalar re-derivation of PyTorch's formulas.
    func run<O: Optimizer>(_ optimizer: inout O, steps: Int, start: Double) -> Double where O.Scalar == Double {
        let p = Variable(parameter: Tensor<Double>(shape: [1], scalars: [start]))
        for _ in 0..<steps {
            let g = (p.square() * 0.5).sum().gradients()
            optimizer.update([p], with: g)
        }
        return p.value.scalar
    }

    func testCorruptAdamStepIsRejectedInsteadOfTrapping() throws {
        var adam = Adam<Double>(learningRate: 0.1, weightDecay: 0)
        _ = run(&adam, steps: 3, start: 1)
        let p = Variable(parameter: Tensor<Double>(shape: [1], scalars: [0]))
        var state = adam.stateTensors()
        var restored = Adam<Double>(learningRate: 0.1, weightDecay: 0)
        try restored.loadState(state, parameters: [p])
        for bad in [Double.nan, .infinity, -1, 2.5, 1e30] {
            state["adam.step"] = Tensor(shape: [1], scalars: [bad])
            XCTAssertThrowsError(try restored.loadState(state, parameters: [p]), "step \(bad)") {
                XCTAssertTrue("\($0)".contains("'adam.step' is"), "\($0)")
            }
        }
    }

    func testAdamMatchesTheBiasCorrectedUpdateRule() {
        var adam = Adam<Double>(learningRate: 0.1, weightDecay: 0.01)
        var theta = 2.0, m = 0.0, v = 0.0
        for t in 1...5 {
            let g = theta + 0.01 * theta
            m = 0.9 * m + 0.1 * g; v = 0.999 * v + 0.001 * g * g
            let mHat = m / (1 - pow(0.9, Double(t))), vHat = v / (1 - pow(0.999, Double(t)))
            theta -= 0.1 * mHat / (vHat.squareRoot() + 1e-8)
        }
        XCTAssertEqual(run(&adam, steps: 5, start: 2), theta, accuracy: 1e-12)
    }

    /// The fused, vectorised Adam kernel gives the textbook loop's Float results bit for bit, for
    /// lengths that exercise the vector body and every remainder, with L2 and decoupled decay.
    func testFusedAdamEqualsTheTextbookLoopBitForBitInFloat() {
        for (n, decoupled) in [(1, false), (13, true), (37, false), (64, true), (203, false)] {
            let start = (0..<n).map { Float($0 % 11) * 0.37 - 1.9 }
            let p = Variable(parameter: Tensor<Float>(shape: [n], scalars: start))
            var adam = Adam<Float>(learningRate: 0.05, weightDecay: 0.02, decoupledWeightDecay: decoupled)
            var theta = start, m = [Float](repeating: 0, count: n), v = m
            for step in 1...4 {
                adam.update([p], with: (p.square() * 0.5).sum().gradients())   // gradient θ, exactly
                let stepSize = Float(0.05) / Float(1 - pow(0.9, Double(step)))
                let root = Float(1 - pow(0.999, Double(step))).squareRoot()
                let (lr, wd, b1, b2, eps): (Float, Float, Float, Float, Float) = (0.05, 0.02, 0.9, 0.999, 1e-8)
                for k in 0..<n {
                    var g = theta[k]
                    if decoupled { theta[k] -= lr * wd * theta[k] } else { g += wd * theta[k] }
                    m[k] = b1 * m[k] + (1 - b1) * g
                    v[k] = b2 * v[k] + (1 - b2) * g * g
                    theta[k] -= stepSize * m[k] / (v[k].squareRoot() / root + eps)
                }
                XCTAssertEqual(p.value.scalars, theta, "n = \(n), decoupled = \(decoupled), step \(step)")
            }
        }
    }

    func testAdamWDecaysWeightsOutsideTheMoments() {
        var adamW = Adam<Double>.adamW(learningRate: 0.1, weightDecay: 0.1)
        var theta = 2.0, m = 0.0, v = 0.0
        for t in 1...5 {
            let g = theta
            theta -= 0.1 * 0.1 * theta
            m = 0.9 * m + 0.1 * g; v = 0.999 * v + 0.001 * g * g
            theta -= 0.1 / (1 - pow(0.9, Double(t))) * m / ((v / (1 - pow(0.999, Double(t)))).squareRoot() + 1e-8)
        }
        XCTAssertEqual(run(&adamW, steps: 5, start: 2), theta, accuracy: 1e-12)
    }

    func testSGDWithNesterovMomentumMatchesTheUpdateRule() {
        var sgd = SGD<Double>(learningRate: 0.1, momentum: 0.9, nesterov: true, weightDecay: 1e-2)
        var theta = 1.5, vel = 0.0
        for _ in 0..<6 {
            let g = theta + 1e-2 * theta
            vel = 0.9 * vel + g
            theta -= 0.1 * (g + 0.9 * vel)
        }
        XCTAssertEqual(run(&sgd, steps: 6, start: 1.5), theta, accuracy: 1e-12)
    }

    func testSchedules() {
        let step = LearningRateSchedule.stepDecay(epochs: [100, 150], factor: 0.1)
        XCTAssertEqual(step.rate(base: 0.1, epoch: 99.9), 0.1, accuracy: 1e-15)
        XCTAssertEqual(step.rate(base: 0.1, epoch: 100), 0.01, accuracy: 1e-15)
        XCTAssertEqual(step.rate(base: 0.1, epoch: 160), 0.001, accuracy: 1e-15)
        let cosine = LearningRateSchedule.warmupCosine(warmupEpochs: 5, totalEpochs: 105, minimumFactor: 0)
        XCTAssertEqual(cosine.rate(base: 1, epoch: 2.5), 0.5, accuracy: 1e-12)
        XCTAssertEqual(cosine.rate(base: 1, epoch: 55), 0.5, accuracy: 1e-12)
        XCTAssertEqual(cosine.rate(base: 1, epoch: 105), 0, accuracy: 1e-12)
    }
}

final class CheckpointTests: XCTestCase {
    func trainSteps(_ model: MLP<Float>, _ optimizer: inout Adam<Float>, steps: Int, seed: UInt64) {
        var rng = SeededGenerator(seed: seed)
        for _ in 0..<steps {
            let x = Tensor<Float>.normal(shape: [8, 3], using: &rng)
            let y: Tensor<Float> = oneHot((0..<8).map { _ in rng.bounded(2) }, classes: 2)
            optimizer.update(model.parameters, with: ClassificationLoss.crossEntropy(model(Variable(constant: x)), y).gradients())
        }
    }

    func testResumingFromACheckpointContinuesExactly() throws {
        var rng = SeededGenerator(seed: 3)
        let straight = MLP<Float>(widths: [3, 5, 2], using: &rng)
        let initial = Checkpoint(model: straight, optimizer: Adam<Float>())
        var opt = Adam<Float>()
        trainSteps(straight, &opt, steps: 3, seed: 10)
        trainSteps(straight, &opt, steps: 3, seed: 11)

        // Same start, stop after 3 steps, write, read into a fresh model and optimizer, go on.
        var rng2 = SeededGenerator(seed: 99)
        let resumed = MLP<Float>(widths: [3, 5, 2], using: &rng2)
        try initial.restore(into: resumed)
        var opt2 = Adam<Float>()
        trainSteps(resumed, &opt2, steps: 3, seed: 10)
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("resume-\(UUID()).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try Checkpoint(model: resumed, optimizer: opt2, metadata: ["epoch": "1"]).write(to: url)

        var rng3 = SeededGenerator(seed: 7)
        let fresh = MLP<Float>(widths: [3, 5, 2], using: &rng3)
        var opt3 = Adam<Float>()
        let loaded = try Checkpoint<Float>.read(from: url)
        try loaded.restore(into: fresh)
        try opt3.loadState(loaded.optimizerState, parameters: fresh.parameters)
        XCTAssertEqual(loaded.metadata["epoch"], "1")
        trainSteps(fresh, &opt3, steps: 3, seed: 11)
        for (a, b) in zip(straight.parameters, fresh.parameters) { XCTAssertEqual(a.value, b.value) }
    }

    func testRestoringIntoADifferentModelNamesTheMismatch() throws {
        var rng = SeededGenerator(seed: 3)
        let a = MLP<Float>(widths: [3, 5, 2], using: &rng), b = MLP<Float>(widths: [3, 6, 2], using: &rng)
        let c = MLP<Float>(widths: [3, 5, 5, 2], using: &rng)
        XCTAssertThrowsError(try Checkpoint(model: a, optimizer: Adam<Float>()).restore(into: b)) {
            XCTAssertTrue("\($0)".contains("layers.0.weight"), "\($0)")
        }
        XCTAssertThrowsError(try Checkpoint(model: a, optimizer: Adam<Float>()).restore(into: c)) {
            XCTAssertTrue("\($0)".contains("layers.2"), "\($0)")
        }
    }
}

final class CheckpointBufferTests: XCTestCase {
    func testBatchNormRunningStatisticsSurviveACheckpoint() throws {
        var rng = SeededGenerator(seed: 1)
        let model = try PreActResNet<Float>(depth: .resnet18, inputShape: [3, 8, 8], classCount: 2, baseWidth: 2, using: &rng)
        // A training-mode pass moves the running statistics away from their initial values.
        _ = model(Variable(constant: Tensor<Float>.normal(shape: [4, 3, 8, 8], mean: 3, using: &rng)))
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("bn-\(UUID()).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try Checkpoint(model: model, optimizer: Adam<Float>()).write(to: url)

        var rng2 = SeededGenerator(seed: 2)
        let fresh = try PreActResNet<Float>(depth: .resnet18, inputShape: [3, 8, 8], classCount: 2, baseWidth: 2, using: &rng2)
        XCTAssertFalse(fresh.namedBuffers.isEmpty)
        XCTAssertNotEqual(fresh.namedBuffers.map(\.value), model.namedBuffers.map(\.value))
        try Checkpoint<Float>.read(from: url).restore(into: fresh)
        XCTAssertEqual(fresh.namedBuffers.map(\.name), model.namedBuffers.map(\.name))
        XCTAssertEqual(fresh.namedBuffers.map(\.value), model.namedBuffers.map(\.value))
        XCTAssertTrue(fresh.namedBuffers.contains { $0.name.hasSuffix("running_var") })
    }
}

/// A two-layer model with dropout, for checkpointing the mask stream.
struct DropoutNet: Layer {
    typealias Scalar = Float
    let fc: Linear<Float>
    let drop: Dropout<Float>
    func callAsFunction<V: ModelValue>(_ x: V) -> V where V.Scalar == Float { drop(fc(x)) }
}

final class CheckpointDropoutTests: XCTestCase {
    func masks(_ model: DropoutNet, count: Int) -> [Tensor<Float>] {
        let x = Variable(constant: Tensor<Float>(repeating: 1, shape: [4, 3]))
        return (0..<count).map { _ in model(x).value }
    }

    /// A resumed run must draw the masks the uninterrupted run draws next: the dropout generator
    /// travels in the checkpoint's metadata and comes back on restore.
    func testDropoutMaskStreamResumesFromACheckpoint() throws {
        var rng = SeededGenerator(seed: 4)
        let mode = ModelMode()
        let model = DropoutNet(fc: Linear(inputSize: 3, outputSize: 16, using: &rng),
                               drop: Dropout(probability: 0.5, mode: mode, using: &rng))
        _ = masks(model, count: 3)
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("dropout-\(UUID()).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try Checkpoint(model: model, optimizer: Adam<Float>()).write(to: url)
        let expected = masks(model, count: 2)

        var rng2 = SeededGenerator(seed: 5)
        let fresh = DropoutNet(fc: Linear(inputSize: 3, outputSize: 16, using: &rng2),
                               drop: Dropout(probability: 0.5, mode: ModelMode(), using: &rng2))
        let loaded = try Checkpoint<Float>.read(from: url)
        XCTAssertNotNil(loaded.metadata["dropout.drop"], "keys: \(loaded.metadata.keys.sorted())")
        try loaded.restore(into: fresh)
        XCTAssertEqual(masks(fresh, count: 2), expected)
    }

    func testUnreadableDropoutStateIsAnErrorNamingItsKey() throws {
        var rng = SeededGenerator(seed: 4)
        let model = DropoutNet(fc: Linear(inputSize: 3, outputSize: 4, using: &rng),
                               drop: Dropout(probability: 0.5, mode: ModelMode(), using: &rng))
        var checkpoint = Checkpoint(model: model, optimizer: Adam<Float>())
        checkpoint.metadata["dropout.drop"] = "{\"state\": [1, 2]}"
        XCTAssertThrowsError(try checkpoint.restore(into: model)) {
            XCTAssertTrue("\($0)".contains("dropout.drop"), "\($0)")
        }
    }
}
