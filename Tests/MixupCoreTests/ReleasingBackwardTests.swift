import MixupCore
import MixupTestSupport
import XCTest

/// `gradientsReleasingGraph()`, the trainer's backward pass: the same gradients as `gradients()` bit
/// for bit, on a small PreAct-ResNet-like graph with the fused BN → ReLU → conv ops and the exact-q
/// JVP, and every intermediate node freed by the sweep itself.
final class ReleasingBackwardTests: XCTestCase {
    static let batchStatistics = NormalizationStatistics<Float>.batch(tangent: .fixedStatistics)

    /// The parameters of one stem convolution, a PreAct unit with a strided 1×1 shortcut, a second
    /// BN → ReLU → conv and a linear readout, for 3-channel 8×8 inputs.
    struct Parameters {
        let stem, conv1, shortcut, conv2, readout: Variable<Float>
        let scales, shifts: [Variable<Float>]
        var all: [Variable<Float>] { [stem, conv1, shortcut, conv2, readout] + scales + shifts }

        init(seed: UInt64) {
            var data = TestData(seed: seed)
            func p(_ shape: [Int], _ range: ClosedRange<Double> = -0.5...0.5) -> Variable<Float> {
                Variable(parameter: Tensor<Float>(data.tensor(shape, in: range)))
            }
            stem = p([4, 3, 3, 3]); conv1 = p([6, 4, 3, 3]); shortcut = p([6, 4, 1, 1]); conv2 = p([6, 6, 3, 3])
            readout = p([3, 6])
            scales = [4, 6, 6].map { p([$0], 0.5...1.5) }
            shifts = [4, 6, 6].map { p([$0], -0.3...0.3) }
        }
    }

    /// The inputs, a direction, soft targets: the W3 exact-q objective in miniature.
    struct Batch {
        let x, direction, targets: Tensor<Float>
        init(seed: UInt64) {
            var data = TestData(seed: seed)
            x = Tensor(data.tensor([4, 3, 8, 8]))
            direction = Tensor(data.tensor([4, 3, 8, 8], in: -1...1))
            targets = Tensor(data.tensor([4, 3], in: 0...1))
        }
    }

    /// The network on a `Variable` (the mixed pass) or a `Dual` (the JVP), as layers run it.
    func network<V: ModelValue>(_ input: V, _ p: Parameters) -> V where V.Scalar == Float {
        let h = input.conv2d(weight: p.stem, bias: nil, stride: 1, padding: 1)
        let unit = h.batchNormalizedReLUConvolutions(
            scale: p.scales[0], shift: p.shifts[0], statistics: Self.batchStatistics, epsilon: 1e-5,
            convolutions: [ConvolutionSpec(weight: p.conv1, bias: nil, stride: 2, padding: 1),
                           ConvolutionSpec(weight: p.shortcut, bias: nil, stride: 2, padding: 0)])
        let second = unit[0].batchNormalizedReLUConvolutions(
            scale: p.scales[1], shift: p.shifts[1], statistics: Self.batchStatistics, epsilon: 1e-5,
            convolutions: [ConvolutionSpec(weight: p.conv2, bias: nil, stride: 1, padding: 1)])[0]
        let out = (second + unit[1]).batchNormalizedReLU(scale: p.scales[2], shift: p.shifts[2],
                                                         statistics: Self.batchStatistics, epsilon: 1e-5)
        return out.globalAvgPool2d().linear(weight: p.readout, bias: nil)
    }

    /// Mixup-style loss on a mixed batch plus η·mean exact q from the JVP at the clean batch.
    func objective(_ p: Parameters, _ b: Batch) -> Variable<Float> {
        let mixed = network(Variable(constant: b.x * 0.7 + b.direction * 0.3), p)
        let jvp = network(Dual(Variable(constant: b.x), direction: Variable(constant: b.direction)), p)
        let q = jvp.primal.crossEntropyDirectionalDerivative(targets: b.targets, tangent: jvp.tangent)
        return mixed.softmaxCrossEntropy(targets: b.targets) + q.mean() * 0.5
    }

    func testReleasingSweepGivesTheSameGradientsBitForBitAsGradients() {
        for seed in [UInt64(1), 2] {
            let p = Parameters(seed: 10 + seed), b = Batch(seed: 20 + seed)
            let kept = objective(p, b).gradients()
            let released = objective(p, b).gradientsReleasingGraph()
            for (k, leaf) in p.all.enumerated() {
                XCTAssertTrue(kept.contains(leaf) && released.contains(leaf), "seed \(seed): parameter \(k) has no gradient")
                XCTAssertEqual(kept[leaf].scalars, released[leaf].scalars, "seed \(seed): parameter \(k)")
                XCTAssertTrue(kept[leaf].scalars.contains { $0 != 0 }, "seed \(seed): parameter \(k) got a zero gradient")
            }
        }
    }

    /// Weak references to every variable an objective built, kept outside the graph.
    final class Tracked {
        private var references: [() -> AnyObject?] = []
        func track(_ v: Variable<Float>) -> Variable<Float> {
            references.append { [weak v] in v }
            return v
        }
        var alive: Int { references.filter { $0() != nil }.count }
    }

    /// A chain of taped ops whose intermediate results only the graph holds.
    func chain(_ w: Variable<Float>, _ tracked: Tracked) -> Variable<Float> {
        var h = tracked.track(Variable(constant: Tensor<Float>(repeating: 0.5, shape: [3, 4])) * w)
        for _ in 0..<4 { h = tracked.track((h * w).relu() + h) }
        return h.sum()
    }

    func testReleasingSweepFreesEveryIntermediateNodeWhileTheLossIsStillHeld() {
        let w = Variable(parameter: Tensor<Float>(shape: [3, 4], scalars: (0..<12).map { Float($0) / 6 - 1 }))
        let keptTracker = Tracked(), releasedTracker = Tracked()
        let keptLoss = chain(w, keptTracker), releasedLoss = chain(w, releasedTracker)
        XCTAssertEqual(keptTracker.alive, 5)
        let kept = keptLoss.gradients(), released = releasedLoss.gradientsReleasingGraph()
        XCTAssertEqual(keptTracker.alive, 5, "gradients() must leave the graph differentiable")
        XCTAssertEqual(releasedTracker.alive, 0, "the releasing sweep left intermediate nodes alive")
        XCTAssertEqual(kept[w].scalars, released[w].scalars)
        XCTAssertEqual(keptLoss.gradients()[w].scalars, kept[w].scalars, "gradients() twice on one graph")
        XCTAssertEqual(releasedLoss.scalar, keptLoss.scalar, "the loss keeps its value")
    }

    func testVariablesTheCallerHoldsKeepTheirValuesThroughTheReleasingSweep() {
        let w = Variable(parameter: Tensor<Float>(shape: [2, 2], scalars: [1, -2, 3, 0.5]))
        let hidden = (Variable(constant: Tensor<Float>(shape: [2, 2], scalars: [1, 2, 3, 4])) * w).relu()
        let before = hidden.value.scalars
        let grads = (hidden * hidden).sum().gradientsReleasingGraph()
        XCTAssertEqual(hidden.value.scalars, before)
        XCTAssertEqual(grads[w].scalars, [2, 0, 54, 16])   // ∂Σ relu(c·w)²/∂w = 2·c²·w where c·w > 0
    }
}
