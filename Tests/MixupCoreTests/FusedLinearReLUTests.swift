import MixupCore
import MixupTestSupport
import XCTest

/// The fused hidden layer ReLU(x·Wᵀ + b) (one tape node), its tangent rule (t·Wᵀ gated by the
/// pre-activation's sign, one node) and the last-axis softmax path: finite differences in Float64,
/// and equality bit for bit with the unfused compositions they replace.
final class FusedLinearReLUTests: XCTestCase {
    /// x `[5, 4]`, W `[3, 4]`, b `[3]` and weights C `[5, 3]` for a scalar loss Σ C ⊙ y, drawn until
    /// every pre-activation is at least 0.05 away from ReLU's kink (finite differences must not cross it)
    /// and both signs occur.
    func layer(seed: UInt64) -> (x: Tensor<Double>, w: Tensor<Double>, b: Tensor<Double>, c: Tensor<Double>) {
        var data = TestData(seed: seed)
        while true {
            let x = data.tensor([5, 4]), w = data.tensor([3, 4]), b = data.tensor([3], in: -0.5...0.5)
            let pre = Variable(constant: x).linear(weight: Variable(constant: w), bias: Variable(constant: b)).value
            if pre.scalars.allSatisfy({ Swift.abs($0) > 0.05 }) && pre.scalars.contains(where: { $0 < 0 })
                && pre.scalars.contains(where: { $0 > 0 }) {
                return (x, w, b, data.tensor([5, 3]))
            }
        }
    }

    func testLinearReLUGradientsMatchFiniteDifferences() {
        let (x, w, b, c) = layer(seed: 31)
        func loss(_ x: Tensor<Double>, _ w: Tensor<Double>, _ b: Tensor<Double>) -> Double {
            (Variable.linearReLU(Variable(constant: x), weight: Variable(constant: w), bias: Variable(constant: b))
                * Variable(constant: c)).sum().scalar
        }
        let xv = Variable(parameter: x), wv = Variable(parameter: w), bv = Variable(parameter: b)
        let grads = (Variable.linearReLU(xv, weight: wv, bias: bv) * Variable(constant: c)).sum().gradients()
        XCTAssertLessThanOrEqual(relativeError(grads[xv], FiniteDifferences.gradient(of: { loss($0, w, b) }, at: x)), 1e-8)
        XCTAssertLessThanOrEqual(relativeError(grads[wv], FiniteDifferences.gradient(of: { loss(x, $0, b) }, at: w)), 1e-8)
        XCTAssertLessThanOrEqual(relativeError(grads[bv], FiniteDifferences.gradient(of: { loss(x, w, $0) }, at: b)), 1e-8)
    }

    /// Value and every gradient equal `linear(…).relu()` exactly, with and without bias, in Float and
    /// Float64 (the same GEMM, the same comparisons).
    func testLinearReLUEqualsTheUnfusedCompositionBitForBit() {
        let (x, w, b, c) = layer(seed: 32)
        check(x, w, b, c)
        check(Tensor<Float>(x), Tensor<Float>(w), Tensor<Float>(b), Tensor<Float>(c))
    }

    private func check<S: TensorScalar>(_ x: Tensor<S>, _ w: Tensor<S>, _ b: Tensor<S>, _ c: Tensor<S>) {
        for withBias in [true, false] {
            let fx = Variable(parameter: x), fw = Variable(parameter: w), fb = Variable(parameter: b)
            let px = Variable(parameter: x), pw = Variable(parameter: w), pb = Variable(parameter: b)
            let fused = Variable.linearReLU(fx, weight: fw, bias: withBias ? fb : nil)
            let plain = Variable.linear(px, weight: pw, bias: withBias ? pb : nil).relu()
            XCTAssertEqual(fused.value, plain.value, "\(S.self), bias \(withBias)")
            let gf = (fused * Variable(constant: c)).sum().gradients(), gp = (plain * Variable(constant: c)).sum().gradients()
            XCTAssertEqual(gf[fx], gp[px], "∂x, \(S.self), bias \(withBias)")
            XCTAssertEqual(gf[fw], gp[pw], "∂W, \(S.self), bias \(withBias)")
            if withBias { XCTAssertEqual(gf[fb], gp[pb], "∂b, \(S.self)") } else { XCTAssertFalse(gf.contains(fb)) }
        }
    }

    /// (t·Wᵀ) ⊙ 1[mask > 0] as one node equals `matmul(…).gated(by:)` exactly, and its gradients
    /// in t and W match finite differences.
    func testGatedLinearMatchesTheCompositionAndFiniteDifferences() {
        var data = TestData(seed: 33)
        let t = data.tensor([5, 4]), w = data.tensor([3, 4]), mask = data.tensor([5, 3]), c = data.tensor([5, 3])
        let ft = Variable(parameter: t), fw = Variable(parameter: w), pt = Variable(parameter: t), pw = Variable(parameter: w)
        let fused = Variable.linear(ft, weight: fw, bias: nil, gatedBy: mask)
        let plain = Variable.matmul(pt, pw, transposeB: true).gated(by: mask)
        XCTAssertEqual(fused.value, plain.value)
        XCTAssertTrue(fused.value.scalars.contains(0) && fused.value.scalars.contains { $0 != 0 }, "the mask must gate some entries")
        let gf = (fused * Variable(constant: c)).sum().gradients(), gp = (plain * Variable(constant: c)).sum().gradients()
        XCTAssertEqual(gf[ft], gp[pt])
        XCTAssertEqual(gf[fw], gp[pw])
        func loss(_ t: Tensor<Double>, _ w: Tensor<Double>) -> Double {
            (Variable.linear(Variable(constant: t), weight: Variable(constant: w), bias: nil, gatedBy: mask)
                * Variable(constant: c)).sum().scalar
        }
        XCTAssertLessThanOrEqual(relativeError(gf[ft], FiniteDifferences.gradient(of: { loss($0, w) }, at: t)), 1e-8)
        XCTAssertLessThanOrEqual(relativeError(gf[fw], FiniteDifferences.gradient(of: { loss(t, $0) }, at: w)), 1e-8)
    }

    /// The dual rule: primal and tangent equal `linear(…).relu()` on a `Dual` exactly; the tangent is
    /// the finite-difference directional derivative of ReLU(x·Wᵀ + b) along v; and the gradient of a
    /// loss on the tangent (reverse over forward, as MixupE's exact q trains) equals the composition's.
    func testDualLinearReLUMatchesTheCompositionAndFiniteDifferences() {
        let (x, w, b, c) = layer(seed: 34)
        var data = TestData(seed: 35)
        let v = data.tensor([5, 4])
        let fw = Variable(parameter: w), fb = Variable(parameter: b), pw = Variable(parameter: w), pb = Variable(parameter: b)
        let fused = Dual(Variable(constant: x), direction: Variable(constant: v)).linearReLU(weight: fw, bias: fb)
        let plain = Dual(Variable(constant: x), direction: Variable(constant: v)).linear(weight: pw, bias: pb).relu()
        XCTAssertEqual(fused.primal.value, plain.primal.value)
        XCTAssertEqual(fused.tangent.value, plain.tangent.value)
        let numeric = FiniteDifferences.directional(of: { xs in
            Variable.linearReLU(Variable(constant: xs[0]), weight: Variable(constant: w), bias: Variable(constant: b)).value
        }, at: [x], along: [v])
        XCTAssertLessThanOrEqual(relativeError(fused.tangent.value, numeric), 1e-8)
        let gf = ((fused.tangent + fused.primal) * Variable(constant: c)).sum().gradients()
        let gp = ((plain.tangent + plain.primal) * Variable(constant: c)).sum().gradients()
        XCTAssertEqual(gf[fw], gp[pw])
        XCTAssertEqual(gf[fb], gp[pb])
    }

    /// Softmax and logsumexp along the last axis (the row kernel) equal the generic reduction along
    /// another axis on the transposed tensor bit for bit, including a row of −∞ and one with +∞.
    func testLastAxisSoftmaxEqualsTheGenericReduction() {
        var data = TestData(seed: 36)
        var s = data.tensor([6, 7], in: -30...30).scalars
        for c in 0..<7 { s[7 + c] = -.infinity }
        s[3 * 7 + 2] = .infinity
        let x = Tensor(shape: [6, 7], scalars: s)
        let transposed = Variable(constant: x).transposed()
        let rowLSE = Variable(constant: x).logSumExp(alongAxis: 1).value
        let columnLSE = transposed.logSumExp(alongAxis: 0).value
        XCTAssertEqual(rowLSE.scalars.map(\.bitPattern), columnLSE.scalars.map(\.bitPattern))
        let rowSoftmax = Variable(constant: x).softmax(alongAxis: 1).value
        let columnSoftmax = transposed.softmax(alongAxis: 0).transposed().value
        XCTAssertEqual(rowSoftmax.scalars.map(\.bitPattern), columnSoftmax.scalars.map(\.bitPattern))
        let xf = Tensor<Float>(x)
        XCTAssertEqual(Variable(constant: xf).softmax(alongAxis: 1).value.scalars.map(\.bitPattern),
                       Variable(constant: xf).transposed().softmax(alongAxis: 0).transposed().value.scalars.map(\.bitPattern))
    }
}
