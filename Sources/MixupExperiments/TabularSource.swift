import Foundation
import MixupCore
import MixupTraining
import TabularData

/// A UCI-style tabular dataset on disk and how to split it: the glue between the TabularData
/// adapter and the trainer's `ClassificationData`.
public struct TabularSource: Sendable {
    /// The data file (`.dat`/`.csv`, `abalone.data` or `.arff`).
    public var path: String
    /// A separate test file with the same layout, or nil for a stratified split of `path`.
    public var testPath: String?
    /// Seed of the stratified split (independent of the training seed).
    public var splitSeed: UInt64 = 0
    /// Train/validation/test fractions when there is no separate test file.
    public var fractions: SplitFractions = .standard
    /// `--validation-size`: a count or fraction of all rows held out for validation (the test share stays 15 %
    /// without a test file); nil keeps `fractions` (70/15/15) or 15 % of the training file beside a test file.
    public var validationSize: ValidationSize?
    /// Field separator of delimiter-separated files (`" "` = whitespace); nil detects it.
    public var delimiter: Character?
    /// Budget of columns per row and of encoded features (one-hot included), `--max-features`.
    public var maximumFeatureCount = DelimitedReadOptions.defaultMaximumColumnCount

    public init(path: String, testPath: String? = nil, splitSeed: UInt64 = 0) {
        self.path = path
        self.testPath = testPath
        self.splitSeed = splitSeed
    }

    /// The reading format of `url` with this source's delimiter and column budget applied (see `InputReading`).
    private func format(of url: URL) throws -> TabularFileFormat {
        try InputReading(delimiter: delimiter, maximumFeatureCount: maximumFeatureCount).tabularFormat(of: url)
    }

    /// The preprocessed splits (one-hot categorical features, mean/mode imputation and
    /// standardization fitted on the training split only, as in the paper's §3.2).
    public func load() throws -> LoadedSplits {
        let url = URL(fileURLWithPath: path)
        try Self.checkRegularFile(path)
        let table = try format(of: url).read(url)
        var rng = SeededGenerator(seed: splitSeed)
        let splits: TabularSplits
        let preprocessing = PreprocessingOptions(maximumFeatureCount: maximumFeatureCount)
        if let testPath {
            try Self.checkRegularFile(testPath)
            let testURL = URL(fileURLWithPath: testPath)
            let test = try format(of: testURL).read(testURL, matching: table.schema)
            var validationFraction = 0.15
            if let validationSize {
                validationFraction = Double(validationSize.count(outOf: table.rowCount)) / Double(table.rowCount)
                guard validationFraction < 1 else {
                    throw ExperimentError("\(path): --validation-size \(validationSize) leaves no training rows (the file has \(table.rowCount))")
                }
            }
            splits = try TabularPipeline.makeSplits(train: table, test: test, validationFraction: validationFraction,
                                                    rareClasses: .keepInTraining, preprocessing: preprocessing, using: &rng)
        } else {
            var fractions = self.fractions
            if let validationSize {
                let share = Double(validationSize.count(outOf: table.rowCount)) / Double(table.rowCount)
                guard share < 1 - fractions.test else {
                    throw ExperimentError("\(path): --validation-size \(validationSize) leaves no training rows "
                                          + "(\(table.rowCount) rows, \(Int(fractions.test * 100)) % of them for testing)")
                }
                fractions = try SplitFractions(train: 1 - fractions.test - share, validation: share, test: fractions.test)
            }
            splits = try TabularPipeline.makeSplits(table, fractions: fractions, rareClasses: .keepInTraining,
                                                    preprocessing: preprocessing, using: &rng)
        }
        // A model cannot be built on zero features, and one class has nothing to classify: say so
        // with the file's name instead of trapping later (e.g. a ';'-separated file read as one column).
        guard splits.train.featureCount >= 1 else {
            throw ExperimentError("\(path): no feature columns after the class column was taken "
                                  + "(is the class in the last column? is the delimiter right? see --delimiter)")
        }
        let presentClasses = Set(splits.train.labels).count
        guard presentClasses >= 2 else {
            throw ExperimentError("\(path): the training split has \(presentClasses) class; classification needs at least 2")
        }
        func convert(_ d: TabularDataset) -> ClassificationData<Float> {
            ClassificationData(features: Tensor(shape: [d.count, d.featureCount], scalars: d.features),
                               labels: d.labels, classCount: d.classNames.count)
        }
        var loaded = LoadedSplits(name: url.deletingPathExtension().lastPathComponent,
                                  train: convert(splits.train), validation: convert(splits.validation),
                                  test: convert(splits.test), classNames: splits.train.classNames,
                                  preparation: .tabular(splits.encoder))
        loaded.origin = path
        return loaded
    }

    /// Refuses a missing path or a directory given as a data file, naming it.
    static func checkRegularFile(_ path: String) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ExperimentError("data file not found: \(path)")
        }
        if isDirectory.boolValue {
            throw ExperimentError("\(path) is a directory, not a data file (for a TU graph folder use --dataset tu; "
                                  + "for image or speech folders use --data-dir)")
        }
    }
}

/// Train/validation/test data ready for the trainer.
public struct LoadedSplits {
    /// Short dataset name (file name without extension).
    public var name: String
    public var train: ClassificationData<Float>
    public var validation: ClassificationData<Float>
    public var test: ClassificationData<Float>
    public var classNames: [String]
    /// Where the data came from (file or folder), named in validation errors; defaults to `name`.
    public var origin: String?
    /// How raw inputs became these features (recorded in checkpoints for `evaluate`/`predict`).
    public var preparation: InputPreparation

    /// Splits from their parts (e.g. synthetic data in tests).
    public init(name: String, train: ClassificationData<Float>, validation: ClassificationData<Float>,
                test: ClassificationData<Float>, classNames: [String], preparation: InputPreparation = .none) {
        self.name = name
        self.preparation = preparation
        self.train = train
        self.validation = validation
        self.test = test
        self.classNames = classNames
    }

    /// One line describing sizes, for logs.
    public var summary: String {
        "\(name): \(train.count) train / \(validation.count) validation / \(test.count) test, "
            + "\(train.sampleShape.reduce(1, *)) features, \(train.classCount) classes"
    }
}

/// An experiment that cannot run (missing file, bad option).
public struct ExperimentError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
