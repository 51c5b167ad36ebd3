import MixupCore
import MixupExperiments
import MixupNN
import MixupTestSupport
import MixupTraining
import XCTest

final class AlphaDiagnosticsTests: XCTestCase {
    /// f(x) for one sample, evaluated with a plain forward pass.
    private func logits(_ model: MLP<Double>, _ x: [Double]) -> [Double] {
        model(Variable(constant: Tensor(shape: [1, x.count], scalars: x))).value.scalars
    }

    func testAlphaMatchesFiniteDifferenceInputGradientsInFloat64() throws {
        var rng = SeededGenerator(seed: 5)
        let (n, d, classes) = (6, 4, 3)
        let model = MLP<Double>(widths: [d, 8, classes], activation: .tanh, using: &rng)
        let x = centeredInputs(n: n, d: d, seed: 9) + 0.3
        let targets = cyclicOneHot(n: n, classes: classes)
        let mean = (x.sum(alongAxis: 0) * (1.0 / Double(n)) + 0.2).reshaped([d])   // E[x̄] − x_i not parallel to anything special
        let alphas = try AlphaDiagnostics.alphas(model: model, inputs: x, targets: targets, dataMean: mean, loss: .crossEntropy)
        XCTAssertEqual(alphas.shape, [n, classes])

        let h = 1e-5
        for i in 0..<n {
            let xi = Array(x.scalars[(i * d)..<((i + 1) * d)])
            let f = logits(model, xi)
            let z = f.map { Foundation.exp($0 - f.max()!) }
            let g = z.map { $0 / z.reduce(0, +) }
            let direction = (0..<d).map { mean.scalars[$0] - xi[$0] }
            for k in 0..<classes {
                var grad = [Double](repeating: 0, count: d)
                for j in 0..<d {
                    var plus = xi, minus = xi
                    plus[j] += h; minus[j] -= h
                    grad[j] = (logits(model, plus)[k] - logits(model, minus)[k]) / (2 * h)
                }
                let dot = zip(grad, direction).map(*).reduce(0, +)
                let cosine = dot / (grad.map { $0 * $0 }.reduce(0, +).squareRoot() * direction.map { $0 * $0 }.reduce(0, +).squareRoot())
                let expected = (g[k] - targets.scalars[i * classes + k]) * cosine
                XCTAssertEqual(alphas.scalars[i * classes + k], expected, accuracy: 1e-7 * max(1, abs(expected)),
                               "α[\(i), \(k)]")
            }
        }
    }

    func testSummaryReportsMinimumFractionNegativeAndMean() {
        let s = AlphaDiagnostics.summary(Tensor<Double>(shape: [2, 2], scalars: [0.5, -0.25, 1, -1]))
        XCTAssertEqual(s.minimum, -1)
        XCTAssertEqual(s.fractionNegative, 0.5)
        XCTAssertEqual(s.mean, 0.0625, accuracy: 1e-15)
    }

    /// A study attached to a resumed run measures at the iteration the run resumes from, and its
    /// later measurements fall on the same iterations as in an uninterrupted run.
    func testStudyOfAResumedRunStartsAtTheResumedIteration() throws {
        var rng = SeededGenerator(seed: 3)
        let labels = (0..<60).map { $0 % 3 }
        let x = labels.flatMap { c in (0..<4).map { k in Float(k == c ? 2 : 0) + Float(rng.normal()) } }
        let data = ClassificationData(features: Tensor(shape: [60, 4], scalars: x), labels: labels, classCount: 3)
        var config = TrainingConfiguration()
        config.method = .mixup
        config.epochs = 3
        config.batchSize = 20
        let spec = RunSpec(data: .splits(LoadedSplits(name: "blobs", train: data, validation: data, test: data, classNames: ["a", "b", "c"])),
                           model: ModelSpec(), configuration: config)
        let dir = try makeTemporaryDirectory("alpha-resume")
        var study = AlphaDiagnosticsStudy()
        study.every = 2
        study.sampleCount = 10
        study.log = { _ in }
        let straight = try spec.makeRun()
        straight.log = { _ in }
        let full = try study.run(straight)
        XCTAssertEqual(full.map(\.iteration), [0, 2, 4, 6, 8])

        var firstConfig = config
        firstConfig.epochs = 1
        var first = spec
        first.configuration = firstConfig
        let partial = try first.makeRun()
        partial.log = { _ in }
        partial.runDirectory = try RunDirectory(dir)
        try partial.run()
        let resumed = try spec.makeRun()
        resumed.log = { _ in }
        resumed.runDirectory = try RunDirectory(dir)
        XCTAssertTrue(try resumed.resumeIfPossible())
        let points = try study.run(resumed)
        XCTAssertEqual(points.map(\.iteration), [3, 4, 6, 8])
        XCTAssertEqual(Array(points.dropFirst()), Array(full.suffix(3)), "the same model at the same iterations")
    }
}
