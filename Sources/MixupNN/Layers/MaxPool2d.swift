import MixupCore

/// Max pooling over square windows of an NCHW value (padding counts as −∞).
public struct MaxPool2d<Scalar: TensorScalar>: Layer {
    /// Window side.
    public let kernelSize: Int
    /// Step between windows (defaults to the kernel size, as in PyTorch).
    public let stride: Int
    /// Padding on each side (at most half the kernel).
    public let padding: Int

    /// A pooling layer; `stride` defaults to `kernelSize`.
    public init(kernelSize: Int, stride: Int? = nil, padding: Int = 0) {
        self.kernelSize = kernelSize
        self.stride = stride ?? kernelSize
        self.padding = padding
    }

    /// Per-sample output shape `[C, H, W]`, or nil if the window does not fit.
    public func outputShape(for input: [Int]) -> [Int]? {
        guard input.count == 3, let (h, w) = windowOutput(input[1], input[2], kernel: kernelSize, stride: stride, padding: padding)
        else { return nil }
        return [input[0], h, w]
    }

    public func callAsFunction<V: ModelValue>(_ x: V) -> V where V.Scalar == Scalar {
        x.maxPool2d(kernel: kernelSize, stride: stride, padding: padding)
    }
}
