import Foundation

/// Loads MNIST and Fashion-MNIST from their IDX files (raw or gzip) into an `ImageDataset` of N×1×28×28 images
/// scaled to [0, 1].
public enum MNISTLoader {
    /// Fashion-MNIST's class names, indexed by label (Zalando Research's published order).
    public static let fashionMNISTClassNames = [
        "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
    ]

    /// Classes in MNIST and Fashion-MNIST.
    public static let classCount = 10

    /// Base file names (without `.gz`) of the images and labels of a split, as published.
    public static func fileNames(for split: ImageDatasetSplit) -> (images: String, labels: String) {
        let prefix = split == .train ? "train" : "t10k"
        return ("\(prefix)-images-idx3-ubyte", "\(prefix)-labels-idx1-ubyte")
    }

    /// Loads one split from `directory`, which holds the four published files, each either gzipped (`.gz`,
    /// preferred when both exist) or raw.
    /// `maximumDecompressedBytes` is the per-file budget of `IDXReader.read` (nil: its default).
    public static func load(directory: URL, split: ImageDatasetSplit,
                            classNames: [String]? = nil, maximumDecompressedBytes: Int? = nil) throws -> ImageDataset {
        let names = fileNames(for: split)
        let images = try locate(names.images, in: directory)
        let labels = try locate(names.labels, in: directory)
        return try load(imagesFile: images, labelsFile: labels, classNames: classNames,
                        maximumDecompressedBytes: maximumDecompressedBytes)
    }

    /// Loads both published splits from `directory` and refuses test images of another size than the training
    /// images, naming both files (a model built for one size cannot evaluate the other).
    public static func loadTrainAndTest(directory: URL, classNames: [String]? = nil,
                                        maximumDecompressedBytes: Int? = nil) throws -> (train: ImageDataset, test: ImageDataset) {
        let train = try load(directory: directory, split: .train, classNames: classNames,
                             maximumDecompressedBytes: maximumDecompressedBytes)
        let test = try load(directory: directory, split: .test, classNames: classNames,
                            maximumDecompressedBytes: maximumDecompressedBytes)
        if (test.channels, test.height, test.width) != (train.channels, train.height, train.width) {
            let testFile = try locate(fileNames(for: .test).images, in: directory)
            let trainFile = try locate(fileNames(for: .train).images, in: directory)
            throw ImageDataError(.shapeMismatch, file: testFile.path, byteOffset: 8,
                                 "test images are \(test.height)×\(test.width) but the training images in "
                                 + "\(trainFile.path) are \(train.height)×\(train.width); both splits must have one size")
        }
        return (train, test)
    }

    /// Loads images and labels from an explicit pair of IDX files; their counts must agree and the labels must
    /// lie in 0..<10. `maximumDecompressedBytes` is the per-file budget of `IDXReader.read` (nil: its default).
    public static func load(imagesFile: URL, labelsFile: URL, classNames: [String]? = nil,
                            maximumDecompressedBytes: Int? = nil) throws -> ImageDataset {
        let images = try IDXReader.read(imagesFile, maximumDecompressedBytes: maximumDecompressedBytes)
        guard images.dimensions.count == 3 else {
            throw ImageDataError(.shapeMismatch, file: imagesFile.path, byteOffset: 3,
                                 "expected a 3-dimensional image file (count×rows×columns), "
                                 + "found \(images.dimensions.count) dimensions")
        }
        let labels = try IDXReader.read(labelsFile, maximumDecompressedBytes: maximumDecompressedBytes)
        guard labels.dimensions.count == 1 else {
            throw ImageDataError(.shapeMismatch, file: labelsFile.path, byteOffset: 3,
                                 "expected a 1-dimensional label file, found \(labels.dimensions.count) dimensions")
        }
        let count = images.dimensions[0], height = images.dimensions[1], width = images.dimensions[2]
        guard labels.dimensions[0] == count else {
            throw ImageDataError(.shapeMismatch, file: labelsFile.path, byteOffset: 4,
                                 "\(labels.dimensions[0]) labels for the \(count) images in "
                                 + "\(imagesFile.lastPathComponent)")
        }
        guard height > 0, width > 0 else {
            throw ImageDataError(.shapeMismatch, file: imagesFile.path, byteOffset: 8,
                                 "image size \(height)×\(width) must be positive")
        }

        var labelValues = [Int](repeating: 0, count: count)
        try labels.values.withUnsafeBufferPointer { source in
            try labelValues.withUnsafeMutableBufferPointer { target in
                for i in 0..<count {
                    let label = Int(source[i])
                    guard label < classCount else {
                        throw ImageDataError(.labelOutOfRange, file: labelsFile.path,
                                             byteOffset: labels.dataOffset + i,
                                             decompressed: labels.wasGzipped,
                                             "label \(label) of image \(i) is outside 0..<\(classCount)")
                    }
                    target[i] = label
                }
            }
        }
        let pixels = scaledToUnitInterval(images.values)
        return try ImageDataset(pixels: pixels, labels: labelValues, channels: 1, height: height, width: width,
                                classCount: classCount, classNames: classNames)
    }

    /// Finds `name.gz` or `name` in `directory`, or throws naming both candidates.
    static func locate(_ name: String, in directory: URL) throws -> URL {
        let fm = FileManager.default
        for candidate in [name + ".gz", name] {
            let url = directory.appendingPathComponent(candidate)
            if fm.fileExists(atPath: url.path) { return url }
        }
        throw ImageDataError(.missingFile, file: directory.path,
                             "missing \(name).gz (or uncompressed \(name))")
    }
}

/// Converts bytes 0...255 to Floats in [0, 1] in one pass over raw buffers.
func scaledToUnitInterval(_ bytes: [UInt8]) -> [Float] {
    let maximum: Float = 255
    return [Float](unsafeUninitializedCapacity: bytes.count) { target, initialized in
        bytes.withUnsafeBufferPointer { source in
            for i in 0..<source.count { target[i] = Float(source[i]) / maximum }
        }
        initialized = bytes.count
    }
}
