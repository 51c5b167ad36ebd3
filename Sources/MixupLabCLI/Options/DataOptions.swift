import ArgumentParser
import Foundation
import MixupCore
import MixupExperiments
import MixupTraining
import GraphData

/// The datasets the command line can read; each domain has the paper's defaults.
public enum DatasetKind: String, CaseIterable, ExpressibleByArgument, Sendable {
    case tabular, fashionMNIST = "fashion-mnist", mnist, cifar10, cifar100, fsdd, speechCommands = "speech-commands", tu

    /// The four domains of the paper's experiments.
    public enum Domain: String, Sendable { case tabular, images, speech, graphs }

    /// This dataset's domain.
    public var domain: Domain {
        switch self {
        case .tabular: return .tabular
        case .fashionMNIST, .mnist, .cifar10, .cifar100: return .images
        case .fsdd, .speechCommands: return .speech
        case .tu: return .graphs
        }
    }
}

/// Where the data comes from and how it is split: the same group on every command that trains.
public struct DataOptions: ParsableArguments {
    @Option(name: .customLong("dataset"), help: "Dataset: tabular (--data FILE), fashion-mnist, mnist, cifar10, cifar100 (--data-dir), fsdd, speech-commands (--data-dir), tu (a TU graph folder as --data). Default: tu when --data is a folder, else tabular.")
    public var datasetOption: DatasetKind?
    @Option(help: "Tabular file (KEEL/UCI .dat or .csv with the class last, abalone.data, .arff; default Data/cmc/contraceptive.dat) or TU graph folder (e.g. ../shared/data/graphs/MUTAG).")
    public var data: String?
    @Option(help: "Separate tabular test file (e.g. segment-test.arff); default: a stratified 70/15/15 split of --data.")
    public var testData: String?
    @Option(help: "Folder of an image or speech dataset (default for fashion-mnist and fsdd: ../shared/data/…).")
    public var dataDir: String?
    @Option(help: "Speech: where computed spectrograms are cached (default $XDG_CACHE_HOME/mixuplab/spectrograms, else ~/.cache/mixuplab/spectrograms).")
    public var cacheDir: String?
    @Option(help: "Seed of the data split, validation hold-out and graph folds.")
    public var splitSeed: UInt64 = 0
    @Option(help: "Train on a seeded random subset of N training samples (quick runs; not for graphs).")
    public var trainLimit: Int?
    @Option(help: "Graphs: number of stratified folds (default 10).")
    public var folds: Int?
    @Option(help: "Graphs: run only this fold (1-based; default all).")
    public var fold: Int?
    /// `--validation-size N|F`: examples held out for validation (count or fraction; 0 = none).
    @Option(help: "Examples held out of training for validation: a count (500) or a fraction (0.1); 0 = no validation split; tabular hold-outs are stratified, so a count is met up to rounding per class. Default: 15 % (tabular), 5,000 (images, as in the paper), 10 % (fsdd); speech-commands uses its official list; not for graphs.")
    public var validationSize: String?
    /// `--delimiter`, `--max-features`, `--max-one-hot`, `--max-decompressed-bytes`: how files are read
    /// and the budgets they are read under (shared with `evaluate`/`predict`).
    @OptionGroup public var reading: InputReadingOptions

    public init() {}

    /// The dataset kind: as given, or inferred from --data (a folder is a TU graph dataset).
    public var dataset: DatasetKind {
        get {
            if let datasetOption { return datasetOption }
            var isDirectory: ObjCBool = false
            if let data, FileManager.default.fileExists(atPath: data, isDirectory: &isDirectory), isDirectory.boolValue {
                return .tu
            }
            return .tabular
        }
        set { datasetOption = newValue }
    }

    /// Throws for options the chosen dataset cannot use (they would otherwise be silently ignored).
    func checkApplicability() throws {
        let domain = dataset.domain
        func refuse(_ option: String, _ why: String) throws { throw ValidationError("\(option) \(why) (--dataset \(dataset.rawValue))") }
        if testData != nil && domain != .tabular { try refuse("--test-data", "applies to tabular data only") }
        if data != nil && domain != .tabular && domain != .graphs { try refuse("--data", "names a tabular file or a TU folder; use --data-dir") }
        if dataDir != nil && (domain == .tabular || domain == .graphs) { try refuse("--data-dir", "applies to image and speech datasets; use --data") }
        if cacheDir != nil && domain != .speech { try refuse("--cache-dir", "applies to speech datasets only") }
        if trainLimit != nil && domain == .graphs { try refuse("--train-limit", "does not apply to graph cross-validation") }
        if (folds != nil || fold != nil) && domain != .graphs { try refuse("--folds/--fold", "apply to graph datasets only") }
        if let trainLimit, trainLimit < 1 { throw ValidationError("--train-limit must be ≥ 1, got \(trainLimit)") }
        if validationSize != nil && domain == .graphs { try refuse("--validation-size", "does not apply to graph cross-validation (it has no validation split)") }
        try reading.checkApplicability(domain: domain, dataset: dataset.rawValue, context: "--dataset \(dataset.rawValue)")
        _ = try parsedValidationSize()
        if let folds, folds < 2 { throw ValidationError("--folds must be ≥ 2, got \(folds)") }
        if let fold, fold < 1 || fold > (folds ?? 10) {
            throw ValidationError("--fold must be in 1…\(folds ?? 10), got \(fold)")
        }
    }

    /// `--validation-size` parsed (nil when absent).
    public func parsedValidationSize() throws -> ValidationSize? {
        guard let validationSize else { return nil }
        do { return try ValidationSize(parsing: validationSize) } catch { throw ValidationError("\(error)") }
    }

    /// A warning when `--test-data` holds the same bytes as `--data` (the same file, or a copy): every
    /// test row is then a training or validation row, so "test accuracy" measures fit, not generalisation.
    public static func sameContentWarning(data: String, testData: String) -> String? {
        guard FileManager.default.contentsEqual(atPath: data, andPath: testData) else { return nil }
        return "warning: --test-data \(testData) has the same content as --data \(data): the test rows are the "
            + "training rows, so test accuracy measures fit, not generalisation"
    }

    /// Reads the dataset and checks it is usable (see `LoadedSplits.validate`) before any model is built.
    public func load() throws -> ExperimentData {
        try checkApplicability()
        var loaded: LoadedSplits
        let validation = try parsedValidationSize()
        let reading = try self.reading.inputReading()
        switch dataset {
        case .tu:
            guard let data else { throw ValidationError("--dataset tu needs --data DIR (a TU dataset folder, e.g. ../shared/data/graphs/MUTAG)") }
            var options = TUDatasetOptions()
            options.maximumOneHotWidth = reading.maximumOneHotWidth
            let source = try GraphDatasetSource(directory: URL(fileURLWithPath: data), options: options)
            guard source.classCount >= 2 else {
                throw ExperimentError("\(data): all \(source.graphCount) graphs carry one class label; classification needs at least 2")
            }
            return .graphs(source)
        case .tabular:
            let path = data ?? "Data/cmc/contraceptive.dat"
            if let testData, let warning = Self.sameContentWarning(data: path, testData: testData) { print(warning) }
            var source = TabularSource(path: path, testPath: testData, splitSeed: splitSeed)
            source.validationSize = validation
            source.delimiter = reading.delimiter
            source.maximumFeatureCount = reading.maximumFeatureCount
            loaded = try source.load()
        case .fashionMNIST, .mnist, .cifar10, .cifar100:
            let kind: ImageSource.Kind = dataset == .fashionMNIST ? .fashionMNIST : dataset == .mnist ? .mnist
                : dataset == .cifar10 ? .cifar10 : .cifar100
            var source = ImageSource(kind: kind, directory: try directory(default: dataset == .fashionMNIST ? "../shared/data/images/fashion-mnist" : nil))
            source.splitSeed = splitSeed
            source.validationSize = validation
            source.maximumDecompressedBytes = reading.maximumDecompressedBytes
            loaded = try source.load()
        case .fsdd, .speechCommands:
            var source = SpeechSource(kind: dataset == .fsdd ? .fsdd : .speechCommands,
                                      directory: try directory(default: dataset == .fsdd ? "../shared/data/speech/fsdd" : nil))
            source.splitSeed = splitSeed
            if let cacheDir { source.cacheDirectory = cacheDir }
            source.validationSize = validation
            loaded = try source.load()
        }
        if let trainLimit {
            // A seeded random subset: files are often ordered by class, so a prefix would be one-sided.
            var rng = SeededGenerator(seed: splitSeed &+ 0x7A11)
            let chosen = rng.permutation(loaded.train.count).prefix(trainLimit).sorted()
            loaded.train = loaded.train.subset(Array(chosen))
        }
        if loaded.origin == nil { loaded.origin = dataDir ?? data }
        try loaded.validate(validationMayBeEmpty: validation?.isZero == true)
        return .splits(loaded)
    }

    private func directory(default value: String?) throws -> String {
        guard let dir = dataDir ?? value else {
            throw ValidationError("--dataset \(dataset.rawValue) needs --data-dir PATH (the dataset's original files)")
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dir, isDirectory: &isDirectory) else {
            throw ValidationError("--data-dir \(dir): no such directory")
        }
        guard isDirectory.boolValue else {
            throw ValidationError("--data-dir \(dir) is a file; give the folder holding the \(dataset.rawValue) files")
        }
        return dir
    }
}
