import MixupCore
import MixupNN
import MixupRegularizers
import MixupTestSupport
import MixupTraining
import XCTest

/// Small in-memory graphs for the GIN and graph-trainer tests.
struct SyntheticGraphs: GraphClassificationSource {
    /// Per graph: node features (row-major, `featureCount` per node) and directed edges (both directions listed).
    var graphs: [(features: [Double], edges: [(Int32, Int32)])]
    var labels: [Int]
    var classCount: Int
    var featureCount: Int

    var graphCount: Int { graphs.count }

    func input<S: TensorScalar>(graphs indices: [Int], as scalar: S.Type) throws -> GraphInput<S> {
        var features: [S] = [], rows: [Int32] = [], columns: [Int32] = [], offsets = [0]
        for g in indices {
            let base = Int32(offsets.last!)
            features += graphs[g].features.map { S($0) }
            for (a, b) in graphs[g].edges { rows.append(base + a); columns.append(base + b) }
            offsets.append(offsets.last! + graphs[g].features.count / featureCount)
        }
        let n = offsets.last!
        return try GraphInput(nodeFeatures: Tensor(shape: [n, featureCount], scalars: features),
                              adjacency: SparseMatrix(rowCount: n, columnCount: n, rows: rows, columns: columns),
                              graphs: RowSegments(offsets: offsets))
    }

    /// `count` random graphs: rings with chords, 4–7 nodes, random features; label = whether node count is even.
    static func random(count: Int, featureCount: Int, seed: UInt64) -> SyntheticGraphs {
        var rng = SeededGenerator(seed: seed)
        var graphs: [(features: [Double], edges: [(Int32, Int32)])] = [], labels: [Int] = []
        for _ in 0..<count {
            let n = 4 + rng.bounded(4)
            var edges: [(Int32, Int32)] = []
            for i in 0..<n {
                let j = (i + 1) % n
                edges += [(Int32(i), Int32(j)), (Int32(j), Int32(i))]
            }
            let a = rng.bounded(n), b = rng.bounded(n)
            if a != b { edges += [(Int32(a), Int32(b)), (Int32(b), Int32(a))] }
            graphs.append(((0..<(n * featureCount)).map { _ in rng.uniform() * 2 - 1 }, edges))
            labels.append(n % 2)
        }
        return SyntheticGraphs(graphs: graphs, labels: labels, classCount: 2, featureCount: featureCount)
    }
}

/// GIN and readout-level Mixup/MixupE: permutation invariance, the gradient of the whole
/// objective against finite differences in Float64, and rejection of mismatched settings.
final class GraphTrainingTests: XCTestCase {
    func tinyGIN(features: Int, batchNorm: Bool, learnsEpsilon: Bool = true, seed: UInt64 = 3) -> GIN<Double> {
        var config = GINConfiguration()
        config.layerCount = 2
        config.hiddenWidth = 4
        config.batchNorm = batchNorm
        config.learnsEpsilon = learnsEpsilon
        config.headHiddenWidths = [5]
        var rng = SeededGenerator(seed: seed)
        return GIN(inputWidth: features, outputCount: 2, configuration: config, using: &rng)
    }

    func testReadoutIsInvariantToNodeOrderWithinAGraph() throws {
        var data = SyntheticGraphs.random(count: 3, featureCount: 3, seed: 5)
        let gin = tinyGIN(features: 3, batchNorm: true)
        let before = gin.encode(try data.input(graphs: [0, 1, 2], as: Double.self)).value
        // Relabel the nodes of graph 1 by a permutation π: node i becomes π[i].
        let f = data.featureCount, n = data.graphs[1].features.count / f
        var rng = SeededGenerator(seed: 9)
        let pi = rng.permutation(n)
        var permuted = [Double](repeating: 0, count: n * f)
        for i in 0..<n { for c in 0..<f { permuted[pi[i] * f + c] = data.graphs[1].features[i * f + c] } }
        data.graphs[1].features = permuted
        data.graphs[1].edges = data.graphs[1].edges.map { (Int32(pi[Int($0.0)]), Int32(pi[Int($0.1)])) }
        XCTAssertNotEqual(pi, Array(0..<n), "the permutation must actually move nodes")
        let after = gin.encode(try data.input(graphs: [0, 1, 2], as: Double.self)).value
        XCTAssertEqual(after.shape, before.shape)
        let diff = zip(after.scalars, before.scalars).map { abs($0 - $1) }.max() ?? 0
        XCTAssertLessThan(diff, 1e-10, "readout changed by \(diff) under a node permutation")
    }

    /// ∂(L + ηR)/∂θ for encoder weights θ: κ is a detached constant in the step, so the check divides
    /// it out (total/κ = L + ηR exactly at every θ); E[h̄] is detached by design, so it is pinned to its
    /// value at θ₀ for every evaluation.
    func checkObjectiveGradient(method: Method, regularizer: String, batchNorm: Bool) throws {
        let data = SyntheticGraphs.random(count: 6, featureCount: 3, seed: 21)
        let gin = tinyGIN(features: 3, batchNorm: batchNorm)
        var config = TrainingConfiguration()
        config.method = method
        config.regularizer = regularizer
        config.eta = 0.7
        let trainer = try GraphTrainer(model: gin, configuration: config, source: data, trainIndices: Array(0..<6))
        let batch = [0, 1, 2, 3, 4, 5], partner = [3, 5, 0, 1, 2, 4]
        let h0 = gin.encode(try data.input(graphs: batch, as: Double.self)).value
        let mean = (h0.sum(alongAxis: 0) * (1.0 / 6)).reshaped([h0.shape[1]])
        trainer.objective.readoutMean = mean
        func value() throws -> (Variable<Double>, StepResult) {
            var rng = SeededGenerator(seed: 77)
            return try trainer.objective(clean: batch, partner: partner, rng: &rng)
        }
        let (total, result) = try value()
        XCTAssertNotEqual(result.penalty, 0, "the penalty must be active for the check to mean anything")
        let grads = total.gradients()
        let encoderParameters = gin.encoder.layers.flatMap { [$0.first.weight, $0.second.weight, $0.epsilon!] }
        for (k, p) in encoderParameters.enumerated() {
            let original = p.value
            let numeric = FiniteDifferences.gradient(of: { x in
                p.assign(x)
                defer { p.assign(original) }
                let (t, r) = try! value()
                return t.scalar / r.kappa
            }, at: original)
            let analytic = grads[p] * (1 / result.kappa)
            let err = relativeError(analytic, numeric)
            XCTAssertLessThanOrEqual(err, 1e-6, "\(method.rawValue)/\(regularizer): encoder parameter \(k) gradient off by \(err)")
        }
    }

    func testReadoutMixupEExactObjectiveGradientMatchesFiniteDifferences() throws {
        try checkObjectiveGradient(method: .mixupE, regularizer: ExactQ.name, batchNorm: true)
    }

    func testReadoutMixupEApproximateObjectiveGradientMatchesFiniteDifferences() throws {
        try checkObjectiveGradient(method: .mixupE, regularizer: ApproximateQ.name, batchNorm: false)
    }

    func testPenaltyGradientReachesTheEncoder() throws {
        // With η > 0 the encoder gradient of ERM+R differs from that of ERM: R trains the encoder.
        let data = SyntheticGraphs.random(count: 4, featureCount: 3, seed: 31)
        func encoderGradient(_ method: Method) throws -> Tensor<Double> {
            let gin = tinyGIN(features: 3, batchNorm: false)
            var config = TrainingConfiguration()
            config.method = method
            config.regularizer = ExactQ.name
            config.eta = 1
            let trainer = try GraphTrainer(model: gin, configuration: config, source: data, trainIndices: [0, 1, 2, 3])
            var rng = SeededGenerator(seed: 1)
            let (total, result) = try trainer.objective(clean: [0, 1, 2, 3], partner: [1, 0, 3, 2], rng: &rng)
            return total.gradients()[gin.encoder.layers[0].first.weight] * (1 / result.kappa)
        }
        let plain = try encoderGradient(.erm), regularized = try encoderGradient(.ermR)
        XCTAssertGreaterThan(relativeError(regularized, plain), 1e-6)
    }

    func testMismatchedFeatureWidthAndBadIndicesAreRejected() throws {
        let data = SyntheticGraphs.random(count: 4, featureCount: 3, seed: 41)
        XCTAssertThrowsError(try GraphTrainer(model: tinyGIN(features: 2, batchNorm: false), configuration: TrainingConfiguration(),
                                              source: data, trainIndices: [0, 1])) {
            XCTAssertTrue("\($0)".contains("expects 2 node features, the data has 3"), "\($0)")
        }
        XCTAssertThrowsError(try GraphTrainer(model: tinyGIN(features: 3, batchNorm: false), configuration: TrainingConfiguration(),
                                              source: data, trainIndices: [0, 4])) {
            XCTAssertTrue("\($0)".contains("graph index 4 is outside 0..<4"), "\($0)")
        }
        let trainer = try GraphTrainer(model: tinyGIN(features: 3, batchNorm: false), configuration: TrainingConfiguration(),
                                       source: data, trainIndices: [0, 1])
        var rng = SeededGenerator(seed: 0)
        XCTAssertThrowsError(try trainer.objective(clean: [0, 1], partner: [0, 2], rng: &rng)) {
            XCTAssertTrue("\($0)".contains("partner 2 is not in it"), "\($0)")
        }
    }

    func testTrainingReducesTheLossOnSyntheticGraphs() throws {
        let data = SyntheticGraphs.random(count: 40, featureCount: 2, seed: 51)
        var rng = SeededGenerator(seed: 2)
        var gc = GINConfiguration(); gc.layerCount = 2; gc.hiddenWidth = 8; gc.headHiddenWidths = [8]
        let gin = GIN<Double>(inputWidth: 2, outputCount: 2, configuration: gc, using: &rng)
        var config = TrainingConfiguration()
        config.method = .mixupE
        config.optimizer = .adam(learningRate: 0.01, weightDecay: 0)
        config.epochs = 15
        config.batchSize = 10
        let trainer = try GraphTrainer(model: gin, configuration: config, source: data, trainIndices: Array(0..<40))
        trainer.log = { _ in }
        let before = try XCTUnwrap(trainer.evaluate(.train)).loss
        let history = try trainer.run()
        XCTAssertEqual(history.count, 15)
        XCTAssertLessThan(try XCTUnwrap(trainer.evaluate(.train)).loss, before)
    }
}
