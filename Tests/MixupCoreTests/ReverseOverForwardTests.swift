import MixupCore
import MixupTestSupport
import XCTest

/// Backpropagating through a JVP: the gradient of a directional derivative, the quantity
/// MixupE's exact q(x_i) trains on.
final class ReverseOverForwardTests: XCTestCase {
    /// A two-hidden-layer MLP written directly against `ModelValue`, Float64.
    struct TinyMLP {
        var weights: [Variable<Double>]
        var biases: [Variable<Double>]?
        var activation: Activation

        init(widths: [Int], activation: Activation, bias: Bool, seed: UInt64) {
            var data = TestData(seed: seed)
            weights = zip(widths.dropFirst(), widths).map { Variable(parameter: data.tensor([$0, $1], in: -0.8...0.8)) }
            biases = bias ? widths.dropFirst().map { Variable(parameter: data.tensor([$0], in: -0.5...0.5)) } : nil
            self.activation = activation
        }

        func callAsFunction<V: ModelValue>(_ x: V) -> V where V.Scalar == Double {
            var h = x
            for k in weights.indices {
                h = h.linear(weight: weights[k], bias: biases?[k])
                if k < weights.count - 1 { h = h.activated(activation) }
            }
            return h
        }

        var parameters: [Variable<Double>] { weights + (biases ?? []) }
    }

    /// s(θ) = Σ_i c_iᵀ · J_f(x_i) · v_i, computed with a JVP.
    func directionalObjective(_ model: TinyMLP, x: Tensor<Double>, v: Tensor<Double>, c: Tensor<Double>) -> Variable<Double> {
        let jvp = model(Dual(Variable(constant: x), direction: Variable(constant: v)))
        return (jvp.tangent * Variable(constant: c)).sum()
    }

    func checkGradientOfDirectionalDerivative(activation: Activation, bias: Bool) {
        var data = TestData(seed: 7)
        let model = TinyMLP(widths: [5, 7, 6, 3], activation: activation, bias: bias, seed: 11)
        let x = data.tensor([4, 5], awayFromZero: 0.01), v = data.tensor([4, 5]), c = data.tensor([4, 3])
        let grads = directionalObjective(model, x: x, v: v, c: c).gradients()
        for p in model.parameters {
            let original = p.value
            let numeric = FiniteDifferences.gradient(of: { w in
                p.assign(w); defer { p.assign(original) }
                return directionalObjective(model, x: x, v: v, c: c).scalar
            }, at: original)
            // J_f·v never depends on the output bias (nor, for ReLU, on any bias), but on every weight.
            if model.weights.contains(where: { $0 === p }) {
                XCTAssertTrue(grads.contains(p), "\(activation): s(θ) must depend on every weight matrix")
            }
            let err = relativeError(grads[p], numeric)
            XCTAssertLessThanOrEqual(err, 1e-6, "\(activation), bias \(bias): ∂s/∂θ for \(p.shape) off by \(err)")
        }
    }

    func testGradientOfJVPMatchesFiniteDifferencesForTanhMLP() {
        checkGradientOfDirectionalDerivative(activation: .tanh, bias: true)
    }

    func testGradientOfJVPMatchesFiniteDifferencesForGELUMLP() {
        checkGradientOfDirectionalDerivative(activation: .gelu, bias: true)
    }

    func testGradientOfJVPMatchesFiniteDifferencesForSoftplusMLP() {
        checkGradientOfDirectionalDerivative(activation: .softplus, bias: false)
    }

    func testGradientOfJVPMatchesFiniteDifferencesForReLUMLP() {
        // Away from kinks the ReLU net is piecewise linear: ∂s/∂θ is still well defined.
        checkGradientOfDirectionalDerivative(activation: .relu, bias: true)
    }

    /// The full MixupE-style term Σ_i |(softmax(f(x_i)) − y_i)ᵀ J_f(x_i)(x̄ − x_i)| with the
    /// residual attached: both the primal (through softmax) and the tangent carry θ.
    func testGradientOfAbsoluteResidualWeightedJVPMatchesFiniteDifferences() {
        var data = TestData(seed: 3)
        let model = TinyMLP(widths: [4, 6, 3], activation: .tanh, bias: true, seed: 5)
        let x = data.tensor([5, 4])
        let mean = x.sum(alongAxis: 0) * (1.0 / 5)
        let direction = mean - x
        let y = Tensor<Double>(shape: [5, 3], scalars: [1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 0, 0, 0, 1, 0])
        func q() -> Variable<Double> {
            let jvp = model(Dual(Variable(constant: x), direction: Variable(constant: direction)))
            let residual = jvp.primal.softmax(alongAxis: 1) - Variable(constant: y)
            return (residual * jvp.tangent).sum(alongAxis: 1).abs().mean()
        }
        let grads = q().gradients()
        for p in model.parameters {
            let original = p.value
            let numeric = FiniteDifferences.gradient(of: { w in
                p.assign(w); defer { p.assign(original) }
                return q().scalar
            }, at: original)
            let err = relativeError(grads[p], numeric)
            XCTAssertLessThanOrEqual(err, 1e-6, "∂q/∂θ for \(p.shape) off by \(err)")
        }
    }

    /// Positive homogeneity, the identity behind eq. (2): a bias-free ReLU MLP has f(x) = J_f(x)·x.
    func testJacobianTimesInputEqualsOutputForBiasFreeReLUMLP() {
        var data = TestData(seed: 9)
        let model = TinyMLP(widths: [6, 16, 16, 4], activation: .relu, bias: false, seed: 13)
        let x = data.tensor([8, 6])
        let jvp = model(Dual(Variable(constant: x), direction: Variable(constant: x)))
        XCTAssertLessThanOrEqual(relativeError(jvp.tangent.value, jvp.primal.value), 1e-10)
        // …and the identity really needs bias-freeness: with biases it fails.
        let biased = TinyMLP(widths: [6, 16, 16, 4], activation: .relu, bias: true, seed: 13)
        let jvpBiased = biased(Dual(Variable(constant: x), direction: Variable(constant: x)))
        XCTAssertGreaterThan(relativeError(jvpBiased.tangent.value, jvpBiased.primal.value), 1e-3)
    }
}
