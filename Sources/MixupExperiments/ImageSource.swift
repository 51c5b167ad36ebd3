import Foundation
import ImageData
import MixupCore
import MixupTraining

/// An image dataset in its original files (Fashion-MNIST/MNIST IDX, CIFAR-10/100 binaries),
/// turned into normalized train/validation/test `ClassificationData` `[N, C, H, W]`.
public struct ImageSource {
    /// Which layout to read.
    public enum Kind: String, CaseIterable, Sendable {
        case fashionMNIST = "fashion-mnist", mnist, cifar10, cifar100
    }
    public var kind: Kind
    /// The folder holding the files (e.g. `../shared/data/images/fashion-mnist`, `cifar-10-batches-bin`).
    public var directory: String
    /// Training images held out for validation (seeded, from the end of a shuffled order): the paper's 5,000.
    public var validationCount: Int = 5000
    /// `--validation-size`: overrides `validationCount` when set (a count or a fraction of the training images).
    public var validationSize: ValidationSize?
    /// Budget of decompressed bytes per gzip IDX file (nil: `IDXReader`'s default, max(256 MiB, 64 × compressed)).
    public var maximumDecompressedBytes: Int?
    /// Seed of the validation hold-out.
    public var splitSeed: UInt64 = 0

    public init(kind: Kind, directory: String) {
        self.kind = kind
        self.directory = directory
    }

    /// Reads, normalizes per channel with training statistics only, and splits.
    public func load() throws -> LoadedSplits {
        let url = URL(fileURLWithPath: directory)
        let train: ImageDataset, test: ImageDataset
        switch kind {
        case .fashionMNIST, .mnist:
            (train, test) = try MNISTLoader.loadTrainAndTest(directory: url, maximumDecompressedBytes: maximumDecompressedBytes)
        case .cifar10:
            train = try CIFARLoader.loadCIFAR10(directory: url, split: .train)
            test = try CIFARLoader.loadCIFAR10(directory: url, split: .test)
        case .cifar100:
            train = try CIFARLoader.loadCIFAR100(directory: url, split: .train)
            test = try CIFARLoader.loadCIFAR100(directory: url, split: .test)
        }
        let validationCount = validationSize?.count(outOf: train.count) ?? self.validationCount
        guard validationCount >= 0 && validationCount < train.count else {
            let given = validationSize.map { "--validation-size \($0)" } ?? "the default validation hold-out of \(validationCount) images"
            throw ExperimentError("\(directory): \(given) leaves no training images (there are \(train.count)); "
                                  + "choose a smaller --validation-size (a count, or a fraction such as 0.1)")
        }
        var rng = SeededGenerator(seed: splitSeed)
        let order = rng.permutation(train.count)
        let trainIdx = Array(order[validationCount...]).sorted()
        let valIdx = Array(order[..<validationCount]).sorted()
        let all = convert(train)
        let trainPart = all.subset(trainIdx), valPart = all.subset(valIdx)
        let (mean, std) = channelStatistics(trainPart)
        func normalize(_ d: ClassificationData<Float>) -> ClassificationData<Float> {
            ClassificationData(features: (d.features - mean) / std, labels: d.labels, classCount: d.classCount)
        }
        let classNames = train.classNames ?? (0..<train.classCount).map(String.init)
        return LoadedSplits(name: kind.rawValue, train: normalize(trainPart), validation: normalize(valPart),
                            test: normalize(convert(test)), classNames: classNames,
                            preparation: .images(ImagePreparation(dataset: kind.rawValue, channelMean: mean.scalars,
                                                                  channelStd: std.scalars)))
    }

    private func convert(_ d: ImageDataset) -> ClassificationData<Float> {
        ClassificationData(features: Tensor(shape: [d.count, d.channels, d.height, d.width], scalars: d.pixels),
                           labels: d.labels, classCount: d.classCount)
    }
}

/// Per-channel mean and standard deviation of `[N, C, H, W]` data, shaped `[1, C, 1, 1]`.
func channelStatistics(_ d: ClassificationData<Float>) -> (mean: Tensor<Float>, std: Tensor<Float>) {
    let s = d.features.shape
    let perChannel = d.features.reshaped([s[0], s[1], s[2] * s[3]]).sum(alongAxis: 2).sum(alongAxis: 0)
    let n = Float(s[0] * s[2] * s[3])
    let mean = perChannel * (1 / n)
    let centered = d.features - mean.reshaped([1, s[1], 1, 1])
    let variance = (centered * centered).reshaped([s[0], s[1], s[2] * s[3]]).sum(alongAxis: 2).sum(alongAxis: 0) * (1 / n)
    let std = variance.map(.sqrt).scalars.map { $0 > 0 ? $0 : 1 }
    return (mean.reshaped([1, s[1], 1, 1]), Tensor(shape: [1, s[1], 1, 1], scalars: std))
}
