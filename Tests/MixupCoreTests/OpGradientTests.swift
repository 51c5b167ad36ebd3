import MixupCore
import MixupTestSupport
import XCTest

/// Every taped op: its reverse-mode gradient and its forward-mode tangent against central
/// finite differences in Float64.
final class OpGradientTests: XCTestCase {
    /// An op under test: its taped form, its dual form, and how to draw inputs.
    struct Case {
        let name: String
        let shapes: [[Int]]
        var range: ClosedRange<Double> = -2...2
        var margin: Double = 0
        let taped: ([Variable<Double>]) -> Variable<Double>
        let dual: ([Dual<Double>]) -> Dual<Double>
    }

    static let cases: [Case] = [
        Case(name: "add", shapes: [[3, 4], [3, 4]], taped: { $0[0] + $0[1] }, dual: { $0[0] + $0[1] }),
        Case(name: "add-broadcast-row", shapes: [[3, 4], [4]], taped: { $0[0] + $0[1] }, dual: { $0[0] + $0[1] }),
        Case(name: "sub-broadcast-column", shapes: [[3, 1], [3, 4]], taped: { $0[0] - $0[1] }, dual: { $0[0] - $0[1] }),
        Case(name: "mul-broadcast-outer", shapes: [[3, 1], [1, 4]], taped: { $0[0] * $0[1] }, dual: { $0[0] * $0[1] }),
        Case(name: "mul-broadcast-rank3", shapes: [[2, 3, 4], [3, 1]], taped: { $0[0] * $0[1] }, dual: { $0[0] * $0[1] }),
        Case(name: "div-broadcast", shapes: [[2, 3, 4], [4]], range: 0.5...2,
             taped: { $0[0] / $0[1] }, dual: { $0[0] / $0[1] }),
        Case(name: "negate-and-scalars", shapes: [[5]], taped: { (-$0[0]) * 3 + 2 }, dual: { (-$0[0]) * 3 + 2 }),
        Case(name: "matmul", shapes: [[3, 4], [4, 5]],
             taped: { .matmul($0[0], $0[1]) }, dual: { matmulDual($0[0], $0[1], false, false) }),
        Case(name: "matmul-aT", shapes: [[4, 3], [4, 5]],
             taped: { .matmul($0[0], $0[1], transposeA: true) }, dual: { matmulDual($0[0], $0[1], true, false) }),
        Case(name: "matmul-bT", shapes: [[3, 4], [5, 4]],
             taped: { .matmul($0[0], $0[1], transposeB: true) }, dual: { matmulDual($0[0], $0[1], false, true) }),
        Case(name: "matmul-aT-bT", shapes: [[4, 3], [5, 4]],
             taped: { .matmul($0[0], $0[1], transposeA: true, transposeB: true) },
             dual: { matmulDual($0[0], $0[1], true, true) }),
        Case(name: "sum-axis0", shapes: [[3, 4]], taped: { $0[0].sum(alongAxis: 0) }, dual: { $0[0].sum(alongAxis: 0) }),
        Case(name: "sum-axis1-keep", shapes: [[2, 3, 4]], taped: { $0[0].sum(alongAxis: 1, keepingDimension: true) },
             dual: { $0[0].sum(alongAxis: 1, keepingDimension: true) }),
        Case(name: "mean-axis", shapes: [[3, 4]], taped: { $0[0].mean(alongAxis: 1) }, dual: { $0[0].mean(alongAxis: 1) }),
        Case(name: "sum-all", shapes: [[3, 4]], taped: { $0[0].sum() }, dual: { $0[0].sum() }),
        Case(name: "mean-all", shapes: [[3, 4]], taped: { $0[0].mean() }, dual: { $0[0].mean() }),
        Case(name: "exp", shapes: [[3, 4]], taped: { $0[0].exp() }, dual: { $0[0].exp() }),
        Case(name: "log", shapes: [[3, 4]], range: 0.3...3, taped: { $0[0].log() }, dual: { $0[0].log() }),
        Case(name: "tanh", shapes: [[3, 4]], taped: { $0[0].tanh() }, dual: { $0[0].tanh() }),
        Case(name: "sigmoid", shapes: [[3, 4]], range: -6...6, taped: { $0[0].sigmoid() }, dual: { $0[0].sigmoid() }),
        Case(name: "softplus", shapes: [[3, 4]], range: -6...6, taped: { $0[0].softplus() }, dual: { $0[0].softplus() }),
        Case(name: "relu", shapes: [[3, 4]], margin: 0.05, taped: { $0[0].relu() }, dual: { $0[0].relu() }),
        Case(name: "gelu", shapes: [[3, 4]], range: -3...3, taped: { $0[0].gelu() }, dual: { $0[0].gelu() }),
        Case(name: "normalCDF", shapes: [[3, 4]], taped: { $0[0].normalCDF() }, dual: { $0[0].normalCDF() }),
        Case(name: "abs", shapes: [[3, 4]], margin: 0.05, taped: { $0[0].abs() }, dual: { $0[0].abs() }),
        Case(name: "square", shapes: [[3, 4]], taped: { $0[0].square() }, dual: { $0[0].square() }),
        Case(name: "sqrt", shapes: [[3, 4]], range: 0.3...3, taped: { $0[0].sqrt() }, dual: { $0[0].sqrt() }),
        Case(name: "logsumexp", shapes: [[3, 5]], range: -4...4,
             taped: { $0[0].logSumExp(alongAxis: 1) }, dual: { $0[0].logSumExp(alongAxis: 1) }),
        Case(name: "logsumexp-axis0", shapes: [[3, 5]], range: -4...4,
             taped: { $0[0].logSumExp(alongAxis: 0) }, dual: { $0[0].logSumExp(alongAxis: 0) }),
        Case(name: "softmax", shapes: [[3, 5]], range: -4...4,
             taped: { $0[0].softmax(alongAxis: 1) }, dual: { $0[0].softmax(alongAxis: 1) }),
        Case(name: "logSoftmax", shapes: [[3, 5]], range: -4...4,
             taped: { $0[0].logSoftmax(alongAxis: 1) }, dual: { $0[0].logSoftmax(alongAxis: 1) }),
        Case(name: "reshape", shapes: [[3, 4]], taped: { $0[0].reshaped([2, 6]) }, dual: { $0[0].reshaped([2, 6]) }),
        Case(name: "transpose", shapes: [[3, 4]], taped: { $0[0].transposed() }, dual: { $0[0].transposed() }),
        Case(name: "concat", shapes: [[2, 3], [4, 3]], taped: { .concatenating(rows: $0) }, dual: { .concatenating(rows: $0) }),
        Case(name: "slice", shapes: [[5, 3]], taped: { $0[0].slicing(rows: 1..<4) }, dual: { $0[0].slicing(rows: 1..<4) }),
        Case(name: "gather-with-repeats", shapes: [[4, 3]], taped: { $0[0].gathering(rows: [2, 0, 2, 3]) },
             dual: { $0[0].gathering(rows: [2, 0, 2, 3]) }),
        Case(name: "linear", shapes: [[3, 4], [5, 4], [5]],
             taped: { $0[0].linear(weight: $0[1], bias: $0[2]) },
             dual: { linearDual($0[0], $0[1], $0[2]) }),
    ]

    /// A matrix product where both sides move (product rule through the Dual API).
    static func matmulDual(_ a: Dual<Double>, _ b: Dual<Double>, _ ta: Bool, _ tb: Bool) -> Dual<Double> {
        Dual(primal: .matmul(a.primal, b.primal, transposeA: ta, transposeB: tb),
             tangent: .matmul(a.tangent, b.primal, transposeA: ta, transposeB: tb)
                 + .matmul(a.primal, b.tangent, transposeA: ta, transposeB: tb))
    }

    /// x·Wᵀ + b with x, W and b all moving: the Dual API covers the x-part, the rest by the product rule.
    static func linearDual(_ x: Dual<Double>, _ w: Dual<Double>, _ b: Dual<Double>) -> Dual<Double> {
        let xPart = x.linear(weight: w.primal, bias: b.primal)
        let wPart = Variable.matmul(x.primal, w.tangent, transposeB: true)
        return Dual(primal: xPart.primal, tangent: xPart.tangent + wPart + b.tangent)
    }

    func testEveryOpGradientMatchesFiniteDifferences() {
        var data = TestData(seed: 1)
        for c in Self.cases {
            let inputs = c.shapes.map { data.tensor($0, in: c.range, awayFromZero: c.margin) }
            // Reduce to a scalar with random weights so every output element is exercised.
            let outShape = c.taped(inputs.map { Variable(constant: $0) }).shape
            let weights = data.tensor(outShape)
            func loss(_ xs: [Tensor<Double>]) -> Double {
                (c.taped(xs.map { Variable(constant: $0) }).value * weights).sum()
            }
            let leaves = inputs.map { Variable(parameter: $0) }
            let grads = (c.taped(leaves) * Variable(constant: weights)).sum().gradients()
            for (k, x) in inputs.enumerated() {
                let numeric = FiniteDifferences.gradient(of: { xk in
                    var xs = inputs; xs[k] = xk; return loss(xs)
                }, at: x)
                let err = relativeError(grads[leaves[k]], numeric)
                XCTAssertLessThanOrEqual(err, 1e-6, "\(c.name): gradient of input \(k) off by \(err)")
            }
        }
    }

    func testEveryOpTangentMatchesFiniteDifferences() {
        var data = TestData(seed: 2)
        for c in Self.cases {
            let inputs = c.shapes.map { data.tensor($0, in: c.range, awayFromZero: c.margin) }
            let directions = c.shapes.map { data.tensor($0, in: -1...1) }
            let duals = zip(inputs, directions).map { Dual(Variable(constant: $0), direction: Variable(constant: $1)) }
            let jvp = c.dual(duals)
            let numeric = FiniteDifferences.directional(of: { xs in c.taped(xs.map { Variable(constant: $0) }).value },
                                                        at: inputs, along: directions, step: 1e-5)
            XCTAssertEqual(jvp.primal.value, c.taped(inputs.map { Variable(constant: $0) }).value, "\(c.name): primal")
            let err = relativeError(jvp.tangent.value, numeric)
            XCTAssertLessThanOrEqual(err, 1e-6, "\(c.name): tangent off by \(err)")
        }
    }
}
