import ArgumentParser
import Foundation
import MixupCore
import MixupNN
import MixupTraining

/// `mixuplab-step-bench`: the step timer (default subcommand `step`), `conv-sweep` (`ConvolutionSweep`)
/// and `--version` (the OpenBLAS core and CPU, for benchmark headers).
struct StepBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mixuplab-step-bench",
        abstract: "Time training steps of the peer-comparison workloads, or sweep convolution layers.",
        subcommands: [Step.self, ConvolutionSweepCommand.self], defaultSubcommand: Step.self)

    /// A usage error thrown below the argument parser (e.g. an unknown sweep layer).
    struct UsageError: Error, CustomStringConvertible { var description: String }

    /// The workloads of Benchmarks/compare-peers.sh.
    enum Workload: String, CaseIterable, ExpressibleByArgument {
        case w1 = "W1", w2 = "W2", w3 = "W3"
        init?(argument: String) { self.init(rawValue: argument.uppercased()) }
    }

    /// The four arms of the ablation, as the peer scripts name them.
    enum Arm: String, CaseIterable, ExpressibleByArgument {
        case erm, mixup, mixupeApprox = "mixupe-approx", mixupeExact = "mixupe-exact"
        init?(argument: String) { self.init(rawValue: argument.lowercased()) }
    }

    /// `mixuplab-step-bench W1|W2|W3 ARM`: one `RESULT …` line with the median and best samples/s over
    /// R timed blocks of S steps (after two warm-up steps, one for W3), the process's peak RSS and the
    /// OpenBLAS core; `--phases` times forward and backward apart instead.
    struct Step: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "step",
            abstract: "Time steps of one workload and arm (W1 MLP 64-128-128-10 Adam, W2 LeNet-5 SGD, W3 PreActResNet-18 width 64 SGD).")

        @Argument(help: "W1, W2 or W3.") var workload: Workload?
        @Argument(help: "erm, mixup, mixupe-approx or mixupe-exact.") var arm: Arm?
        @Option(help: "Compute threads (the C kernels and OpenBLAS).") var threads = 1
        @Option(help: "Steps per timed block (default: W1 200, W2 30, W3 1).") var steps: Int?
        @Option(help: "Timed blocks (default: W1 7, W2 5, W3 2).") var repeats: Int?
        @Option(help: "Samples per step (the peers use 100). The data has max(default, batch) samples, so the model's initialisation changes only above the default (W1 1000, W2 400, W3 200).")
        var batch = 100
        @Option(help: "Pin the convolution scheme: \(ConvolutionAlgorithm.allCases.map(\.rawValue).joined(separator: ", ")).",
                transform: { name in
                    guard let algorithm = ConvolutionAlgorithm(rawValue: name) else {
                        throw ValidationError("--convolution takes one of " + ConvolutionAlgorithm.allCases.map(\.rawValue).joined(separator: ", "))
                    }
                    return algorithm
                })
        var convolution: ConvolutionAlgorithm?
        @Flag(help: "Time the forward pass (the objective) and the backward pass apart, with the resident memory after each.")
        var phases = false
        @Flag(help: "Print the OpenBLAS core, the CPU and OpenBLAS's configuration, and exit.")
        var version = false

        func validate() throws {
            if version { return }
            guard workload != nil, arm != nil else { throw ValidationError("give a workload (W1, W2, W3) and an arm") }
            for (name, value) in [("--threads", threads), ("--batch", batch), ("--steps", steps ?? 1), ("--repeats", repeats ?? 1)] where value < 1 {
                throw ValidationError("\(name) must be positive, got \(value)")
            }
        }

        func run() throws {
            if version {
                print("OpenBLAS core: \(BLASCore.current)\nCPU: \(BLASCore.current.cpu)\n\(BLASCore.current.configuration)")
                return
            }
            guard let workload, let arm else { return }
            ComputeThreads.count = threads
            if let convolution { ConvolutionAlgorithm.preferred = convolution }
            var config = TrainingConfiguration()
            config.alpha = 0.2
            config.eta = 0.1
            config.threads = threads
            switch arm {
            case .erm: config.method = .erm
            case .mixup: config.method = .mixup
            case .mixupeApprox: config.method = .mixupE; config.regularizer = "approx"
            case .mixupeExact: config.method = .mixupE; config.regularizer = "exact"
            }
            let timing = Timing(workload: workload.rawValue, arm: arm.rawValue, threads: threads, batch: batch, phases: phases)
            var rng = SeededGenerator(seed: 11)
            switch workload {
            case .w1:
                config.optimizer = .adam(learningRate: 1e-3, weightDecay: 0)
                let data = StepBenchmark.randomData(shape: [64], samples: max(1000, batch), using: &rng)
                let model = MLP<Float>(widths: [64, 128, 128, 10], using: &rng)
                try timing.run(Trainer(model: model, configuration: config, train: data), steps: steps ?? 200, repeats: repeats ?? 7)
            case .w2:
                config.optimizer = .sgd(learningRate: 0.01, momentum: 0.9, nesterov: false, weightDecay: 0)
                let data = StepBenchmark.randomData(shape: [1, 28, 28], samples: max(400, batch), using: &rng)
                let model = try LeNet5<Float>(inputShape: [1, 28, 28], classCount: 10, firstPadding: 2, using: &rng)
                try timing.run(Trainer(model: model, configuration: config, train: data), steps: steps ?? 30, repeats: repeats ?? 5)
            case .w3:
                config.optimizer = .sgd(learningRate: 0.01, momentum: 0.9, nesterov: false, weightDecay: 0)
                let data = StepBenchmark.randomData(shape: [3, 32, 32], samples: max(200, batch), using: &rng)
                let model = try PreActResNet<Float>(depth: .resnet18, inputShape: [3, 32, 32], classCount: 10,
                                                    baseWidth: 64, using: &rng)
                try timing.run(Trainer(model: model, configuration: config, train: data), steps: steps ?? 1, repeats: repeats ?? 2, warmUp: 1)
            }
        }
    }

    /// `mixuplab-step-bench conv-sweep`: runs `ConvolutionSweep`.
    struct ConvolutionSweepCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "conv-sweep",
            abstract: "Time conv2d forward and backward under each algorithm on PreActResNet-18 and VGG layer shapes, then batch norm + ReLU.")

        @Option(help: "Samples per call.") var batch = 20
        @Option(help: "Timed calls per row (the median is printed).") var repeats = 3
        @Option(help: "Compute threads.") var threads = 1
        @Option(help: "Only these layers (comma-separated first words of the row names, e.g. res1,res4); skips batch norm.",
                transform: { $0.split(separator: ",").map(String.init) })
        var layers: [String]?

        func validate() throws {
            for (name, value) in [("--batch", batch), ("--repeats", repeats), ("--threads", threads)] where value < 1 {
                throw ValidationError("\(name) must be positive, got \(value)")
            }
        }

        func run() throws {
            ComputeThreads.count = threads
            try ConvolutionSweep.run(batch: batch, repeats: repeats, layers: layers)
        }
    }

    static func randomData(shape: [Int], samples: Int, using rng: inout SeededGenerator) -> ClassificationData<Float> {
        ClassificationData(features: Tensor<Float>.normal(shape: [samples] + shape, using: &rng),
                           labels: (0..<samples).map { _ in rng.bounded(10) }, classCount: 10)
    }

    /// Two warm-up steps (or `warmUp`), then `repeats` blocks of `steps` steps on the first `batch`
    /// samples with the batch reversed as partner (the peers do the same).
    struct Timing {
        var workload: String, arm: String, threads: Int, batch: Int, phases: Bool

        func run<M: Layer>(_ trainer: Trainer<M>, steps: Int, repeats: Int, warmUp: Int = 2) throws where M.Scalar == Float {
            let clean = Array(0..<batch), partner = Array(clean.reversed())
            var stepRNG = SeededGenerator(seed: 12)
            if phases {
                for k in 0..<(warmUp + steps * repeats) {
                    let t0 = DispatchTime.now().uptimeNanoseconds, c0 = cpuSeconds()
                    let (total, _) = try trainer.objective(clean: clean, partner: partner, rng: &stepRNG)
                    let t1 = DispatchTime.now().uptimeNanoseconds, c1 = cpuSeconds(), forwardRSS = residentMB()
                    let grads = total.gradientsReleasingGraph()
                    let t2 = DispatchTime.now().uptimeNanoseconds, c2 = cpuSeconds(), backwardRSS = residentMB()
                    precondition(grads.contains(trainer.model.parameters[0]))
                    func r(_ x: Double) -> String { String(format: "%.2f", x) }
                    print("PHASES workload=\(workload) arm=\(arm) step=\(k) forward_s=\(r(Double(t1 - t0) / 1e9)) "
                          + "backward_s=\(r(Double(t2 - t1) / 1e9)) forward_cpu_s=\(r(c1 - c0)) backward_cpu_s=\(r(c2 - c1)) "
                          + "rss_after_forward_mb=\(forwardRSS) "
                          + "rss_after_backward_mb=\(backwardRSS) peak_rss_mb=\(peakMB())")
                }
                return
            }
            for _ in 0..<warmUp { try trainer.step(clean: clean, partner: partner, rng: &stepRNG) }
            var rates: [Double] = []
            for _ in 0..<repeats {
                let start = DispatchTime.now().uptimeNanoseconds
                for _ in 0..<steps { try trainer.step(clean: clean, partner: partner, rng: &stepRNG) }
                let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
                rates.append(Double(steps * batch) / seconds)
            }
            rates.sort()
            func oneDecimal(_ x: Double) -> String { String((x * 10).rounded() / 10) }
            print("RESULT framework=MixupLab workload=\(workload) arm=\(arm) threads=\(threads) "
                  + "median=\(oneDecimal(rates[rates.count / 2])) best=\(oneDecimal(rates.last!)) peak_rss_mb=\(peakMB()) "
                  + "core=\(BLASCore.current.name)" + (batch == 100 ? "" : " batch=\(batch)"))
        }
    }

    /// The process's peak resident set (ru_maxrss), in MB.
    static func peakMB() -> Int {
        var usage = rusage()
        getrusage(Int32(RUSAGE_SELF.rawValue), &usage)
        return Int((Double(usage.ru_maxrss) / 1024).rounded())
    }

    /// The current resident set from /proc/self/statm (0 where it does not exist), in MB.
    static func residentMB() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8),
              let pages = text.split(separator: " ").dropFirst().first.flatMap({ Int($0) }) else { return 0 }
        return (pages * Int(sysconf(Int32(_SC_PAGESIZE)))) >> 20
    }

    /// CPU time of the whole process so far (all threads), in seconds: steadier than wall time on a
    /// loaded machine.
    static func cpuSeconds() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }
}
