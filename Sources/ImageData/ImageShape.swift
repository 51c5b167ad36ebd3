/// Channels × height × width of one image, the unit the NCHW buffers in this module are laid out in.
public struct ImageShape: Equatable, Hashable, Sendable, CustomStringConvertible {
    /// Number of channels (1 for grey, 3 for RGB).
    public var channels: Int
    /// Image height in pixels.
    public var height: Int
    /// Image width in pixels.
    public var width: Int

    /// Creates a shape; sizes are not validated here (the functions that consume a shape do that).
    public init(channels: Int, height: Int, width: Int) {
        self.channels = channels
        self.height = height
        self.width = width
    }

    /// Number of Floats one image occupies (channels × height × width).
    public var pixelCount: Int { channels * height * width }

    /// "C×H×W", for messages.
    public var description: String { "\(channels)×\(height)×\(width)" }
}
