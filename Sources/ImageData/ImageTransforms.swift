/// Deterministic per-image geometric transforms on an NCHW batch buffer, the building blocks of
/// `RandomCropAndFlip` (exposed so callers and tests can apply them with explicit parameters).
public enum ImageTransforms {
    /// Replaces image `index` of `batch` by the H×W window at (`offsetY`, `offsetX`) of the image zero-padded by
    /// `padding` on every side; offsets range over 0...2·padding, and offset = padding is the identity.
    public static func cropWithZeroPadding(_ batch: inout [Float], imageIndex index: Int, shape: ImageShape,
                                           padding: Int, offsetY: Int, offsetX: Int) throws {
        try validate(batch, imageIndex: index, shape: shape)
        guard padding >= 0, (0...(2 * padding)).contains(offsetY), (0...(2 * padding)).contains(offsetX) else {
            throw ImageDataError(.invalidArgument, "crop offsets (\(offsetY), \(offsetX)) must lie in "
                                 + "0...\(2 * max(padding, 0)) for padding \(padding)")
        }
        var scratch = [Float](repeating: 0, count: shape.pixelCount)
        batch.withUnsafeMutableBufferPointer { b in
            scratch.withUnsafeMutableBufferPointer { s in
                crop(b, image: index, shape: shape, shiftY: offsetY - padding, shiftX: offsetX - padding, scratch: s)
            }
        }
    }

    /// Mirrors image `index` of `batch` left–right in place (every row of every channel reversed).
    public static func flipHorizontally(_ batch: inout [Float], imageIndex index: Int, shape: ImageShape) throws {
        try validate(batch, imageIndex: index, shape: shape)
        batch.withUnsafeMutableBufferPointer { b in flip(b, image: index, shape: shape) }
    }

    /// Throws unless `shape` is positive and `batch` holds image `index`.
    static func validate(_ batch: [Float], imageIndex index: Int, shape: ImageShape) throws {
        guard shape.channels > 0, shape.height > 0, shape.width > 0 else {
            throw ImageDataError(.invalidArgument, "image shape \(shape) must be positive")
        }
        guard index >= 0, (index + 1) * shape.pixelCount <= batch.count else {
            throw ImageDataError(.invalidArgument, "image \(index) of shape \(shape) lies outside a batch of "
                                 + "\(batch.count) values")
        }
    }

    /// Shifts image `image` so output (y, x) reads input (y + shiftY, x + shiftX), zero outside; row copies only.
    static func crop(_ batch: UnsafeMutableBufferPointer<Float>, image: Int, shape: ImageShape,
                     shiftY: Int, shiftX: Int, scratch: UnsafeMutableBufferPointer<Float>) {
        let h = shape.height, w = shape.width, size = shape.pixelCount
        guard shiftY != 0 || shiftX != 0, let base = batch.baseAddress, let tmp = scratch.baseAddress else { return }
        let img = base + image * size
        tmp.update(from: img, count: size)
        // Output columns whose source column x + shiftX lies inside 0..<w.
        let x0 = max(0, -shiftX), x1 = min(w, w - shiftX)
        for c in 0..<shape.channels {
            let plane = c * h * w
            for y in 0..<h {
                let row = img + plane + y * w
                let sy = y + shiftY
                guard sy >= 0, sy < h, x0 < x1 else {
                    row.update(repeating: 0, count: w)
                    continue
                }
                if x0 > 0 { row.update(repeating: 0, count: x0) }
                (row + x0).update(from: tmp + plane + sy * w + x0 + shiftX, count: x1 - x0)
                if x1 < w { (row + x1).update(repeating: 0, count: w - x1) }
            }
        }
    }

    /// Reverses every row of image `image` in place.
    static func flip(_ batch: UnsafeMutableBufferPointer<Float>, image: Int, shape: ImageShape) {
        let w = shape.width, rows = shape.channels * shape.height
        guard let base = batch.baseAddress else { return }
        let img = base + image * shape.pixelCount
        for r in 0..<rows {
            let row = img + r * w
            var i = 0, j = w - 1
            while i < j {
                let t = row[i]
                row[i] = row[j]
                row[j] = t
                i += 1
                j -= 1
            }
        }
    }
}
