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

    public init(path: String, testPath: String? = nil, splitSeed: UInt64 = 0) {
        self.path = path
        self.testPath = testPath
        self.splitSeed = splitSeed
    }

    /// The preprocessed splits (one-hot categorical features, mean/mode imputation and
    /// standardization fitted on the training split only, as in the paper's §3.2).
    public func load() throws -> LoadedSplits {
        let url = URL(fileURLWithPath: path)
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw ExperimentError("data file not found: \(path)")
        }
        let format = TabularFileFormat.detect(url)
        let table = try format.read(url)
        var rng = SeededGenerator(seed: splitSeed)
        let splits: TabularSplits
        if let testPath {
            let testURL = URL(fileURLWithPath: testPath)
            let test = try TabularFileFormat.detect(testURL).read(testURL, matching: table.schema)
            splits = try TabularPipeline.makeSplits(train: table, test: test, rareClasses: .keepInTraining, using: &rng)
        } else {
            splits = try TabularPipeline.makeSplits(table, fractions: fractions, rareClasses: .keepInTraining, using: &rng)
        }
        // A model cannot be built on zero features, and one class has nothing to classify: say so
        // with the file's name instead of trapping later (e.g. a ';'-separated file read as one column).
        guard splits.train.featureCount >= 1 else {
            throw ExperimentError("\(path): no feature columns after the class column was taken "
                                  + "(is the file comma-separated with the class in the last column?)")
        }
        let presentClasses = Set(splits.train.labels).count
        guard presentClasses >= 2 else {
            throw ExperimentError("\(path): the training split has \(presentClasses) class; classification needs at least 2")
        }
        func convert(_ d: TabularDataset) -> ClassificationData<Float> {
            ClassificationData(features: Tensor(shape: [d.count, d.featureCount], scalars: d.features),
                               labels: d.labels, classCount: d.classNames.count)
        }
        return LoadedSplits(name: url.deletingPathExtension().lastPathComponent,
                            train: convert(splits.train), validation: convert(splits.validation),
                            test: convert(splits.test), classNames: splits.train.classNames,
                            preparation: .tabular(splits.encoder))
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
