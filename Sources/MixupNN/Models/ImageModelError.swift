/// Why an image model cannot be built for the requested input (a configuration error the
/// command line reports, rather than a crash deep inside a layer).
public struct ImageModelError: Error, CustomStringConvertible, Equatable {
    /// The model being built, e.g. "LeNet-5".
    public var model: String
    /// What is wrong, e.g. "input 3×3 is smaller than the 5×5 kernel of conv2".
    public var detail: String

    /// An error for `model`.
    public init(model: String, detail: String) {
        self.model = model
        self.detail = detail
    }

    public var description: String { "\(model): \(detail)" }
}

/// Checks a per-sample image shape `[C, H, W]` with positive extents.
func validateImageShape(_ shape: [Int], model: String) throws {
    guard shape.count == 3, shape.allSatisfy({ $0 > 0 }) else {
        throw ImageModelError(model: model, detail: "input shape must be [channels, height, width] with positive extents, got \(shape)")
    }
}

/// Channels after a width multiplier: round(c·m), at least 1.
func scaledWidth(_ channels: Int, _ multiplier: Double) -> Int {
    max(1, Int((Double(channels) * multiplier).rounded()))
}
