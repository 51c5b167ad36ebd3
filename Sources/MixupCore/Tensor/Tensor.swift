/// A dense, row-major, n-dimensional array of `Scalar`s with value semantics.
///
/// Storage is a Swift `Array`, so copies are cheap and copy-on-write. A `Tensor` knows nothing
/// about differentiation; `Variable` puts tensors on the tape.
public struct Tensor<Scalar: TensorScalar>: Equatable, CustomStringConvertible {
    /// Extent of each axis; `[]` is a scalar.
    public private(set) var shape: [Int]
    /// The elements in row-major order; `scalars.count == shape.product`.
    public private(set) var scalars: [Scalar]

    /// Wraps `scalars` (row-major) as a tensor of `shape`.
    public init(shape: [Int], scalars: [Scalar]) {
        precondition(shape.allSatisfy { $0 >= 0 }, "Tensor: negative extent in shape \(shape)")
        precondition(shape.reduce(1, *) == scalars.count,
                     "Tensor: shape \(shape) needs \(shape.reduce(1, *)) scalars, got \(scalars.count)")
        self.shape = shape
        self.scalars = scalars
    }

    /// A tensor of `shape` filled with `value`.
    public init(repeating value: Scalar, shape: [Int]) {
        self.init(shape: shape, scalars: filledArray(value, count: shape.reduce(1, *)))
    }

    /// A tensor of zeros.
    public init(zeros shape: [Int]) { self.init(repeating: 0, shape: shape) }

    /// A rank-0 tensor holding one value.
    public init(_ scalar: Scalar) { self.init(shape: [], scalars: [scalar]) }

    /// Converts between precisions (e.g. a Float model's weights into a Float64 check).
    public init<Other: TensorScalar>(_ other: Tensor<Other>) {
        self.init(shape: other.shape, scalars: other.scalars.map { Scalar($0) })
    }

    /// Number of elements.
    public var count: Int { scalars.count }
    /// Number of axes.
    public var rank: Int { shape.count }
    /// The single element of a one-element tensor.
    public var scalar: Scalar {
        precondition(scalars.count == 1, "Tensor.scalar needs one element, shape is \(shape)")
        return scalars[0]
    }

    /// The same elements viewed with another shape of equal element count.
    public func reshaped(_ newShape: [Int]) -> Tensor {
        Tensor(shape: newShape, scalars: scalars)
    }

    /// Read access to the contiguous storage.
    public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Scalar>) throws -> R) rethrows -> R {
        try scalars.withUnsafeBufferPointer(body)
    }

    /// Write access to the contiguous storage (the shape cannot change).
    public mutating func withUnsafeMutableBufferPointer<R>(
        _ body: (inout UnsafeMutableBufferPointer<Scalar>) throws -> R
    ) rethrows -> R {
        try scalars.withUnsafeMutableBufferPointer(body)
    }

    public var description: String {
        let head = scalars.prefix(8).map { "\($0)" }.joined(separator: ", ")
        return "Tensor\(shape)[\(head)\(scalars.count > 8 ? ", …" : "")]"
    }
}

extension Array where Element == Int {
    /// Product of the extents (1 for an empty shape).
    @inlinable var product: Int { reduce(1, *) }
}
