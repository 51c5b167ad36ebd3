import Foundation

/// Speech features ready for a conv net: `count × 1 × height × width` row-major Float32 (frequency-major
/// spectrograms, 160 × 101 with the paper's settings) with integer labels.
public struct SpeechDataset {
    /// All feature maps, N × 1 × height × width, row-major.
    public var features: [Float]
    /// Class index per example, into `classNames`.
    public var labels: [Int]
    /// Class names; a label indexes this array.
    public var classNames: [String]
    /// Rows per feature map (frequency bins).
    public var height: Int
    /// Columns per feature map (time frames).
    public var width: Int
    /// Source file of each example, for tracing a prediction back to its audio.
    public var files: [URL]

    /// Number of examples.
    public var count: Int { labels.count }

    /// Creates a dataset from already computed parts (features must hold count × height × width floats).
    public init(features: [Float], labels: [Int], classNames: [String], height: Int, width: Int, files: [URL]) {
        self.features = features
        self.labels = labels
        self.classNames = classNames
        self.height = height
        self.width = width
        self.files = files
    }

    /// Decodes and preprocesses `files` (through the preprocessor's cache, if any) into one dataset.
    /// Throws the first file's error (WAVError with path and byte offset) or a label outside `classNames`.
    /// `progress`, if given, is called after each file with (files done, files in all).
    public init(files: [LabeledAudioFile], classNames: [String], preprocessor: SpeechPreprocessor,
                progress: ((Int, Int) -> Void)? = nil) throws {
        let per = preprocessor.featureCount
        var features = [Float]()
        features.reserveCapacity(files.count * per)
        var labels = [Int]()
        labels.reserveCapacity(files.count)
        for file in files {
            guard file.label >= 0 && file.label < classNames.count else {
                throw SpeechDataError(path: file.url.path,
                                      reason: "label \(file.label) is outside the \(classNames.count) classes")
            }
            features += try preprocessor.features(forFileAt: file.url)
            labels.append(file.label)
            progress?(labels.count, files.count)
        }
        self.init(features: features, labels: labels, classNames: classNames,
                  height: preprocessor.settings.height, width: preprocessor.settings.width,
                  files: files.map(\.url))
    }
}
