import MixupCore
import MixupNN

/// A model spec as JSON, so a checkpoint records the architecture it holds the weights of.
extension ModelSpec: Codable {
    private enum CodingKeys: String, CodingKey { case kind, hiddenWidths, activation, bias, widthMultiplier, baseWidth, gin }

    /// Decodes a spec written by `encode(to:)`; an unknown model kind is an error naming it.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let name = try c.decode(String.self, forKey: .kind)
        guard let kind = Kind(rawValue: name) else {
            throw DecodingError.dataCorruptedError(forKey: .kind, in: c, debugDescription:
                "unknown model '\(name)' (known: \(Kind.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        self.init(kind: kind)
        hiddenWidths = try c.decode([Int].self, forKey: .hiddenWidths)
        activation = try c.decode(Activation.self, forKey: .activation)
        bias = try c.decode(Bool.self, forKey: .bias)
        widthMultiplier = try c.decode(Double.self, forKey: .widthMultiplier)
        baseWidth = try c.decode(Int.self, forKey: .baseWidth)
        gin = try c.decode(GINConfiguration.self, forKey: .gin)
    }

    /// Encodes every field of the spec.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(kind.rawValue, forKey: .kind)
        try c.encode(hiddenWidths, forKey: .hiddenWidths)
        try c.encode(activation, forKey: .activation)
        try c.encode(bias, forKey: .bias)
        try c.encode(widthMultiplier, forKey: .widthMultiplier)
        try c.encode(baseWidth, forKey: .baseWidth)
        try c.encode(gin, forKey: .gin)
    }
}
