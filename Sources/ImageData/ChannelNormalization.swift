/// Per-channel standardization x ← (x − mean_c) / std_c, with the statistics fitted on the training set only and
/// then applied unchanged to train and test, so no test information leaks into preprocessing.
public struct ChannelNormalization: Equatable {
    /// Mean of each channel over all training images and pixels.
    public var mean: [Float]
    /// Population standard deviation of each channel; a constant channel gets 1 so it is only centred.
    public var standardDeviation: [Float]

    /// Uses given statistics (e.g. published ones); both arrays need one entry per channel and positive std.
    public init(mean: [Float], standardDeviation: [Float]) throws {
        guard !mean.isEmpty, mean.count == standardDeviation.count else {
            throw ImageDataError(.invalidArgument, "need one mean and one standard deviation per channel, got "
                                 + "\(mean.count) and \(standardDeviation.count)")
        }
        guard standardDeviation.allSatisfy({ $0 > 0 && $0.isFinite }), mean.allSatisfy({ $0.isFinite }) else {
            throw ImageDataError(.invalidArgument, "standard deviations must be positive and finite, means finite")
        }
        self.mean = mean
        self.standardDeviation = standardDeviation
    }

    /// Fits per-channel mean and standard deviation on `training` (two passes in Double for accuracy).
    public init(fittingTrainingSet training: ImageDataset) throws {
        let channels = training.channels, plane = training.height * training.width, count = training.count
        guard count > 0 else {
            throw ImageDataError(.invalidArgument, "cannot fit normalization statistics on an empty training set")
        }
        var sums = [Double](repeating: 0, count: channels)
        var squares = [Double](repeating: 0, count: channels)
        training.pixels.withUnsafeBufferPointer { p in
            for n in 0..<count {
                for c in 0..<channels {
                    let start = (n * channels + c) * plane
                    var s: Float = 0
                    for i in start..<(start + plane) { s += p[i] }
                    sums[c] += Double(s)
                }
            }
            let perChannel = Double(count * plane)
            for c in 0..<channels { sums[c] /= perChannel }
            for n in 0..<count {
                for c in 0..<channels {
                    let start = (n * channels + c) * plane
                    let m = sums[c]
                    var s = 0.0
                    for i in start..<(start + plane) {
                        let d = Double(p[i]) - m
                        s += d * d
                    }
                    squares[c] += s
                }
            }
            for c in 0..<channels { squares[c] = (squares[c] / perChannel).squareRoot() }
        }
        mean = sums.map { Float($0) }
        standardDeviation = squares.map { $0 > 1e-12 ? Float($0) : 1 }
    }

    /// Standardizes `dataset` in place; its channel count must match the fitted statistics.
    public func apply(to dataset: inout ImageDataset) throws {
        guard dataset.channels == mean.count else {
            throw ImageDataError(.invalidArgument, "normalization fitted for \(mean.count) channels applied to "
                                 + "images with \(dataset.channels)")
        }
        let channels = dataset.channels, plane = dataset.height * dataset.width, count = dataset.count
        let inverse = standardDeviation.map { 1 / $0 }
        let offsets = mean
        dataset.pixels.withUnsafeMutableBufferPointer { p in
            for n in 0..<count {
                for c in 0..<channels {
                    let start = (n * channels + c) * plane
                    let m = offsets[c], k = inverse[c]
                    for i in start..<(start + plane) { p[i] = (p[i] - m) * k }
                }
            }
        }
    }

    /// Returns a standardized copy of `dataset`.
    public func applied(to dataset: ImageDataset) throws -> ImageDataset {
        var copy = dataset
        try apply(to: &copy)
        return copy
    }
}
