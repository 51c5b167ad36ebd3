import MixupCore
import MixupTestSupport
import XCTest

/// The fused softmax cross-entropy (one tape node) and its directional derivative (the JVP rule
/// and MixupE's exact q): finite differences in Float64, and equality with the unfused composition
/// of logsumexp, product and sums it replaces.
final class FusedSoftmaxCrossEntropyTests: XCTestCase {
    /// Soft targets as mixup makes them: λ·one-hot + (1 − λ)·one-hot, rows summing to 1.
    func mixedTargets(rows: Int, classes: Int, lambda: Double) -> Tensor<Double> {
        var s = [Double](repeating: 0, count: rows * classes)
        for i in 0..<rows {
            s[i * classes + i % classes] += lambda
            s[i * classes + (i * 3 + 1) % classes] += 1 - lambda
        }
        return Tensor(shape: [rows, classes], scalars: s)
    }

    func unfused<S: TensorScalar>(_ z: Variable<S>, _ y: Tensor<S>) -> Variable<S> {
        (z.logSumExp(alongAxis: 1).sum() - (Variable(constant: y) * z).sum()) / S(z.shape[0])
    }

    func testGradientMatchesFiniteDifferencesWithSoftTargets() {
        var data = TestData(seed: 21)
        let z = data.tensor([6, 5], in: -4...4), y = mixedTargets(rows: 6, classes: 5, lambda: 0.3)
        let leaf = Variable(parameter: z)
        let grad = leaf.softmaxCrossEntropy(targets: y).gradients()[leaf]
        let numeric = FiniteDifferences.gradient(of: { Variable(constant: $0).softmaxCrossEntropy(targets: y).scalar }, at: z)
        XCTAssertLessThanOrEqual(relativeError(grad, numeric), 1e-8)
    }

    /// Same value (bit for bit: the same operations in the same order) and the same gradient as
    /// the composition, in both precisions, also for targets that do not sum to 1.
    func testValueAndGradientEqualTheUnfusedComposition() {
        var data = TestData(seed: 22)
        for lambda in [1.0, 0.62] {
            let z = data.tensor([9, 10], in: -6...6)
            var y = mixedTargets(rows: 9, classes: 10, lambda: lambda)
            if lambda != 1 { y = y * 1.5 }
            let fusedLeaf = Variable(parameter: z), plainLeaf = Variable(parameter: z)
            let fused = fusedLeaf.softmaxCrossEntropy(targets: y), plain = unfused(plainLeaf, y)
            XCTAssertEqual(fused.scalar, plain.scalar, "Float64 value, λ = \(lambda)")
            XCTAssertLessThanOrEqual(relativeError(fused.gradients()[fusedLeaf], plain.gradients()[plainLeaf]), 1e-15)

            let zf = Tensor<Float>(z), yf = Tensor<Float>(y)
            let ff = Variable(parameter: zf), pf = Variable(parameter: zf)
            let fusedF = ff.softmaxCrossEntropy(targets: yf), plainF = unfused(pf, yf)
            XCTAssertEqual(fusedF.scalar, plainF.scalar, "Float value, λ = \(lambda)")
            let gf = fusedF.gradients()[ff], gp = plainF.gradients()[pf]
            XCTAssertLessThanOrEqual(relativeError(Tensor<Double>(gf), Tensor<Double>(gp)), 1e-6)
        }
    }

    /// Rows of −∞ (a masked-out row) and huge logits behave as the composition does: finite where it is.
    func testExtremeLogitsMatchTheComposition() {
        let z = Tensor<Double>(shape: [3, 3], scalars: [1000, -1000, 0, -.infinity, -.infinity, -.infinity, 88, 89, 90])
        let y = Tensor<Double>(shape: [3, 3], scalars: [0, 1, 0, 0, 0, 0, 0.5, 0.5, 0])
        let fused = Variable(constant: z).softmaxCrossEntropy(targets: y).scalar
        let plain = unfused(Variable(constant: z), y).scalar
        XCTAssertEqual(fused.isNaN, plain.isNaN)
        if !plain.isNaN { XCTAssertEqual(fused, plain) }
        let finite = Tensor<Double>(shape: [2, 3], scalars: [1000, -1000, 0, 88, 89, 90])
        let yFinite = Tensor<Double>(shape: [2, 3], scalars: [0, 1, 0, 0.5, 0.5, 0])
        XCTAssertEqual(Variable(constant: finite).softmaxCrossEntropy(targets: yFinite).scalar,
                       unfused(Variable(constant: finite), yFinite).scalar)
        XCTAssertTrue(Variable(constant: finite).softmaxCrossEntropy(targets: yFinite).scalar.isFinite)
    }

    /// q_i = Σ_c (softmax(z_i) − y_i)_c t_ic: value from its definition, gradients in z and t from
    /// finite differences.
    func testDirectionalDerivativeMatchesItsDefinitionAndFiniteDifferences() {
        var data = TestData(seed: 23)
        let z = data.tensor([4, 6], in: -3...3), t = data.tensor([4, 6]), w = data.tensor([4])
        let y = mixedTargets(rows: 4, classes: 6, lambda: 0.8)
        let zLeaf = Variable(parameter: z), tLeaf = Variable(parameter: t)
        let q = zLeaf.crossEntropyDirectionalDerivative(targets: y, tangent: tLeaf)
        let reference = ((zLeaf.softmax(alongAxis: 1) - Variable(constant: y)) * tLeaf).sum(alongAxis: 1)
        XCTAssertLessThanOrEqual(relativeError(q.value, reference.value), 1e-15)
        let grads = (q * Variable(constant: w)).sum().gradients()
        func weighted(_ z: Tensor<Double>, _ t: Tensor<Double>) -> Double {
            (Variable(constant: z).crossEntropyDirectionalDerivative(targets: y, tangent: Variable(constant: t)).value * w).sum()
        }
        XCTAssertLessThanOrEqual(relativeError(grads[zLeaf], FiniteDifferences.gradient(of: { weighted($0, t) }, at: z)), 1e-8)
        XCTAssertLessThanOrEqual(relativeError(grads[tLeaf], FiniteDifferences.gradient(of: { weighted(z, $0) }, at: t)), 1e-8)
    }

    /// The same variable as logits and tangent (MixupE's q̄ contracts the residual with f itself):
    /// both gradient paths add up.
    func testDirectionalDerivativeWithTheLogitsAsTangentHasTheFullGradient() {
        var data = TestData(seed: 24)
        let z = data.tensor([3, 4]), y = mixedTargets(rows: 3, classes: 4, lambda: 0.5)
        let leaf = Variable(parameter: z)
        let grad = leaf.crossEntropyDirectionalDerivative(targets: y, tangent: leaf).sum().gradients()[leaf]
        let numeric = FiniteDifferences.gradient(of: {
            Variable(constant: $0).crossEntropyDirectionalDerivative(targets: y, tangent: Variable(constant: $0)).value.sum()
        }, at: z)
        XCTAssertLessThanOrEqual(relativeError(grad, numeric), 1e-8)
    }

    /// The JVP of the mean loss: its tangent against finite differences along the direction, its
    /// primal equal to the fused loss; and the tangent trains (reverse over forward).
    func testDualCrossEntropyTangentMatchesFiniteDifferencesAndBackpropagates() {
        var data = TestData(seed: 25)
        let z = data.tensor([5, 4], in: -3...3), v = data.tensor([5, 4], in: -1...1)
        let y = mixedTargets(rows: 5, classes: 4, lambda: 0.3)
        let zLeaf = Variable(parameter: z)
        let out = Dual(zLeaf, direction: Variable(constant: v)).softmaxCrossEntropy(targets: y)
        XCTAssertEqual(out.primal.scalar, Variable(constant: z).softmaxCrossEntropy(targets: y).scalar)
        let numeric = FiniteDifferences.directional(of: { Tensor(Variable(constant: $0[0]).softmaxCrossEntropy(targets: y).scalar) },
                                                    at: [z], along: [v], step: 1e-5)
        XCTAssertEqual(out.tangent.scalar, numeric.scalar, accuracy: 1e-8)
        // ∂/∂z of the directional derivative, against finite differences of the tangent itself.
        let grad = out.tangent.gradients()[zLeaf]
        let numericGrad = FiniteDifferences.gradient(of: {
            Dual(Variable(constant: $0), direction: Variable(constant: v)).softmaxCrossEntropy(targets: y).tangent.scalar
        }, at: z)
        XCTAssertLessThanOrEqual(relativeError(grad, numericGrad), 1e-8)
    }

    func testFusedLinearAndGateEqualTheirCompositions() {
        var data = TestData(seed: 26)
        let x = data.tensor([7, 5]), w = data.tensor([3, 5]), b = data.tensor([3])
        let fused = Variable.linear(Variable(constant: x), weight: Variable(constant: w), bias: Variable(constant: b)).value
        let plain = (Variable.matmul(Variable(constant: x), Variable(constant: w), transposeB: true) + Variable(constant: b)).value
        XCTAssertLessThanOrEqual(relativeError(fused, plain), 1e-15)
        let t = data.tensor([4, 3]), mask = data.tensor([4, 3])
        let leaf = Variable(parameter: t)
        let gated = leaf.gated(by: mask)
        XCTAssertEqual(gated.value.scalars, zip(t.scalars, mask.scalars).map { $1 > 0 ? $0 : 0 })
        XCTAssertEqual(gated.sum().gradients()[leaf].scalars, mask.scalars.map { $0 > 0 ? 1 : 0 })
    }
}
