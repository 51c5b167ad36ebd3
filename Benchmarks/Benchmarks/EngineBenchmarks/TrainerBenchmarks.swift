// Trainer step benchmarks: samples/s of one full optimisation step (mixing, forward, loss, R,
// κ-scaling, backward, Adam) for each arm of the ablation, on the paper's tabular MLP shape
// 64-128-128-10 at batch 100, so the cost of mixing and of each regularizer reads off as a
// ratio against "trainer ERM step b100" measured in the same run.
import Benchmark
import MixupCore
import MixupNN
import MixupTraining

/// Registers "trainer ERM/Mixup/MixupE-approx/MixupE-exact step b100".
func registerTrainerBenchmarks() {
    let arms: [(String, Method, String)] = [
        ("ERM", .erm, "approx"), ("Mixup", .mixup, "approx"),
        ("MixupE-approx", .mixupE, "approx"), ("MixupE-exact", .mixupE, "exact"),
    ]
    for (label, method, regularizer) in arms {
        Benchmark("trainer \(label) step b100", configuration: engineConfiguration(samplesPerSecondMetric)) { benchmark in
            let batch = 100, classes = 10, samples = 1000
            var rng = SeededGenerator(seed: 5)
            let features = Tensor<Float>.normal(shape: [samples, 64], using: &rng)
            let labels = (0..<samples).map { _ in rng.bounded(classes) }
            let data = ClassificationData(features: features, labels: labels, classCount: classes)
            var config = TrainingConfiguration()
            config.method = method
            config.regularizer = regularizer
            config.alpha = 0.2
            config.eta = 0.1
            let model = MLP<Float>(widths: [64, 128, 128, classes], using: &rng)
            guard let trainer = try? Trainer(model: model, configuration: config, train: data) else { return }
            let clean = Array(0..<batch), partner = clean.reversed().map { $0 }
            var stepRNG = SeededGenerator(seed: 6)
            measureRate(benchmark, samplesPerSecondMetric, workPerIteration: Double(batch), unit: 1) {
                for _ in benchmark.scaledIterations {
                    _ = try? trainer.step(clean: clean, partner: partner, rng: &stepRNG)
                }
            }
            blackHole(model.parameters[0].value)
        }
    }
}
