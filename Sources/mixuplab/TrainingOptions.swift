import ArgumentParser
import MixupCore
import MixupExperiments
import MixupNN
import MixupRegularizers
import MixupTraining

extension Method: ExpressibleByArgument {}
extension PartnerSelection: ExpressibleByArgument {}
extension CleanPass: ExpressibleByArgument {}
extension Activation: ExpressibleByArgument {}

/// Options shared by `train` and `ablate`, with the paper's tabular defaults (§3.2).
struct TrainingOptions: ParsableArguments {
    @Option(help: "Data file: KEEL/UCI .dat or .csv (class in the last column), abalone.data, or .arff.")
    var data: String = "Data/cmc/contraceptive.dat"
    @Option(help: "Separate test file (e.g. segment-test.arff); default: a stratified 70/15/15 split of --data.")
    var testData: String?
    @Option(help: "Seed of the stratified data split.")
    var splitSeed: UInt64 = 0

    @Option(help: "Regularizer for the +R arms (see `mixuplab regularizers`).")
    var regularizer: String = "approx"
    @Option(help: "Regularizer options, key=value[,key=value] (e.g. absolute=false,threshold=0.1,detach=true).")
    var regularizerOptions: String = ""
    @Option(help: "Mixup's Beta(α, α).")
    var alpha: Double = 1.0
    @Option(help: "η, the weight of the MixupE penalty.")
    var eta: Double = 0.01
    @Option(help: "Epochs.")
    var epochs: Int = 25
    @Option(help: "Batch size.")
    var batchSize: Int = 100

    @Option(help: "Optimizer: adam, adamw or sgd.")
    var optimizer: String = "adam"
    @Option(help: "Learning rate (default 1e-3 for Adam/AdamW, 0.1 for SGD).")
    var lr: Double?
    @Option(help: "SGD momentum.")
    var momentum: Double = 0.9
    @Flag(help: "Nesterov momentum (SGD).")
    var nesterov = false
    @Option(help: "Weight decay (L2 for SGD/Adam, decoupled for AdamW).")
    var weightDecay: Double?
    @Option(help: "Learning-rate schedule: constant | step:E1,E2[:factor] | cosine:WARMUP_EPOCHS.")
    var schedule: String = "constant"

    @Option(help: "Hidden widths of the MLP, comma-separated.")
    var hidden: String = "128,128"
    @Option(help: "Activation: relu, gelu, tanh, softplus, sigmoid.")
    var activation: Activation = .relu
    @Flag(help: "Bias-free MLP (with centered data, approx and exact q then coincide for ReLU).")
    var noBias = false
    @Option(help: "Loss: cross-entropy (softmax) or logistic (sigmoid; one output for two classes).")
    var loss: String = "cross-entropy"
    @Option(help: "Mixup partner: permutation (of the batch) or second-loader (the paper's listing).")
    var partner: PartnerSelection = .permutation
    @Option(help: "MixupE clean pass: automatic, batched or separate.")
    var cleanPass: CleanPass = .automatic
    @Option(help: "OpenBLAS threads (results are reproducible for a fixed count).")
    var threads: Int = 1

    func configuration(method: Method, seed: UInt64) throws -> TrainingConfiguration {
        var c = TrainingConfiguration()
        c.method = method
        c.seed = seed
        c.regularizer = regularizer
        c.regularizerOptions = regularizerOptions
        c.alpha = alpha
        c.eta = eta
        c.epochs = epochs
        c.batchSize = batchSize
        c.partner = partner
        c.cleanPass = cleanPass
        c.threads = threads
        switch loss {
        case "cross-entropy", "ce": c.loss = .crossEntropy
        case "logistic": c.loss = .logistic
        default: throw ValidationError("--loss must be cross-entropy or logistic, got '\(loss)'")
        }
        switch optimizer.lowercased() {
        case "adam": c.optimizer = .adam(learningRate: lr ?? 1e-3, weightDecay: weightDecay ?? 0)
        case "adamw": c.optimizer = .adamW(learningRate: lr ?? 1e-3, weightDecay: weightDecay ?? 0.01)
        case "sgd": c.optimizer = .sgd(learningRate: lr ?? 0.1, momentum: momentum, nesterov: nesterov, weightDecay: weightDecay ?? 0)
        default: throw ValidationError("--optimizer must be adam, adamw or sgd, got '\(optimizer)'")
        }
        c.schedule = try parseSchedule(schedule, epochs: epochs)
        if method.regularized {
            _ = try RegularizerRegistry.make(regularizer, options: RegularizerOptions(parsing: regularizerOptions))
        }
        try c.validate()
        return c
    }

    var hiddenWidths: [Int] {
        get throws {
            let parts = hidden.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard !parts.isEmpty, parts.allSatisfy({ ($0 ?? 0) > 0 }) else {
                throw ValidationError("--hidden must be positive integers separated by commas, got '\(hidden)'")
            }
            return parts.map { $0! }
        }
    }

    var source: TabularSource { TabularSource(path: data, testPath: testData, splitSeed: splitSeed) }
}

/// Parses `constant`, `step:100,150[:0.1]`, `cosine:5`.
func parseSchedule(_ text: String, epochs: Int) throws -> LearningRateSchedule {
    let parts = text.split(separator: ":").map(String.init)
    switch parts.first {
    case "constant": return .constant
    case "step":
        guard parts.count >= 2 else { throw ValidationError("--schedule step needs epochs, e.g. step:100,150") }
        let at = parts[1].split(separator: ",").compactMap { Int($0) }
        let factor = parts.count > 2 ? Double(parts[2]) : 0.1
        guard !at.isEmpty, let factor else { throw ValidationError("bad --schedule '\(text)'; e.g. step:100,150:0.1") }
        return .stepDecay(epochs: at, factor: factor)
    case "cosine":
        let warmup = parts.count > 1 ? Double(parts[1]) : 0
        guard let warmup, warmup >= 0 else { throw ValidationError("bad --schedule '\(text)'; e.g. cosine:5") }
        return .warmupCosine(warmupEpochs: warmup, totalEpochs: Double(epochs), minimumFactor: 0)
    default:
        throw ValidationError("--schedule must be constant, step:E1,E2[:factor] or cosine:WARMUP, got '\(text)'")
    }
}
