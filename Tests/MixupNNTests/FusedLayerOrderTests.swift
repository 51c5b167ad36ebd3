import MixupCore
import MixupNN
import MixupTestSupport
import XCTest

/// The models' fused paths give what their written-out definition gives: LeNet-5 with ReLU after
/// max pooling (and fused ReLU hidden layers) equals conv → ReLU → pool → … op by op, and an MLP
/// with fused ReLU layers equals Linear → ReLU → …, in value, gradient and tangent (exact q's path).
final class FusedLayerOrderTests: XCTestCase {
    func lenetByDefinition<V: ModelValue>(_ m: LeNet5<Double>, _ x: V) -> V where V.Scalar == Double {
        var h = m.conv1(x).relu().maxPool2d(kernel: 2, stride: 2, padding: 0)
        h = m.conv2(h).relu().maxPool2d(kernel: 2, stride: 2, padding: 0)
        h = h.reshaped([x.shape[0], m.flattenedSize])
        return m.fc3(m.fc2(m.fc1(h).relu()).relu())
    }

    func mlpByDefinition<V: ModelValue>(_ m: MLP<Double>, _ x: V) -> V where V.Scalar == Double {
        m.layers[2](m.layers[1](m.layers[0](x).relu()).relu())
    }

    func testLeNetEqualsItsDefinitionInValueGradientAndTangent() throws {
        var rng = SeededGenerator(seed: 41)
        let model = try LeNet5<Double>(inputShape: [1, 16, 16], classCount: 4, using: &rng)
        var data = TestData(seed: 42)
        let x = data.tensor([3, 1, 16, 16]), v = data.tensor([3, 1, 16, 16]), c = data.tensor([3, 4])
        let fused = model(Variable(constant: x)), plain = lenetByDefinition(model, Variable(constant: x))
        XCTAssertEqual(fused.value, plain.value)
        let gf = (fused * Variable(constant: c)).sum().gradients(), gp = (plain * Variable(constant: c)).sum().gradients()
        for (name, p) in model.namedParameters { XCTAssertEqual(gf[p], gp[p], name) }
        let df = model(Dual(Variable(constant: x), direction: Variable(constant: v)))
        let dp = lenetByDefinition(model, Dual(Variable(constant: x), direction: Variable(constant: v)))
        XCTAssertEqual(df.primal.value, dp.primal.value)
        XCTAssertEqual(df.tangent.value, dp.tangent.value)
        let tf = (df.tangent * Variable(constant: c)).sum().gradients(), tp = (dp.tangent * Variable(constant: c)).sum().gradients()
        for (name, p) in model.namedParameters { XCTAssertEqual(tf[p], tp[p], "tangent gradient, \(name)") }
    }

    func testMLPEqualsItsDefinitionInValueGradientAndTangent() {
        var rng = SeededGenerator(seed: 43)
        let model = MLP<Double>(widths: [6, 8, 8, 3], using: &rng)
        var data = TestData(seed: 44)
        let x = data.tensor([5, 6]), v = data.tensor([5, 6]), c = data.tensor([5, 3])
        let fused = model(Variable(constant: x)), plain = mlpByDefinition(model, Variable(constant: x))
        XCTAssertEqual(fused.value, plain.value)
        let gf = (fused * Variable(constant: c)).sum().gradients(), gp = (plain * Variable(constant: c)).sum().gradients()
        for (name, p) in model.namedParameters { XCTAssertEqual(gf[p], gp[p], name) }
        let df = model(Dual(Variable(constant: x), direction: Variable(constant: v)))
        let dp = mlpByDefinition(model, Dual(Variable(constant: x), direction: Variable(constant: v)))
        XCTAssertEqual(df.tangent.value, dp.tangent.value)
        let tf = (df.tangent * Variable(constant: c)).sum().gradients(), tp = (dp.tangent * Variable(constant: c)).sum().gradients()
        for (name, p) in model.namedParameters { XCTAssertEqual(tf[p], tp[p], "tangent gradient, \(name)") }
    }
}
