import MixupCore

/// A 2-D convolution over NCHW inputs, weight `[out, in, kh, kw]` as in PyTorch, square
/// kernel, stride and zero padding (no groups, no dilation).
public struct Conv2d<Scalar: TensorScalar>: Layer {
    /// `[outputChannels, inputChannels, kernelSize, kernelSize]`.
    public let weight: Variable<Scalar>
    /// `[outputChannels]`, or nil for a bias-free convolution (before batch norm).
    public let bias: Variable<Scalar>?
    /// Step between windows.
    public let stride: Int
    /// Zero rows/columns added on each side.
    public let padding: Int

    /// PyTorch's default initialisation: W, b ~ U(−1/√fan_in, 1/√fan_in), fan_in = in·k².
    public init<G: RandomNumberGenerator>(inputChannels: Int, outputChannels: Int, kernelSize: Int,
                                          stride: Int = 1, padding: Int = 0, bias: Bool = true, using rng: inout G) {
        precondition(inputChannels > 0 && outputChannels > 0 && kernelSize > 0,
                     "Conv2d needs positive channels and kernel, got \(inputChannels)→\(outputChannels), k=\(kernelSize)")
        let bound = 1 / Scalar(inputChannels * kernelSize * kernelSize).squareRoot()
        weight = Variable(parameter: .uniform(shape: [outputChannels, inputChannels, kernelSize, kernelSize],
                                              low: -bound, high: bound, using: &rng))
        self.bias = bias ? Variable(parameter: .uniform(shape: [outputChannels], low: -bound, high: bound, using: &rng)) : nil
        self.stride = stride
        self.padding = padding
    }

    /// Wraps existing tensors (e.g. loaded weights).
    public init(weight: Tensor<Scalar>, bias: Tensor<Scalar>?, stride: Int = 1, padding: Int = 0) {
        precondition(weight.rank == 4, "Conv2d weight must be [out, in, kh, kw], got \(weight.shape)")
        precondition(bias == nil || bias!.shape == [weight.shape[0]], "Conv2d bias must be [out]")
        self.weight = Variable(parameter: weight)
        self.bias = bias.map { Variable(parameter: $0) }
        self.stride = stride
        self.padding = padding
    }

    /// Channels the layer expects.
    public var inputChannels: Int { weight.shape[1] }
    /// Channels the layer produces.
    public var outputChannels: Int { weight.shape[0] }
    /// Side of the square kernel.
    public var kernelSize: Int { weight.shape[2] }

    /// The per-sample output shape `[C, H, W]` for a per-sample input shape, or nil when the
    /// input has the wrong channel count or is smaller than the kernel.
    public func outputShape(for input: [Int]) -> [Int]? {
        guard input.count == 3, input[0] == inputChannels,
              let (h, w) = windowOutput(input[1], input[2], kernel: kernelSize, stride: stride, padding: padding)
        else { return nil }
        return [outputChannels, h, w]
    }

    public func callAsFunction<V: ModelValue>(_ x: V) -> V where V.Scalar == Scalar {
        x.conv2d(weight: weight, bias: bias, stride: stride, padding: padding)
    }
}

/// Output height and width of a sliding window, or nil if it does not fit.
func windowOutput(_ h: Int, _ w: Int, kernel: Int, stride: Int, padding: Int) -> (Int, Int)? {
    guard h + 2 * padding >= kernel, w + 2 * padding >= kernel, stride > 0 else { return nil }
    return ((h + 2 * padding - kernel) / stride + 1, (w + 2 * padding - kernel) / stride + 1)
}
