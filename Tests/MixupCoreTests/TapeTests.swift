import MixupCore
import XCTest

/// The tape's bookkeeping: shared subexpressions, constants, detaching.
final class TapeTests: XCTestCase {
    func testGradientsAccumulateOverEveryUseOfAVariable() {
        let x = Variable(parameter: Tensor<Double>(shape: [2], scalars: [3, -2]))
        // f = Σ x·x + x  ⇒  ∂f/∂x = 2x + 1 (x is used three times, through a diamond)
        let f = (x * x + x).sum()
        XCTAssertEqual(f.gradients()[x].scalars, [7, -3])
    }

    /// Adjoints that meet are summed in place; a pullback may hand one tensor to several parents
    /// (x + x gives the same g to both), so that tensor must never be written through.
    func testInPlaceAccumulationNeverWritesIntoAGradientSharedWithAnotherNode() {
        let x = Variable(parameter: Tensor<Double>(shape: [3], scalars: [1, 2, 3]))
        let w = Variable(constant: Tensor<Double>(shape: [3], scalars: [0.5, -1, 2]))
        let y = x + x
        let f = ((y + y) * w).sum() + (y * w).sum()
        // ∂f/∂y = 2w + w = 3w, ∂f/∂x = 2·3w = 6w
        XCTAssertEqual(f.gradients()[x].scalars, [3, -6, 12])
        XCTAssertEqual(f.gradients()[x].scalars, [3, -6, 12], "a second sweep over the same tape gives the same gradient")
    }

    func testConstantsRecordNothingAndReceiveNoGradient() {
        let c = Variable(constant: Tensor<Double>(shape: [2], scalars: [1, 2]))
        let y = (c * c).exp()
        XCTAssertFalse(y.requiresGradient)
        let w = Variable(parameter: Tensor<Double>(shape: [2], scalars: [0.5, 0.5]))
        let g = (w * c).sum().gradients()
        XCTAssertFalse(g.contains(c))
        XCTAssertEqual(g[w].scalars, [1, 2])
    }

    func testDetachedValueStopsTheGradient() {
        let x = Variable(parameter: Tensor<Double>(shape: [1], scalars: [2]))
        // κ-style scaling: y = (x.detached · x), ∂y/∂x = x (not 2x)
        let y = (x.detached() * x).sum()
        XCTAssertEqual(y.gradients()[x].scalars, [2])
    }

    func testLossThatIgnoresAParameterGivesZeroGradient() {
        let a = Variable(parameter: Tensor<Double>(shape: [2], scalars: [1, 1]))
        let b = Variable(parameter: Tensor<Double>(shape: [2], scalars: [1, 1]))
        let g = a.sum().gradients()
        XCTAssertFalse(g.contains(b))
        XCTAssertEqual(g[b].scalars, [0, 0])
    }

    func testDeepChainDoesNotOverflowTheStack() {
        let x = Variable(parameter: Tensor<Double>(shape: [1], scalars: [1]))
        var y = x
        for _ in 0..<20_000 { y = y * 1.0 }
        XCTAssertEqual(y.sum().gradients()[x].scalars, [1])
    }

    func testSoftmaxFamilyIsStableForHugeLogits() {
        let z = Variable(constant: Tensor<Double>(shape: [1, 3], scalars: [1000, 0, -1000]))
        XCTAssertEqual(z.logSumExp(alongAxis: 1).scalar, 1000, accuracy: 1e-12)
        XCTAssertTrue(z.logSoftmax(alongAxis: 1).value.isFinite)
        XCTAssertEqual(z.softmax(alongAxis: 1).value.scalars[0], 1, accuracy: 1e-12)
    }
}
