// Engine speed: raw OpenBLAS sgemm next to the same products through `Tensor`, one training step
// of the paper's tabular MLP, and elementwise kernels. Run with `swift package benchmark` from
// Benchmarks/; README.md explains each benchmark and how to read the custom metrics.
import Benchmark
import CBLASRaw
import MixupCore
import MixupNN

/// Every benchmark of this executable; package-benchmark's plugin finds this closure by name.
let benchmarks: @Sendable () -> Void = {
    // One BLAS thread everywhere: the machine has two shared cores, and tests/training pin one
    // thread too. `BLAS.threadCount` and raw `cblas_sgemm` share the same OpenBLAS instance.
    BLAS.threadCount = 1
    // The kernels every number below depends on, for compare.sh's header (a fallback core warns too).
    print("BLAS-CORE: \(BLASCore.current)")
    print("BLAS-CPU: \(BLASCore.current.cpu)")

    registerMatmulBenchmarks()
    registerMLPStepBenchmark()
    registerElementwiseBenchmarks()
    registerTrainerBenchmarks()
    registerConvolutionBenchmarks()
    registerLeNetBenchmarks()
}

// MARK: - Custom metrics

/// Billions of floating-point operations per second (2·M·K·N per matrix product), per sample.
let gflopsMetric = BenchmarkMetric.custom("GFLOP/s", polarity: .prefersLarger, useScalingFactor: false)
/// Training samples (rows of a batch) processed per second.
let samplesPerSecondMetric = BenchmarkMetric.custom("samples/s", polarity: .prefersLarger, useScalingFactor: false)
/// Millions of tensor elements produced per second by an elementwise kernel.
let elementsPerSecondMetric = BenchmarkMetric.custom("Melem/s", polarity: .prefersLarger, useScalingFactor: false)

/// Shared settings: wall clock and throughput from the framework, plus the benchmark's own
/// rate metric (printed unscaled, so 42 000 samples/s reads as 42000, not 42 K); a short warm-up
/// and a time box that keeps a full run around half a minute.
func engineConfiguration(_ rate: BenchmarkMetric) -> Benchmark.Configuration {
    .init(metrics: [.wallClock, .throughput, rate],
          units: [rate: .count],
          warmupIterations: 20,
          maxDuration: .seconds(3),
          maxIterations: 1_000_000)
}

/// Times `body` (which must run `benchmark.scaledIterations` units of work) and records
/// `workPerIteration × iterations / seconds / unit` as `metric`.
@inline(__always)
func measureRate(_ benchmark: Benchmark, _ metric: BenchmarkMetric, workPerIteration: Double, unit: Double,
                 _ body: () -> Void) {
    let clock = ContinuousClock()
    let start = clock.now
    body()
    let elapsed = start.duration(to: clock.now)
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
    guard seconds > 0 else { return }
    let work = workPerIteration * Double(benchmark.scaledIterations.count)
    benchmark.measurement(metric, Int((work / seconds / unit).rounded()))
}

// MARK: - Matrix products

/// A matrix-product shape: A is M×K, B is K×N, C = A·B is M×N (row-major, no transposes).
struct GemmShape {
    let m: Int, k: Int, n: Int
    /// Floating-point operations of one product (a multiply and an add per inner-product term).
    var flops: Double { 2 * Double(m) * Double(k) * Double(n) }
    var label: String { "\(m)x\(k)x\(n)" }
}

/// The shapes issue 2 asks for: a hidden layer of the tabular MLP at batch 100, and an
/// MNIST-sized first layer (784 inputs → 128) at batch 256.
/// Also the GEMMs LeNet-5's convolutions reduce to at batch 100 on 28×28 (im2col: M = output
/// channels, K = in·5·5, N = output pixels × batch), so conv GFLOP/s reads against them.
let gemmShapes = [GemmShape(m: 100, k: 128, n: 128), GemmShape(m: 256, k: 784, n: 128),
                  GemmShape(m: 6, k: 25, n: 78_400), GemmShape(m: 16, k: 150, n: 10_000)]

func registerMatmulBenchmarks() {
    for shape in gemmShapes {
        var rng = SeededGenerator(seed: 2)
        let a = Tensor<Float>.uniform(shape: [shape.m, shape.k], low: -1, high: 1, using: &rng)
        let b = Tensor<Float>.uniform(shape: [shape.k, shape.n], low: -1, high: 1, using: &rng)

        // OpenBLAS alone: preallocated buffers, nothing but the library call.
        Benchmark("sgemm raw \(shape.label)", configuration: engineConfiguration(gflopsMetric)) { benchmark in
            var c = [Float](repeating: 0, count: shape.m * shape.n)
            a.withUnsafeBufferPointer { ap in
                b.withUnsafeBufferPointer { bp in
                    c.withUnsafeMutableBufferPointer { cp in
                        measureRate(benchmark, gflopsMetric, workPerIteration: shape.flops, unit: 1e9) {
                            for _ in benchmark.scaledIterations {
                                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans,
                                            Int32(shape.m), Int32(shape.n), Int32(shape.k),
                                            1, ap.baseAddress, Int32(shape.k), bp.baseAddress, Int32(shape.n),
                                            0, cp.baseAddress, Int32(shape.n))
                            }
                        }
                    }
                }
            }
            blackHole(c)
        }

        // The same product through the engine: shape checks, a fresh output array, then sgemm.
        Benchmark("matmul Tensor \(shape.label)", configuration: engineConfiguration(gflopsMetric)) { benchmark in
            measureRate(benchmark, gflopsMetric, workPerIteration: shape.flops, unit: 1e9) {
                for _ in benchmark.scaledIterations {
                    blackHole(a.matmul(b))
                }
            }
        }
    }
}

// MARK: - One training step

/// The paper's tabular model at batch 100: forward, cross-entropy, backward over the tape and an
/// Adam update — everything of a training step except data loading and mixing.
func registerMLPStepBenchmark() {
    let batch = 100, classes = 10
    Benchmark("MLP 64-128-128-10 step b100", configuration: engineConfiguration(samplesPerSecondMetric)) { benchmark in
        var rng = SeededGenerator(seed: 3)
        let model = MLP<Float>(widths: [64, 128, 128, classes], activation: .relu, using: &rng)
        let parameters = model.parameters   // found once, as a trainer would keep them
        var optimizer = Adam<Float>(learningRate: 1e-3)
        let x = Variable(constant: Tensor<Float>.normal(shape: [batch, 64], using: &rng))
        let labels = (0..<batch).map { _ in rng.bounded(classes) }
        let targets: Tensor<Float> = oneHot(labels, classes: classes)

        measureRate(benchmark, samplesPerSecondMetric, workPerIteration: Double(batch), unit: 1) {
            for _ in benchmark.scaledIterations {
                let loss = ClassificationLoss.crossEntropy(model(x), targets)
                let gradients = loss.gradients()
                optimizer.update(parameters, with: gradients)
            }
        }
        blackHole(parameters[0].value)
    }
}

// MARK: - Elementwise kernels

/// Elementwise kernels on a 100×128 activation. They exist to catch a kernel that falls off its
/// specialised path into generic, witness-table code (a 10–100× slowdown), not to be fast.
func registerElementwiseBenchmarks() {
    var rng = SeededGenerator(seed: 4)
    let x = Tensor<Float>.normal(shape: [100, 128], using: &rng)
    let bias = Tensor<Float>.normal(shape: [128], using: &rng)
    let elements = Double(x.count)

    let cases: [(String, () -> Tensor<Float>)] = [
        ("relu", { x.map(.relu) }),
        ("exp", { x.map(.exp) }),
        ("add bias (broadcast)", { x + bias }),
        // Allocation alone: the engine's generic zero-filled tensor next to a specialised array.
        // A gap between these two is the cost every op pays for its output buffer.
        ("zeros Tensor", { Tensor<Float>(zeros: [100, 128]) }),
        ("zeros [Float]", { Tensor(shape: [100, 128], scalars: [Float](repeating: 0, count: 100 * 128)) }),
    ]
    for (name, kernel) in cases {
        Benchmark("elementwise \(name) 100x128", configuration: engineConfiguration(elementsPerSecondMetric)) { benchmark in
            measureRate(benchmark, elementsPerSecondMetric, workPerIteration: elements, unit: 1e6) {
                for _ in benchmark.scaledIterations { blackHole(kernel()) }
            }
        }
    }
}
