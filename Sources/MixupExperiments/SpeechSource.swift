import Foundation
import MixupCore
import MixupTraining
import SpeechData

/// A speech dataset of WAV files (Free Spoken Digit Dataset, Google Speech Commands) turned into
/// normalized log spectrograms `[N, 1, 160, 101]` (the paper's §3.3 preprocessing), cached on disk.
public struct SpeechSource {
    /// Which layout to read.
    public enum Kind: String, CaseIterable, Sendable {
        /// Free Spoken Digit Dataset: `recordings/<digit>_<speaker>_<n>.wav`.
        case fsdd
        /// Google Speech Commands: one folder per word, with its validation and testing lists.
        case speechCommands = "speech-commands"
    }
    /// Which layout `directory` has.
    public var kind: Kind
    /// FSDD's folder (with `recordings/`) or Speech Commands' root.
    public var directory: String
    /// Where computed spectrograms are cached (nil: no cache). Defaults to `SpectrogramCache.defaultDirectory()`
    /// (`$XDG_CACHE_HOME/mixuplab/spectrograms`, else `~/.cache/mixuplab/spectrograms`), not the working directory.
    public var cacheDirectory: String? = SpectrogramCache.defaultDirectory().path
    /// Seed of FSDD's validation hold-out.
    public var splitSeed: UInt64 = 0
    /// `--validation-size` for FSDD (default: 10 % of the training recordings); Speech Commands uses its
    /// official `validation_list.txt`, so setting it there is an error.
    public var validationSize: ValidationSize?

    /// A source reading `directory` as `kind`, with the default cache and split seed 0.
    public init(kind: Kind, directory: String) {
        self.kind = kind
        self.directory = directory
    }

    /// Decodes, resamples to 16 kHz, computes spectrograms (or reads them from the cache) and splits.
    public func load() throws -> LoadedSplits {
        let url = URL(fileURLWithPath: directory)
        let split: SpeechSplit
        switch kind {
        case .fsdd:
            var rng = SeededGenerator(seed: splitSeed)
            switch validationSize {
            case nil: split = try FSDDLayout.split(directory: url, using: &rng)
            case .fraction(let f)?: split = try FSDDLayout.split(directory: url, validationFraction: f, using: &rng)
            case .count(let n)?: split = try FSDDLayout.split(directory: url, validationCount: n, using: &rng)
            }
        case .speechCommands:
            if let validationSize {
                throw ExperimentError("--validation-size \(validationSize): Speech Commands has an official validation split "
                                      + "(validation_list.txt in \(directory)); the option applies to fsdd, images and tabular data")
            }
            split = try SpeechCommandsLayout.split(root: url)
        }
        let preprocessor = try SpeechPreprocessor(cacheDirectory: cacheDirectory.map { URL(fileURLWithPath: $0) })
        func convert(_ files: [LabeledAudioFile]) throws -> ClassificationData<Float> {
            let line = ProgressLine(label: "\(kind.rawValue) spectrograms", total: files.count, unit: "files")
            defer { line.clear() }
            let d = try SpeechDataset(files: files, classNames: split.classNames, preprocessor: preprocessor) { done, _ in
                line.update(done: done, items: done)
            }
            return ClassificationData(features: Tensor(shape: [d.labels.count, 1, d.height, d.width], scalars: d.features),
                                      labels: d.labels, classCount: split.classNames.count)
        }
        return LoadedSplits(name: kind.rawValue, train: try convert(split.train), validation: try convert(split.validation),
                            test: try convert(split.test), classNames: split.classNames,
                            preparation: .speech(SpeechPreparation(kind.rawValue, preprocessor)))
    }
}
