import Foundation
import MixupCore

/// `mixuplab-step-bench conv-sweep [--batch B] [--repeats R] [--threads N] [--layers …]`: times `conv2d` forward and backward
/// (∂x and ∂W) on every distinct convolution of PreActResNet-18 (width 64) and VGG on 32×32 inputs,
/// under each `ConvolutionAlgorithm` that applies (Winograd on the 3×3 stride-1 padding-1 ones), and
/// batch norm + ReLU on every activation shape.
/// The rows behind `ConvolutionAlgorithm.automatic` (Benchmarks/README.md).
enum ConvolutionSweep {
    /// One convolution layer: input `[C, H, W]`, output channels, square kernel, stride, padding.
    struct Shape {
        var name: String
        var channels, size, outputs, kernel, stride, padding: Int
    }

    static let shapes: [Shape] = [
        Shape(name: "stem 3->64 3x3 32", channels: 3, size: 32, outputs: 64, kernel: 3, stride: 1, padding: 1),
        Shape(name: "res1 64->64 3x3 32", channels: 64, size: 32, outputs: 64, kernel: 3, stride: 1, padding: 1),
        Shape(name: "res2a 64->128 3x3 s2 32", channels: 64, size: 32, outputs: 128, kernel: 3, stride: 2, padding: 1),
        Shape(name: "res2sc 64->128 1x1 s2 32", channels: 64, size: 32, outputs: 128, kernel: 1, stride: 2, padding: 0),
        Shape(name: "res2 128->128 3x3 16", channels: 128, size: 16, outputs: 128, kernel: 3, stride: 1, padding: 1),
        Shape(name: "res3a 128->256 3x3 s2 16", channels: 128, size: 16, outputs: 256, kernel: 3, stride: 2, padding: 1),
        Shape(name: "res3 256->256 3x3 8", channels: 256, size: 8, outputs: 256, kernel: 3, stride: 1, padding: 1),
        Shape(name: "res4a 256->512 3x3 s2 8", channels: 256, size: 8, outputs: 512, kernel: 3, stride: 2, padding: 1),
        Shape(name: "res4 512->512 3x3 4", channels: 512, size: 4, outputs: 512, kernel: 3, stride: 1, padding: 1),
        Shape(name: "vgg 64->128 3x3 16", channels: 64, size: 16, outputs: 128, kernel: 3, stride: 1, padding: 1),
        Shape(name: "vgg 128->256 3x3 8", channels: 128, size: 8, outputs: 256, kernel: 3, stride: 1, padding: 1),
        Shape(name: "vgg 256->512 3x3 4", channels: 256, size: 4, outputs: 512, kernel: 3, stride: 1, padding: 1),
        Shape(name: "vgg 512->512 3x3 2", channels: 512, size: 2, outputs: 512, kernel: 3, stride: 1, padding: 1),
    ]

    /// Runs the sweep; `layers` keeps only the shapes whose name starts with one of the given words
    /// (e.g. `res1,res4`), and skips the batch-norm rows.
    static func run(batch: Int, repeats: Int, layers: [String]? = nil) throws {
        var known: [String] = []
        for word in shapes.map({ String($0.name.split(separator: " ")[0]) }) where !known.contains(word) { known.append(word) }
        let unknown = (layers ?? []).filter { !known.contains($0) }
        guard unknown.isEmpty else {
            throw StepBenchmark.UsageError(description: "conv-sweep --layers: no layer named \(unknown.joined(separator: ", ")); known: "
                                           + known.joined(separator: ", "))
        }
        let selected = shapes.filter { layers?.contains(String($0.name.split(separator: " ")[0])) ?? true }
        AllocatorTuning.retainFreedMemory()   // as training does: scratch buffers reuse freed pages
        var rng = SeededGenerator(seed: 5)
        let clock = ComputeThreads.count > 1 ? "wall time (\(ComputeThreads.count) threads)" : "CPU time"
        print("conv2d fwd / bwd (dx+dW) at batch \(batch), median of \(repeats), GFLOP/s (2·MACs per pass) and ms of \(clock)")
        print("layer".padding(toLength: 26, withPad: " ", startingAt: 0) + " algorithm     fwd GF/s  bwd GF/s   fwd ms   bwd ms")
        let saved = ConvolutionAlgorithm.preferred
        defer { ConvolutionAlgorithm.preferred = saved }
        for s in selected {
            let x = Variable(differentiable: Tensor<Float>.normal(shape: [batch, s.channels, s.size, s.size], using: &rng))
            let w = Variable(parameter: Tensor<Float>.normal(shape: [s.outputs, s.channels, s.kernel, s.kernel], using: &rng) * 0.05)
            let out = (s.size + 2 * s.padding - s.kernel) / s.stride + 1
            let macs = Double(batch * s.outputs * out * out * s.channels * s.kernel * s.kernel)
            var algorithms: [ConvolutionAlgorithm] = [.im2colGEMM, .automatic]
            if s.stride == 1 { algorithms.insert(.direct, at: 1) }
            if s.kernel == 3 && s.stride == 1 && s.padding == 1 { algorithms.insert(.winograd, at: algorithms.count - 1) }
            for algorithm in algorithms {
                ConvolutionAlgorithm.preferred = algorithm
                var forward: [Double] = [], backward: [Double] = []
                for _ in 0..<repeats {
                    let t0 = now()
                    let y = Variable.conv2d(x, weight: w, bias: nil, stride: s.stride, padding: s.padding)
                    let t1 = now()
                    let g = y.sum().gradients()
                    let t2 = now()
                    precondition(g.contains(w))
                    forward.append(t1 - t0); backward.append(t2 - t1)
                }
                let f = median(forward), b = median(backward)
                print(s.name.padding(toLength: 26, withPad: " ", startingAt: 0)
                      + " " + algorithm.rawValue.padding(toLength: 12, withPad: " ", startingAt: 0)
                      + pad(2 * macs / f / 1e9, 10) + pad(4 * macs / b / 1e9, 10) + pad(f * 1e3, 9) + pad(b * 1e3, 9))
            }
        }
        guard layers == nil else { return }
        print("batch norm + ReLU (training statistics), fwd / bwd ms")
        for (c, size) in [(64, 32), (128, 16), (256, 8), (512, 4)] {
            let x = Variable(differentiable: Tensor<Float>.normal(shape: [batch, c, size, size], using: &rng))
            let gamma = Variable(parameter: Tensor<Float>(repeating: 1, shape: [c]))
            let beta = Variable(parameter: Tensor<Float>(zeros: [c]))
            var forward: [Double] = [], backward: [Double] = []
            for _ in 0..<repeats {
                let t0 = now()
                let y = x.batchNormalized(scale: gamma, shift: beta, statistics: .batch(tangent: .fixedStatistics),
                                          epsilon: 1e-5).relu()
                let t1 = now()
                _ = y.sum().gradients()
                let t2 = now()
                forward.append(t1 - t0); backward.append(t2 - t1)
            }
            print("bn+relu \(c)x\(size)x\(size)".padding(toLength: 26, withPad: " ", startingAt: 0)
                  + pad(median(forward) * 1e3, 9) + pad(median(backward) * 1e3, 9))
        }
    }

    /// Process CPU time on one thread (the machine is shared, and CPU time moves less with its load
    /// than wall time); wall time with several threads, where CPU time would add the threads up.
    static func now() -> Double {
        ComputeThreads.count > 1 ? Double(DispatchTime.now().uptimeNanoseconds) / 1e9 : StepBenchmark.cpuSeconds()
    }
    static func median(_ xs: [Double]) -> Double { xs.sorted()[xs.count / 2] }
    static func pad(_ x: Double, _ width: Int) -> String {
        let s = String(format: "%.1f", x)
        return String(repeating: " ", count: Swift.max(0, width - s.count)) + s
    }
}
