import Foundation
import MixupCore
import MixupNN
import MixupTraining

/// Command line: `mixuplab-step-bench W1|W2|W3 erm|mixup|mixupe-approx|mixupe-exact [--threads N]
/// [--steps S] [--repeats R] [--convolution SCHEME]`. Prints one `RESULT …` line: median and best samples/s over R timed
/// blocks of S steps (after two warm-up steps, one for W3), the process's peak RSS and the OpenBLAS
/// core. `mixuplab-step-bench --version` prints the OpenBLAS core and CPU for benchmark headers.
/// `--phases` instead times the forward pass (the objective) and the backward pass of each step
/// apart (the backward as the trainer runs it, `gradientsReleasingGraph()`) and prints the resident
/// memory after each; `conv-sweep` runs `ConvolutionSweep`.
enum StepBenchmark {
    static func main(_ arguments: [String]) {
        do {
            try run(arguments)
        } catch {
            FileHandle.standardError.write(Data("mixuplab-step-bench: \(error)\n".utf8))
            exit(2)
        }
    }

    /// `--phases`: time forward and backward apart instead of whole steps.
    nonisolated(unsafe) static var phases = false

    struct UsageError: Error, CustomStringConvertible { var description: String }

    static func run(_ arguments: [String]) throws {
        let usage = "usage: mixuplab-step-bench W1|W2|W3 erm|mixup|mixupe-approx|mixupe-exact [--threads N] [--steps S] [--repeats R] [--convolution automatic|im2colGEMM|direct|winograd]"
        if arguments.first == "--version" {
            print("OpenBLAS core: \(BLASCore.current)\nCPU: \(BLASCore.current.cpu)\n\(BLASCore.current.configuration)")
            return
        }
        if arguments.first == "conv-sweep" {
            var batch = 20, repeats = 3, threads = 1
            var layers: [String]? = nil
            let sweepUsage = "conv-sweep [--batch B] [--repeats R] [--threads N] [--layers NAME,NAME…]"
            var index = 1
            while index < arguments.count {
                if arguments[index] == "--layers", index + 1 < arguments.count {
                    layers = arguments[index + 1].split(separator: ",").map(String.init)
                    index += 2
                    continue
                }
                guard index + 1 < arguments.count, let value = Int(arguments[index + 1]), value > 0 else {
                    throw UsageError(description: sweepUsage)
                }
                switch arguments[index] {
                case "--batch": batch = value
                case "--repeats": repeats = value
                case "--threads": threads = value
                default: throw UsageError(description: sweepUsage)
                }
                index += 2
            }
            ComputeThreads.count = threads
            try ConvolutionSweep.run(batch: batch, repeats: repeats, layers: layers)
            return
        }
        guard arguments.count >= 2 else { throw UsageError(description: usage) }
        let workload = arguments[0].uppercased(), arm = arguments[1].lowercased()
        var threads = 1, steps: Int?, repeats: Int?
        var index = 2
        if arguments.last == "--phases" { phases = true }
        while index < arguments.count - (phases ? 1 : 0) {
            if arguments[index] == "--convolution", index + 1 < arguments.count {
                // Pins the convolution scheme (e.g. im2colGEMM for a before/after comparison).
                guard let algorithm = ConvolutionAlgorithm(rawValue: arguments[index + 1]) else {
                    throw UsageError(description: "--convolution takes one of "
                                     + ConvolutionAlgorithm.allCases.map(\.rawValue).joined(separator: ", "))
                }
                ConvolutionAlgorithm.preferred = algorithm
                index += 2
                continue
            }
            guard index + 1 < arguments.count, let value = Int(arguments[index + 1]), value > 0 else {
                throw UsageError(description: "\(arguments[index]) needs a positive integer\n\(usage)")
            }
            switch arguments[index] {
            case "--threads": threads = value
            case "--steps": steps = value
            case "--repeats": repeats = value
            default: throw UsageError(description: "unknown option \(arguments[index])\n\(usage)")
            }
            index += 2
        }
        ComputeThreads.count = threads

        var config = TrainingConfiguration()
        config.alpha = 0.2
        config.eta = 0.1
        config.threads = threads
        switch arm {
        case "erm": config.method = .erm
        case "mixup": config.method = .mixup
        case "mixupe-approx": config.method = .mixupE; config.regularizer = "approx"
        case "mixupe-exact": config.method = .mixupE; config.regularizer = "exact"
        default: throw UsageError(description: "unknown arm \(arm)\n\(usage)")
        }

        let batch = 100
        var rng = SeededGenerator(seed: 11)
        switch workload {
        case "W1":
            config.optimizer = .adam(learningRate: 1e-3, weightDecay: 0)
            let data = randomData(shape: [64], samples: 1000, using: &rng)
            let model = MLP<Float>(widths: [64, 128, 128, 10], using: &rng)
            try time(Trainer(model: model, configuration: config, train: data), workload, arm, threads,
                     steps ?? 200, repeats ?? 7, batch)
        case "W2":
            config.optimizer = .sgd(learningRate: 0.01, momentum: 0.9, nesterov: false, weightDecay: 0)
            let data = randomData(shape: [1, 28, 28], samples: 400, using: &rng)
            let model = try LeNet5<Float>(inputShape: [1, 28, 28], classCount: 10, firstPadding: 2, using: &rng)
            try time(Trainer(model: model, configuration: config, train: data), workload, arm, threads,
                     steps ?? 30, repeats ?? 5, batch)
        case "W3":
            config.optimizer = .sgd(learningRate: 0.01, momentum: 0.9, nesterov: false, weightDecay: 0)
            let data = randomData(shape: [3, 32, 32], samples: 200, using: &rng)
            let model = try PreActResNet<Float>(depth: .resnet18, inputShape: [3, 32, 32], classCount: 10,
                                                baseWidth: 64, using: &rng)
            try time(Trainer(model: model, configuration: config, train: data), workload, arm, threads,
                     steps ?? 1, repeats ?? 2, batch, warmUp: 1)
        default:
            throw UsageError(description: "unknown workload \(workload)\n\(usage)")
        }
    }

    static func randomData(shape: [Int], samples: Int, using rng: inout SeededGenerator) -> ClassificationData<Float> {
        ClassificationData(features: Tensor<Float>.normal(shape: [samples] + shape, using: &rng),
                           labels: (0..<samples).map { _ in rng.bounded(10) }, classCount: 10)
    }

    /// Two warm-up steps, then `repeats` blocks of `steps` steps on the first `batch` samples with the
    /// batch reversed as partner (the peers do the same).
    static func time<M: Layer>(_ trainer: Trainer<M>, _ workload: String, _ arm: String, _ threads: Int,
                               _ steps: Int, _ repeats: Int, _ batch: Int, warmUp: Int = 2) throws where M.Scalar == Float {
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
        let peakMB = peakMB()
        func oneDecimal(_ x: Double) -> String { String((x * 10).rounded() / 10) }
        let line = "RESULT framework=MixupLab workload=\(workload) arm=\(arm) threads=\(threads) "
            + "median=\(oneDecimal(rates[rates.count / 2])) best=\(oneDecimal(rates.last!)) peak_rss_mb=\(peakMB) "
            + "core=\(BLASCore.current.name)"
        print(line)
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
