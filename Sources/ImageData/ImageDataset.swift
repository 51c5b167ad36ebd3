/// A labelled image classification dataset held in memory: pixels as Floats in NCHW order (images scaled to
/// [0, 1] by the loaders), one integer class label per image.
public struct ImageDataset {
    /// All images back to back, NCHW: image n, channel c, row y, column x is at ((n·C + c)·H + y)·W + x.
    public var pixels: [Float]
    /// Class index of each image, in `0..<classCount`.
    public var labels: [Int]
    /// Channels per image (1 grey, 3 RGB).
    public var channels: Int
    /// Image height in pixels.
    public var height: Int
    /// Image width in pixels.
    public var width: Int
    /// Number of classes the labels range over.
    public var classCount: Int
    /// Human-readable class names indexed by label, when the dataset provides them.
    public var classNames: [String]?

    /// Creates a dataset, checking that the pixel buffer and labels agree with the shape and class count.
    public init(pixels: [Float], labels: [Int], channels: Int, height: Int, width: Int, classCount: Int,
                classNames: [String]? = nil) throws {
        let shape = ImageShape(channels: channels, height: height, width: width)
        guard channels > 0, height > 0, width > 0, classCount > 0 else {
            throw ImageDataError(.invalidArgument, "image shape \(shape) and class count \(classCount) must be positive")
        }
        guard pixels.count == labels.count * shape.pixelCount else {
            throw ImageDataError(.shapeMismatch, "\(pixels.count) pixels do not make \(labels.count) images of \(shape)")
        }
        if let bad = labels.firstIndex(where: { $0 < 0 || $0 >= classCount }) {
            throw ImageDataError(.labelOutOfRange, "label \(labels[bad]) of image \(bad) is outside 0..<\(classCount)")
        }
        if let classNames, classNames.count != classCount {
            throw ImageDataError(.shapeMismatch, "\(classNames.count) class names for \(classCount) classes")
        }
        self.pixels = pixels
        self.labels = labels
        self.channels = channels
        self.height = height
        self.width = width
        self.classCount = classCount
        self.classNames = classNames
    }

    /// Number of images.
    public var count: Int { labels.count }

    /// Shape of one image.
    public var shape: ImageShape { ImageShape(channels: channels, height: height, width: width) }
}
