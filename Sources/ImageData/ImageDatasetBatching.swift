extension ImageDataset {
    /// Copies the images and labels at `indices` (in that order) into fresh contiguous NCHW buffers, the form
    /// `RandomCropAndFlip` and a model consume; an index outside `0..<count` throws `.invalidArgument`.
    public func batch(at indices: [Int]) throws -> (pixels: [Float], labels: [Int]) {
        let size = shape.pixelCount, total = count
        if let bad = indices.first(where: { $0 < 0 || $0 >= total }) {
            throw ImageDataError(.invalidArgument, "batch index \(bad) is outside 0..<\(total)")
        }
        var batchLabels = [Int](repeating: 0, count: indices.count)
        let batchPixels = [Float](unsafeUninitializedCapacity: indices.count * size) { target, initialized in
            pixels.withUnsafeBufferPointer { source in
                guard let from = source.baseAddress, let to = target.baseAddress else { return }
                for (slot, index) in indices.enumerated() {
                    (to + slot * size).initialize(from: from + index * size, count: size)
                    batchLabels[slot] = labels[index]
                }
            }
            initialized = indices.count * size
        }
        return (batchPixels, batchLabels)
    }
}
