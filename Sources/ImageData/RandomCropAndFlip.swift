import SeededRandom
/// Seeded training augmentation: a random crop of the zero-padded image (offsets uniform in 0...2·padding) then a
/// horizontal flip with probability `flipProbability`, applied in place to an NCHW batch buffer.
/// Per image it draws offsetY, offsetX, then the flip coin, in that order, so runs replay exactly from a seed.
public struct RandomCropAndFlip: Equatable {
    /// Zero padding on each side before cropping back to H×W (4 for 32×32 CIFAR is the common choice).
    public var padding: Int
    /// Probability of mirroring an image left–right.
    public var flipProbability: Double

    /// Creates the augmentation; padding must be non-negative and the probability in [0, 1].
    public init(padding: Int = 4, flipProbability: Double = 0.5) throws {
        guard padding >= 0, flipProbability >= 0, flipProbability <= 1 else {
            throw ImageDataError(.invalidArgument, "padding \(padding) must be ≥ 0 and flip probability "
                                 + "\(flipProbability) in [0, 1]")
        }
        self.padding = padding
        self.flipProbability = flipProbability
    }

    /// Augments every image of `batch` (a whole number of images of `shape`) in place, drawing from `rng`.
    public func apply(to batch: inout [Float], shape: ImageShape, using rng: inout some RandomNumberGenerator) throws {
        guard shape.channels > 0, shape.height > 0, shape.width > 0, batch.count % shape.pixelCount == 0 else {
            throw ImageDataError(.invalidArgument, "a batch of \(batch.count) values is not a whole number of "
                                 + "\(shape) images")
        }
        let count = batch.count / shape.pixelCount
        let span = UInt64(2 * padding + 1)
        var scratch = [Float](repeating: 0, count: shape.pixelCount)
        batch.withUnsafeMutableBufferPointer { b in
            scratch.withUnsafeMutableBufferPointer { s in
                for n in 0..<count {
                    let offsetY = rng.bounded(Int(span))
                    let offsetX = rng.bounded(Int(span))
                    let flipDraw = rng.uniform()
                    ImageTransforms.crop(b, image: n, shape: shape, shiftY: offsetY - padding,
                                         shiftX: offsetX - padding, scratch: s)
                    if flipDraw < flipProbability { ImageTransforms.flip(b, image: n, shape: shape) }
                }
            }
        }
    }
}
