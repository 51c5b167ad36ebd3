import Foundation
import MixupCore
import MixupNN
import MixupTraining

/// Command line: `mixuplab-step-bench W1|W2|W3 erm|mixup|mixupe-approx|mixupe-exact [--threads N]
/// [--steps S] [--repeats R]`. Prints one `RESULT …` line: median and best samples/s over R timed
/// blocks of S steps (after two warm-up steps, one for W3), the process's peak RSS and the OpenBLAS
/// core. `mixuplab-step-bench --version` prints the OpenBLAS core and CPU for benchmark headers.
enum StepBenchmark {
    static func main(_ arguments: [String]) {
        do {
            try run(arguments)
        } catch {
            FileHandle.standardError.write(Data("mixuplab-step-bench: \(error)\n".utf8))
            exit(2)
        }
    }

    struct UsageError: Error, CustomStringConvertible { var description: String }

    static func run(_ arguments: [String]) throws {
        let usage = "usage: mixuplab-step-bench W1|W2|W3 erm|mixup|mixupe-approx|mixupe-exact [--threads N] [--steps S] [--repeats R]"
        if arguments.first == "--version" {
            print("OpenBLAS core: \(BLASCore.current)\nCPU: \(BLASCore.current.cpu)\n\(BLASCore.current.configuration)")
            return
        }
        guard arguments.count >= 2 else { throw UsageError(description: usage) }
        let workload = arguments[0].uppercased(), arm = arguments[1].lowercased()
        var threads = 1, steps: Int?, repeats: Int?
        var index = 2
        while index < arguments.count {
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
        for _ in 0..<warmUp { try trainer.step(clean: clean, partner: partner, rng: &stepRNG) }
        var rates: [Double] = []
        for _ in 0..<repeats {
            let start = DispatchTime.now().uptimeNanoseconds
            for _ in 0..<steps { try trainer.step(clean: clean, partner: partner, rng: &stepRNG) }
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            rates.append(Double(steps * batch) / seconds)
        }
        rates.sort()
        var usage = rusage()
        getrusage(Int32(RUSAGE_SELF.rawValue), &usage)
        let peakMB = Int((Double(usage.ru_maxrss) / 1024).rounded())
        func oneDecimal(_ x: Double) -> String { String((x * 10).rounded() / 10) }
        let line = "RESULT framework=MixupLab workload=\(workload) arm=\(arm) threads=\(threads) "
            + "median=\(oneDecimal(rates[rates.count / 2])) best=\(oneDecimal(rates.last!)) peak_rss_mb=\(peakMB) "
            + "core=\(BLASCore.current.name)"
        print(line)
    }
}
