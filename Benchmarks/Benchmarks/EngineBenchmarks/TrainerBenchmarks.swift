// Trainer step benchmarks: samples/s of one full optimisation step (mixing, forward, loss, R,
// κ-scaling, backward, Adam) for each arm of the ablation, on the paper's tabular MLP shape
// 64-128-128-10 at batch 100, so the cost of mixing and of each regularizer reads off as a
// ratio against "trainer ERM step b100" measured in the same run.
import Benchmark
import MixupCore
import MixupNN
import MixupTraining

/// The four arms every step benchmark times: label, method, regularizer.
let stepArms: [(String, Method, String)] = [
    ("ERM", .erm, "approx"), ("Mixup", .mixup, "approx"),
    ("MixupE-approx", .mixupE, "approx"), ("MixupE-exact", .mixupE, "exact"),
]

/// Times `Trainer.step` for one arm at batch 100 (the first 100 samples, partner = the batch
/// reversed, α = 0.2, η = 0.1) and reports samples/s.
func measureTrainerSteps<M: Layer>(_ benchmark: Benchmark, model: M, data: ClassificationData<Float>,
                                   method: Method, regularizer: String, stepSeed: UInt64) where M.Scalar == Float {
    var config = TrainingConfiguration()
    config.method = method
    config.regularizer = regularizer
    config.alpha = 0.2
    config.eta = 0.1
    guard let trainer = try? Trainer(model: model, configuration: config, train: data) else { return }
    let batch = 100, clean = Array(0..<batch), partner = clean.reversed().map { $0 }
    var stepRNG = SeededGenerator(seed: stepSeed)
    measureRate(benchmark, samplesPerSecondMetric, workPerIteration: Double(batch), unit: 1) {
        for _ in benchmark.scaledIterations {
            _ = try? trainer.step(clean: clean, partner: partner, rng: &stepRNG)
        }
    }
    blackHole(model.parameters[0].value)
}

/// Registers "trainer ERM/Mixup/MixupE-approx/MixupE-exact step b100".
func registerTrainerBenchmarks() {
    for (label, method, regularizer) in stepArms {
        Benchmark("trainer \(label) step b100", configuration: engineConfiguration(samplesPerSecondMetric)) { benchmark in
            let classes = 10, samples = 1000
            var rng = SeededGenerator(seed: 5)
            let features = Tensor<Float>.normal(shape: [samples, 64], using: &rng)
            let labels = (0..<samples).map { _ in rng.bounded(classes) }
            let data = ClassificationData(features: features, labels: labels, classCount: classes)
            let model = MLP<Float>(widths: [64, 128, 128, classes], using: &rng)
            measureTrainerSteps(benchmark, model: model, data: data, method: method, regularizer: regularizer, stepSeed: 6)
        }
    }
}

/// Convolution forward + backward (∂x and ∂W) at batch 100 under each algorithm, in GFLOP/s of
/// the three GEMMs each pass amounts to (2·M·K·N each), next to "sgemm raw" on the LeNet shapes.
/// LeNet's two layers plus a first CIFAR layer and a VGG-width layer: the rows that set
/// `ConvolutionAlgorithm.automatic`'s limits (direct for small patch × output channels).
func registerConvolutionBenchmarks() {
    let layers: [(String, [Int], [Int], Int, GemmShape)] = [
        ("conv1 1->6 5x5 pad2 28x28", [100, 1, 28, 28], [6, 1, 5, 5], 2, GemmShape(m: 6, k: 25, n: 78_400)),
        ("conv2 6->16 5x5 14x14", [100, 6, 14, 14], [16, 6, 5, 5], 0, GemmShape(m: 16, k: 150, n: 10_000)),
        ("cifar 3->16 3x3 pad1 32x32", [100, 3, 32, 32], [16, 3, 3, 3], 1, GemmShape(m: 16, k: 27, n: 102_400)),
        ("vgg 64->64 3x3 pad1 16x16", [20, 64, 16, 16], [64, 64, 3, 3], 1, GemmShape(m: 64, k: 576, n: 5_120)),
    ]
    for (label, xShape, wShape, padding, gemm) in layers {
        for algorithm in [ConvolutionAlgorithm.direct, .im2colGEMM] {
            let name = "conv2d fwd+bwd \(label) b\(xShape[0]) \(algorithm)"
            Benchmark(name, configuration: engineConfiguration(gflopsMetric)) { benchmark in
                var rng = SeededGenerator(seed: 8)
                let x = Variable(differentiable: Tensor<Float>.normal(shape: xShape, using: &rng))
                let w = Variable(parameter: Tensor<Float>.normal(shape: wShape, using: &rng))
                let b = Variable(parameter: Tensor<Float>(zeros: [wShape[0]]))
                ConvolutionAlgorithm.preferred = algorithm
                defer { ConvolutionAlgorithm.preferred = .automatic }
                measureRate(benchmark, gflopsMetric, workPerIteration: 3 * gemm.flops, unit: 1e9) {
                    for _ in benchmark.scaledIterations {
                        let y = Variable.conv2d(x, weight: w, bias: b, stride: 1, padding: padding)
                        blackHole(y.sum().gradients()[w])
                    }
                }
            }
        }
    }
}

/// LeNet-5 training steps on 28×28×1 at batch 100 for each arm (issue 5's benchmark), on one
/// thread, plus ERM and Mixup with two kernel threads (`ComputeThreads.kernelCount = 2`, OpenBLAS
/// kept at 1: its spinning idle workers slow the kernels' second thread), the thread counts the
/// PyTorch/JAX peers are run with.
func registerLeNetBenchmarks() {
    let runs = stepArms.map { ($0.0, $0.1, $0.2, 1) } + stepArms.prefix(2).map { ($0.0, $0.1, $0.2, 2) }
    for (label, method, regularizer, threads) in runs {
        let suffix = threads == 1 ? "" : " \(threads) threads"
        Benchmark("LeNet \(label) step b100\(suffix)", configuration: engineConfiguration(samplesPerSecondMetric)) { benchmark in
            ComputeThreads.kernelCount = threads
            defer { ComputeThreads.kernelCount = 1 }
            let samples = 400
            var rng = SeededGenerator(seed: 9)
            let data = ClassificationData(features: Tensor<Float>.normal(shape: [samples, 1, 28, 28], using: &rng),
                                          labels: (0..<samples).map { _ in rng.bounded(10) }, classCount: 10)
            guard let model = try? LeNet5<Float>(inputShape: [1, 28, 28], classCount: 10, firstPadding: 2, using: &rng) else { return }
            measureTrainerSteps(benchmark, model: model, data: data, method: method, regularizer: regularizer, stepSeed: 10)
        }
    }
}
