import ArgumentParser
import MixupCore
import MixupExperiments
import MixupNN
import MixupRegularizers
import MixupTraining

/// Defaults a command sets apart from the domain's (e.g. `theorem1` trains a smooth GELU MLP for
/// 10 epochs); anything given on the command line still wins.
public struct CommandDefaults: Sendable {
    /// Epochs, if the command's default differs from the domain's.
    public var epochs: Int?
    /// Activation, if the command's default differs from ReLU.
    public var activation: Activation?

    /// No overrides.
    public init(epochs: Int? = nil, activation: Activation? = nil) {
        self.epochs = epochs
        self.activation = activation
    }
}

/// How to train: the same group on every command that trains. Unset values take the paper's
/// defaults for the dataset's domain: tabular §3.2 (Adam 1e-3, 25 epochs, batch 100), images §3.1
/// (SGD 0.1, momentum 0.9, weight decay 1e-4, ×0.1 at epochs 100 and 150 of 200), speech §3.3
/// (Adam 1e-3, 20 epochs, α = 0.2), graphs §3.4 (Adam 0.01 halved every 50 epochs, 350 epochs,
/// batch 32 from Xu et al.).
public struct TrainingOptions: ParsableArguments {
    @Option(help: "Regularizer of the +R arms (see `mixuplab regularizers`; default approx).")
    public var regularizer: String?
    @Option(help: "Regularizer options, key=value[,key=value] (e.g. absolute=false,threshold=0.1,detach=true).")
    public var regularizerOptions: RegularizerOptionsArgument?
    @Option(parsing: .unconditional, help: "Mixup's Beta(α, α) (default 1; 0.2 for speech §3.3).")
    public var alpha: Double?
    @Option(parsing: .unconditional, help: "η, the weight of the MixupE penalty (default 0.01).")
    public var eta: Double?
    @Option(help: "Epochs (default 25 tabular §3.2, 200 images §3.1, 20 speech §3.3, 350 graphs §3.4).")
    public var epochs: Int?
    @Option(help: "Batch size (default 100, §3.1–3.3; 32 for graphs, Xu et al.).")
    public var batchSize: Int?
    @Option(help: "Optimizer: adam, adamw or sgd (default sgd for images §3.1, adam otherwise §3.2–3.4).")
    public var optimizer: OptimizerKind?
    @Option(parsing: .unconditional, help: "Learning rate (default 0.1 for SGD §3.1, 1e-3 for Adam/AdamW §3.2–3.3, 0.01 for graphs §3.4).")
    public var lr: Double?
    @Option(parsing: .unconditional, help: "SGD momentum (default 0.9).")
    public var momentum: Double?
    /// `--[no-]nesterov`: Nesterov momentum for SGD.
    @Flag(inversion: .prefixedNo, help: "Nesterov momentum (SGD).")
    public var nesterov = false
    @Option(parsing: .unconditional, help: "Weight decay (L2 for SGD/Adam, decoupled for AdamW; default 1e-4 for images, 0.01 for AdamW, else 0).")
    public var weightDecay: Double?
    @Option(help: "Learning-rate schedule: constant | step:E1,E2[:factor] | cosine:WARMUP_EPOCHS (default step:100,150 for images §3.1, step:50,100,…:0.5 for graphs §3.4, else constant).")
    public var schedule: ScheduleArgument?
    @Flag(inversion: .prefixedNo, help: "Random crop (pad 4) and horizontal flip of images (default on for CIFAR).")
    public var augment: Bool?
    @Option(help: "Loss: cross-entropy (softmax) or logistic (sigmoid; one output for two classes).")
    public var loss: ClassificationLoss = .crossEntropy
    @Option(help: "Mixup partner: permutation (of the batch) or second-loader (the paper's listing; not for graphs).")
    public var partner: PartnerSelection = .permutation
    @Option(help: "MixupE clean pass: automatic, batched or separate.")
    public var cleanPass: CleanPass = .automatic
    @Option(help: "Keep an exponential moving average of the weights with this decay per step (e.g. 0.999), evaluated and checkpointed beside the raw weights, as timm's --model-ema.")
    public var ema: Double?
    @Option(help: "Compute threads for OpenBLAS and the convolution/pooling kernels (results are reproducible for a fixed count).")
    public var threads: Int = 1
    @Option(help: "OpenBLAS threads, if they should differ from --threads (for LeNet-sized models 1 is faster).")
    public var blasThreads: Int?
    @Flag(inversion: .prefixedNo, help: "Write TensorBoard event files in the run directory.")
    public var tensorboard = true

    public init() {}

    /// The run configuration for `method` and `seed` on `dataset`'s domain; throws for settings
    /// that cannot train or that the domain cannot use.
    func configuration(method: Method, seed: UInt64, dataset: DatasetKind,
                       defaults: CommandDefaults = CommandDefaults()) throws -> TrainingConfiguration {
        let domain = dataset.domain
        var c = TrainingConfiguration()
        c.method = method
        c.seed = seed
        c.regularizer = regularizer ?? ApproximateQ.name
        c.regularizerOptions = regularizerOptions?.text ?? ""
        c.alpha = alpha ?? (domain == .speech ? 0.2 : 1.0)
        c.eta = eta ?? 0.01
        c.epochs = epochs ?? defaults.epochs ?? [.images: 200, .speech: 20, .graphs: 350][domain] ?? 25
        c.batchSize = batchSize ?? (domain == .graphs ? 32 : 100)
        c.partner = partner
        c.cleanPass = cleanPass
        c.threads = threads
        c.blasThreads = blasThreads
        c.loss = loss
        c.ema = ema
        if let lr, !(lr > 0 && lr.isFinite) { throw ValidationError("--lr must be positive and finite, got \(lr)") }
        let kind = optimizer ?? (domain == .images ? .sgd : .adam)
        if kind != .sgd && (momentum != nil || nesterov) {
            throw ValidationError("--momentum and --nesterov apply to --optimizer sgd, not \(kind.rawValue)")
        }
        switch kind {
        case .adam: c.optimizer = .adam(learningRate: lr ?? (domain == .graphs ? 0.01 : 1e-3), weightDecay: weightDecay ?? 0)
        case .adamw: c.optimizer = .adamW(learningRate: lr ?? 1e-3, weightDecay: weightDecay ?? 0.01)
        case .sgd: c.optimizer = .sgd(learningRate: lr ?? 0.1, momentum: momentum ?? 0.9, nesterov: nesterov,
                                      weightDecay: weightDecay ?? (domain == .images ? 1e-4 : 0))
        }
        let defaultSchedule: ScheduleArgument = domain == .images ? .step(epochs: [100, 150], factor: 0.1)
            : domain == .graphs ? .step(epochs: Array(stride(from: 50, through: 350, by: 50)), factor: 0.5) : .constant
        c.schedule = (schedule ?? defaultSchedule).resolved(epochs: c.epochs)
        if augment == true && domain != .images {
            throw ValidationError("--augment applies to image datasets (--dataset \(dataset.rawValue))")
        }
        if partner == .secondLoader && domain == .graphs {
            throw ValidationError("--partner second-loader: readout mixing pairs graphs within a batch")
        }
        if method.regularized {
            _ = try RegularizerRegistry.make(c.regularizer, options: regularizerOptions?.options ?? RegularizerOptions())
        }
        do { try c.validate() } catch let error as TrainingError { throw ValidationError("\(error)") }
        return c
    }

    /// Whether image batches are augmented (random crop and flip; default on for CIFAR).
    func augments(_ dataset: DatasetKind) -> Bool { augment ?? (dataset == .cifar10 || dataset == .cifar100) }
}

/// The data, model and training groups together: every training command resolves them the
/// same way into a `RunSpec`.
struct ExperimentOptions {
    var data: DataOptions
    var model: ModelOptions
    var training: TrainingOptions

    /// Resolves every setting without loading data, so bad options are reported while parsing,
    /// with the subcommand's usage. A command that trains one method (`single`) refuses options
    /// that method would ignore: the regularizer and η without a penalty, α without mixing or penalty.
    func validate(method: Method, single: Bool = true, defaults: CommandDefaults = CommandDefaults()) throws {
        if single && !method.regularized {
            for (option, given) in [("--regularizer", training.regularizer != nil),
                                    ("--regularizer-options", training.regularizerOptions != nil), ("--eta", training.eta != nil)]
            where given {
                throw ValidationError("\(option) applies to the +R methods (erm+r, mixupe), not --method \(method.rawValue)")
            }
        }
        if single && method == .erm && training.alpha != nil {
            throw ValidationError("--alpha applies to methods that mix or are regularized, not --method erm")
        }
        try CommandRecording.checkFiniteReals(data, model, training)
        try data.checkApplicability()
        _ = try training.configuration(method: method, seed: 0, dataset: data.dataset, defaults: defaults)
        _ = try model.spec(for: data.dataset.domain, defaultActivation: defaults.activation ?? .relu)
    }

    /// Loads the data and resolves model and training settings for `method` and `seed`.
    func spec(method: Method, seed: UInt64, defaults: CommandDefaults = CommandDefaults()) throws -> RunSpec {
        let configuration = try training.configuration(method: method, seed: seed, dataset: data.dataset, defaults: defaults)
        let model = try self.model.spec(for: data.dataset.domain, defaultActivation: defaults.activation ?? .relu)
        try data.checkApplicability()
        let loaded = try data.load()
        print(loaded.summary)
        var spec = RunSpec(data: loaded, model: model, configuration: configuration)
        spec.augments = training.augments(data.dataset)
        spec.foldCount = data.folds ?? 10
        spec.splitSeed = data.splitSeed
        spec.writesTensorBoard = training.tensorboard
        return spec
    }

    /// The fold a single-run command studies (0-based; graphs default to the first).
    var studiedFold: Int? { data.dataset.domain == .graphs ? (data.fold ?? 1) - 1 : nil }
}
