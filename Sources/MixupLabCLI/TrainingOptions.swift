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
extension ModelSpec.Kind: ExpressibleByArgument {}

/// The datasets the command line can read, each with the paper's defaults for its domain.
enum DatasetKind: String, CaseIterable, ExpressibleByArgument {
    case tabular, fashionMNIST = "fashion-mnist", mnist, cifar10, cifar100, fsdd, speechCommands = "speech-commands"

    enum Domain { case tabular, images, speech }
    var domain: Domain {
        switch self {
        case .tabular: return .tabular
        case .fashionMNIST, .mnist, .cifar10, .cifar100: return .images
        case .fsdd, .speechCommands: return .speech
        }
    }
}

/// Options shared by `train`, `ablate` and the study commands. Unset values take the paper's
/// defaults for the dataset's domain: tabular §3.2 (MLP 2×128, Adam 1e-3, 25 epochs), images §3.1
/// (SGD 0.1, momentum 0.9, wd 1e-4, ×0.1 at epochs 100 and 150 of 200), speech §3.3 (Adam 1e-3,
/// 20 epochs, α = 0.2, η = 0.01); batch 100 everywhere.
struct TrainingOptions: ParsableArguments {
    @Option(help: "Dataset kind: tabular, fashion-mnist, mnist, cifar10, cifar100, fsdd, speech-commands.")
    var dataset: DatasetKind = .tabular
    @Option(help: "Tabular data file: KEEL/UCI .dat or .csv (class in the last column), abalone.data, or .arff.")
    var data: String = "Data/cmc/contraceptive.dat"
    @Option(help: "Separate tabular test file (e.g. segment-test.arff); default: a stratified 70/15/15 split of --data.")
    var testData: String?
    @Option(help: "Folder of an image or speech dataset (default for fashion-mnist and fsdd: ../shared/data/…).")
    var dataDir: String?
    @Option(help: "Seed of the data split / validation hold-out.")
    var splitSeed: UInt64 = 0
    @Option(help: "Use a seeded random subset of N training samples (quick runs).")
    var trainLimit: Int?

    @Option(help: "Model: mlp, lenet, vgg11, vgg13, preactresnet18, preactresnet34, preactresnet50 (default: mlp for tabular, lenet otherwise).")
    var model: ModelSpec.Kind?
    @Option(help: "MLP hidden widths, comma-separated.")
    var hidden: String = "128,128"
    @Option(help: "Activation of MLP/LeNet: relu, gelu, tanh, softplus, sigmoid.")
    var activation: Activation = .relu
    @Flag(help: "Bias-free MLP (with centered data, approx and exact q then coincide for ReLU).")
    var noBias = false
    @Option(help: "VGG width multiplier.")
    var widthMultiplier: Double = 0.25
    @Option(help: "PreActResNet base width.")
    var baseWidth: Int = 16

    @Option(help: "Regularizer for the +R arms (see `mixuplab regularizers`).")
    var regularizer: String = "approx"
    @Option(help: "Regularizer options, key=value[,key=value] (e.g. absolute=false,threshold=0.1,detach=true).")
    var regularizerOptions: String = ""
    @Option(help: "Mixup's Beta(α, α) (default 1; 0.2 for speech).")
    var alpha: Double?
    @Option(help: "η, the weight of the MixupE penalty.")
    var eta: Double = 0.01
    @Option(help: "Epochs (default 25 tabular, 200 images, 20 speech).")
    var epochs: Int?
    @Option(help: "Batch size.")
    var batchSize: Int = 100

    @Option(help: "Optimizer: adam, adamw or sgd (default sgd for images, adam otherwise).")
    var optimizer: String?
    @Option(help: "Learning rate (default 0.1 for SGD, 1e-3 for Adam/AdamW).")
    var lr: Double?
    @Option(help: "SGD momentum.")
    var momentum: Double = 0.9
    @Flag(help: "Nesterov momentum (SGD).")
    var nesterov = false
    @Option(help: "Weight decay (L2 for SGD/Adam, decoupled for AdamW; default 1e-4 for images).")
    var weightDecay: Double?
    @Option(help: "Learning-rate schedule: constant | step:E1,E2[:factor] | cosine:WARMUP_EPOCHS (default step:100,150 for images).")
    var schedule: String?
    @Flag(inversion: .prefixedNo, help: "Random crop (pad 4) and horizontal flip for CIFAR (default on for CIFAR).")
    var augment: Bool?

    @Option(help: "Loss: cross-entropy (softmax) or logistic (sigmoid; one output for two classes).")
    var loss: String = "cross-entropy"
    @Option(help: "Mixup partner: permutation (of the batch) or second-loader (the paper's listing).")
    var partner: PartnerSelection = .permutation
    @Option(help: "MixupE clean pass: automatic, batched or separate.")
    var cleanPass: CleanPass = .automatic
    @Option(help: "Compute threads for OpenBLAS and the convolution/pooling kernels (results are reproducible for a fixed count).")
    var threads: Int = 1
    @Option(help: "OpenBLAS threads, if they should differ from --threads (for LeNet-sized models 1 is faster).")
    var blasThreads: Int?

    func configuration(method: Method, seed: UInt64) throws -> TrainingConfiguration {
        let domain = dataset.domain
        var c = TrainingConfiguration()
        c.method = method
        c.seed = seed
        c.regularizer = regularizer
        c.regularizerOptions = regularizerOptions
        c.alpha = alpha ?? (domain == .speech ? 0.2 : 1.0)
        c.eta = eta
        c.epochs = epochs ?? (domain == .images ? 200 : domain == .speech ? 20 : 25)
        c.batchSize = batchSize
        c.partner = partner
        c.cleanPass = cleanPass
        c.threads = threads
        c.blasThreads = blasThreads
        switch loss {
        case "cross-entropy", "ce": c.loss = .crossEntropy
        case "logistic": c.loss = .logistic
        default: throw ValidationError("--loss must be cross-entropy or logistic, got '\(loss)'")
        }
        let optimizerName = optimizer ?? (domain == .images ? "sgd" : "adam")
        switch optimizerName.lowercased() {
        case "adam": c.optimizer = .adam(learningRate: lr ?? 1e-3, weightDecay: weightDecay ?? 0)
        case "adamw": c.optimizer = .adamW(learningRate: lr ?? 1e-3, weightDecay: weightDecay ?? 0.01)
        case "sgd": c.optimizer = .sgd(learningRate: lr ?? 0.1, momentum: momentum, nesterov: nesterov,
                                       weightDecay: weightDecay ?? (domain == .images ? 1e-4 : 0))
        default: throw ValidationError("--optimizer must be adam, adamw or sgd, got '\(optimizerName)'")
        }
        c.schedule = try parseSchedule(schedule ?? (domain == .images ? "step:100,150" : "constant"), epochs: c.epochs)
        if method.regularized {
            _ = try RegularizerRegistry.make(regularizer, options: RegularizerOptions(parsing: regularizerOptions))
        }
        try c.validate()
        return c
    }

    var modelSpec: ModelSpec {
        get throws {
            var spec = ModelSpec(kind: model ?? (dataset == .tabular ? .mlp : .lenet))
            let parts = hidden.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard !parts.isEmpty, parts.allSatisfy({ ($0 ?? 0) > 0 }) else {
                throw ValidationError("--hidden must be positive integers separated by commas, got '\(hidden)'")
            }
            spec.hiddenWidths = parts.map { $0! }
            spec.activation = activation
            spec.bias = !noBias
            spec.widthMultiplier = widthMultiplier
            spec.baseWidth = baseWidth
            return spec
        }
    }

    /// Reads the dataset named by `--dataset` (and `--data`/`--data-dir`).
    func loadData() throws -> LoadedSplits {
        var loaded: LoadedSplits
        switch dataset {
        case .tabular:
            loaded = try TabularSource(path: data, testPath: testData, splitSeed: splitSeed).load()
        case .fashionMNIST, .mnist, .cifar10, .cifar100:
            let kind: ImageSource.Kind = dataset == .fashionMNIST ? .fashionMNIST : dataset == .mnist ? .mnist
                : dataset == .cifar10 ? .cifar10 : .cifar100
            var source = ImageSource(kind: kind, directory: try directory(default: dataset == .fashionMNIST ? "../shared/data/images/fashion-mnist" : nil))
            source.splitSeed = splitSeed
            loaded = try source.load()
        case .fsdd, .speechCommands:
            var source = SpeechSource(kind: dataset == .fsdd ? .fsdd : .speechCommands,
                                      directory: try directory(default: dataset == .fsdd ? "../shared/data/speech/fsdd" : nil))
            source.splitSeed = splitSeed
            loaded = try source.load()
        }
        if let trainLimit {
            guard trainLimit > 0 else { throw ValidationError("--train-limit must be positive") }
            // A seeded random subset: files are often ordered by class, so a prefix would be one-sided.
            var rng = SeededGenerator(seed: splitSeed &+ 0x7A11)
            let chosen = rng.permutation(loaded.train.count).prefix(trainLimit).sorted()
            loaded.train = loaded.train.subset(Array(chosen))
        }
        return loaded
    }

    /// MLP hidden widths (tabular studies).
    var hiddenWidths: [Int] { get throws { try modelSpec.hiddenWidths } }

    /// The tabular source named by `--data` / `--test-data`.
    var source: TabularSource { TabularSource(path: data, testPath: testData, splitSeed: splitSeed) }

    /// Whether to augment images with random crop and flip.
    var augments: Bool { augment ?? (dataset == .cifar10 || dataset == .cifar100) }

    private func directory(default value: String?) throws -> String {
        guard let dir = dataDir ?? value else {
            throw ValidationError("--dataset \(dataset.rawValue) needs --data-dir PATH (the dataset's original files)")
        }
        return dir
    }
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
