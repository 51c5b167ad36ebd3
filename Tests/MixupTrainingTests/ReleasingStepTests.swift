import MixupCore
import MixupNN
import MixupTraining
import XCTest

/// The trainer's backward pass (`gradientsReleasingGraph()`) on the W3 objective in miniature: a
/// PreAct ResNet-18 with batch norm and the exact-q JVP gives the gradients `gradients()` gives, bit
/// for bit, so freeing the graph during the sweep changes no training result.
final class ReleasingStepTests: XCTestCase {
    func testReleasingBackwardOfTheExactQObjectiveMatchesGradientsBitForBit() throws {
        var rng = SeededGenerator(seed: 31)
        let features = Tensor<Float>.normal(shape: [8, 3, 8, 8], using: &rng)
        let data = ClassificationData(features: features, labels: (0..<8).map { $0 % 3 }, classCount: 3)
        for regularizer in ["exact", "approx"] {
            let model = try PreActResNet<Float>(depth: .resnet18, inputShape: [3, 8, 8], classCount: 3, baseWidth: 2, using: &rng)
            var config = TrainingConfiguration()
            config.method = .mixupE
            config.regularizer = regularizer
            config.alpha = 0.5
            config.eta = 0.5
            let trainer = try Trainer(model: model, configuration: config, train: data)
            func gradients(releasing: Bool) throws -> Gradients<Float> {
                var stepRNG = SeededGenerator(seed: 7)
                let total = try trainer.objective(clean: Array(0..<4), partner: [5, 4, 7, 6], rng: &stepRNG).total
                return releasing ? total.gradientsReleasingGraph() : total.gradients()
            }
            let kept = try gradients(releasing: false), released = try gradients(releasing: true)
            var nonZero = 0
            for (k, p) in model.parameters.enumerated() {
                XCTAssertEqual(kept[p].scalars, released[p].scalars, "\(regularizer): parameter \(k) \(p.shape)")
                if kept[p].scalars.contains(where: { $0 != 0 }) { nonZero += 1 }
            }
            XCTAssertEqual(nonZero, model.parameters.count, "\(regularizer): every parameter should get a gradient")
        }
    }
}
