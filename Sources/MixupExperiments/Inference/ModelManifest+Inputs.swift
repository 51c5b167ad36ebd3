import Foundation
import ImageData
import MixupCore
import SpeechData
import GraphData
import TabularData

extension ModelManifest {
    /// Reads new data at `path` and prepares it as the model's training data was prepared, refusing
    /// data whose columns, shape or classes differ from the checkpoint's. `dataset` overrides the
    /// recorded layout within the same domain (e.g. `mnist` for a Fashion-MNIST model);
    /// `split` chooses image/speech files; `cacheDirectory` caches spectrograms; `reading` gives the tabular
    /// delimiter and the budgets files are read under, as in training.
    public func loadInputs(path: String, dataset: String? = nil, split: InferenceSplit? = nil,
                           cacheDirectory: String? = nil, reading: InputReading = InputReading()) throws -> LabelledInputs {
        guard FileManager.default.fileExists(atPath: path) else { throw ExperimentError("\(path): no such file or folder") }
        switch input {
        case let .tabular(encoder):
            if let split, split != .all {
                throw ExperimentError("--split \(split.rawValue) applies to image and speech folders; a tabular file is read whole")
            }
            return try loadTabular(path: path, encoder: encoder, reading: reading)
        case let .images(preparation):
            return try loadImages(path: path, preparation: preparation, dataset: dataset ?? preparation.dataset, split: split ?? .test,
                                  maximumDecompressedBytes: reading.maximumDecompressedBytes)
        case let .speech(preparation):
            return try loadSpeech(path: path, preparation: preparation, dataset: dataset ?? preparation.dataset,
                                  split: split ?? .test, cacheDirectory: cacheDirectory)
        case let .graphs(preparation):
            if let split, split != .all {
                throw ExperimentError("--split \(split.rawValue) applies to image and speech folders; a TU dataset is read whole")
            }
            return try loadGraphs(path: path, preparation: preparation, maximumOneHotWidth: reading.maximumOneHotWidth)
        case .none:
            throw ExperimentError("this checkpoint's model was trained on features built in code (no recorded input preparation), "
                                  + "so new data cannot be prepared for it")
        }
    }

    private func loadTabular(path: String, encoder: FeatureEncoder, reading: InputReading) throws -> LabelledInputs {
        let url = URL(fileURLWithPath: path)
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw ExperimentError("\(path) is a folder; this checkpoint's model reads a tabular file (--data FILE)")
        }
        let table = try reading.tabularFormat(of: url).read(url, matching: encoder.schema)
        let encoded = try encoder.encode(table)
        guard encoded.featureCount == inputShape.reduce(1, *) else {
            throw ExperimentError("\(path): encodes to \(encoded.featureCount) features, the model reads \(inputShape.reduce(1, *))")
        }
        guard encoded.classNames == classNames else {
            throw ExperimentError("\(path): classes \(encoded.classNames) differ from the checkpoint's \(classNames)")
        }
        return LabelledInputs(features: Tensor(shape: [encoded.count, encoded.featureCount], scalars: encoded.features),
                              labels: encoded.labels, sampleNames: table.lineNumbers.map { "\(url.lastPathComponent):\($0)" },
                              source: path)
    }

    private func loadGraphs(path: String, preparation: GraphPreparation, maximumOneHotWidth: Int) throws -> LabelledInputs {
        guard let featureSource = NodeFeatureSource(rawValue: preparation.featureSource) else {
            throw ExperimentError("unknown node-feature source '\(preparation.featureSource)' in the checkpoint")
        }
        let source = try GraphDatasetSource(directory: URL(fileURLWithPath: path),
                                            options: TUDatasetOptions(nodeFeatures: featureSource, maxDegree: preparation.maxDegree,
                                                                      maximumOneHotWidth: maximumOneHotWidth))
        let d = source.dataset
        guard d.nodeLabelValues == preparation.nodeLabelValues else {
            throw ExperimentError("\(path): node labels \(d.nodeLabelValues) differ from the checkpoint's \(preparation.nodeLabelValues), "
                                  + "so their one-hot features would mean other things")
        }
        guard d.classValues == preparation.classValues else {
            throw ExperimentError("\(path): graph classes \(d.classValues) differ from the checkpoint's \(preparation.classValues)")
        }
        guard d.featureCount == preparation.featureCount, [d.featureCount] == inputShape else {
            throw ExperimentError("\(path): graphs have \(d.featureCount) node features, the checkpoint's GIN reads \(inputShape)")
        }
        return LabelledInputs(features: Tensor(zeros: [0]), labels: d.labels, sampleNames: (0..<d.graphCount).map { "graph\($0 + 1)" },
                              source: path, graphs: source)
    }

    private func loadImages(path: String, preparation: ImagePreparation, dataset: String, split: InferenceSplit,
                            maximumDecompressedBytes: Int?) throws -> LabelledInputs {
        guard let kind = ImageSource.Kind(rawValue: dataset) else {
            throw ExperimentError("--dataset \(dataset) is not an image layout; this checkpoint's model reads images "
                                  + "(\(ImageSource.Kind.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        let url = URL(fileURLWithPath: path)
        func load(_ part: ImageDatasetSplit) throws -> ImageDataset {
            switch kind {
            case .fashionMNIST, .mnist:
                return try MNISTLoader.load(directory: url, split: part, maximumDecompressedBytes: maximumDecompressedBytes)
            case .cifar10: return try CIFARLoader.loadCIFAR10(directory: url, split: part)
            case .cifar100: return try CIFARLoader.loadCIFAR100(directory: url, split: part)
            }
        }
        let parts: [ImageDatasetSplit] = split == .test ? [.test] : split == .train ? [.train] : [.train, .test]
        var pixels: [Float] = [], labels: [Int] = [], names: [String] = []
        for part in parts {
            let d = try load(part)
            let shape = [d.channels, d.height, d.width]
            guard shape == inputShape else {
                throw ExperimentError("\(path) (\(part.rawValue) images): images are \(shape.map(String.init).joined(separator: "×")), "
                                      + "the checkpoint's model reads \(inputShape.map(String.init).joined(separator: "×"))")
            }
            guard d.classCount <= classNames.count else {
                throw ExperimentError("\(path) (\(part.rawValue) images): \(d.classCount) classes, the checkpoint knows \(classNames.count)")
            }
            if let names = d.classNames, names != Array(classNames.prefix(names.count)) {
                throw ExperimentError("\(path): class names \(names) differ from the checkpoint's \(classNames)")
            }
            guard preparation.channelMean.count == d.channels, preparation.channelStd.count == d.channels else {
                throw ExperimentError("\(path): the checkpoint records statistics for \(preparation.channelMean.count) channels, the images have \(d.channels)")
            }
            let plane = d.height * d.width
            var normalized = d.pixels
            for i in 0..<d.count {
                for c in 0..<d.channels {
                    let base = (i * d.channels + c) * plane, mean = preparation.channelMean[c], std = preparation.channelStd[c]
                    for j in base..<(base + plane) { normalized[j] = (normalized[j] - mean) / std }
                }
            }
            pixels += normalized
            labels += d.labels
            names += (0..<d.count).map { "\(part.rawValue)#\($0)" }
        }
        return LabelledInputs(features: Tensor(shape: [labels.count] + inputShape, scalars: pixels), labels: labels,
                              sampleNames: names, source: path)
    }

    private func loadSpeech(path: String, preparation: SpeechPreparation, dataset: String, split: InferenceSplit,
                            cacheDirectory: String?) throws -> LabelledInputs {
        guard let kind = SpeechSource.Kind(rawValue: dataset) else {
            throw ExperimentError("--dataset \(dataset) is not a speech layout; this checkpoint's model reads spectrograms "
                                  + "(\(SpeechSource.Kind.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        let url = URL(fileURLWithPath: path)
        let layout: SpeechSplit
        switch kind {
        case .fsdd:
            var rng = SeededGenerator(seed: 0)   // the hold-out only decides train vs validation, which are read together
            layout = try FSDDLayout.split(directory: url, using: &rng)
        case .speechCommands:
            layout = try SpeechCommandsLayout.split(root: url)
        }
        guard layout.classNames == classNames else {
            throw ExperimentError("\(path): classes \(layout.classNames) differ from the checkpoint's \(classNames)")
        }
        let files: [LabeledAudioFile]
        switch split {
        case .test: files = layout.test
        case .train: files = layout.train + layout.validation
        case .all: files = layout.train + layout.validation + layout.test
        }
        let cache = URL(fileURLWithPath: cacheDirectory ?? SpectrogramCache.defaultDirectory().path)
        let preprocessor = try preparation.makePreprocessor(cacheDirectory: cache)
        let d = try SpeechDataset(files: files, classNames: layout.classNames, preprocessor: preprocessor)
        let shape = [1, d.height, d.width]
        guard shape == inputShape else {
            throw ExperimentError("\(path): spectrograms are \(shape), the checkpoint's model reads \(inputShape)")
        }
        return LabelledInputs(features: Tensor(shape: [d.count] + shape, scalars: d.features), labels: d.labels,
                              sampleNames: d.files.map { "\($0.deletingLastPathComponent().lastPathComponent)/\($0.lastPathComponent)" },
                              source: path)
    }
}
