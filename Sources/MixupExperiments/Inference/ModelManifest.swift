import Foundation
import MixupCore
import MixupNN

/// Everything needed to rebuild and use a trained model from its checkpoint alone: architecture,
/// input shape, logits, class names in label order, loss, and how inputs were prepared. `RunSpec`
/// writes it into every checkpoint's metadata under `metadataKey`.
public struct ModelManifest: Codable, Sendable {
    /// The checkpoint metadata key holding the manifest's JSON.
    public static let metadataKey = "model"
    /// Version tag of this layout.
    public static let currentFormat = "mixuplab-model-1"

    /// Version tag (`currentFormat`).
    public var format: String = ModelManifest.currentFormat
    /// Name of the training data (for messages).
    public var dataset: String
    /// The architecture and its settings.
    public var model: ModelSpec
    /// One sample's shape: `[features]` (tabular, graph node features) or `[C, H, W]`.
    public var inputShape: [Int]
    /// Number of logits (1 for the logistic loss on two classes).
    public var outputCount: Int
    /// Class names; label k is `classNames[k]`.
    public var classNames: [String]
    /// The training loss (decides probabilities, predictions and the reported loss).
    public var loss: ClassificationLoss
    /// How raw inputs were turned into features.
    public var input: InputPreparation

    /// A manifest from its parts.
    public init(dataset: String, model: ModelSpec, inputShape: [Int], outputCount: Int, classNames: [String],
                loss: ClassificationLoss, input: InputPreparation) {
        self.dataset = dataset
        self.model = model
        self.inputShape = inputShape
        self.outputCount = outputCount
        self.classNames = classNames
        self.loss = loss
        self.input = input
    }

    /// Key-sorted JSON, so identical runs write identical bytes. Throws a clear error when a recorded
    /// statistic is not finite (JSON has no NaN or infinity), naming where it is.
    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        do {
            return String(decoding: try encoder.encode(self), as: UTF8.self)
        } catch let EncodingError.invalidValue(value, context) {
            let path = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
            throw ExperimentError("\(dataset): the model record for checkpoints holds the non-finite value \(value) at \(path) "
                                  + "(a data statistic overflowed; check the data for extreme values)")
        }
    }

    /// The manifest in a checkpoint's metadata; `file` names the checkpoint in errors.
    public static func read(from metadata: [String: String], file: String) throws -> ModelManifest {
        guard let json = metadata[metadataKey] else {
            throw ExperimentError("\(file): the checkpoint records no model (metadata '\(metadataKey)'); it was written by an older "
                                  + "mixuplab or outside `mixuplab train`, so it cannot be used without its training command")
        }
        let manifest: ModelManifest
        do {
            manifest = try JSONDecoder().decode(ModelManifest.self, from: Data(json.utf8))
        } catch {
            throw ExperimentError("\(file): metadata '\(metadataKey)' cannot be read: \(describeDecodingError(error))")
        }
        guard manifest.format == currentFormat else {
            throw ExperimentError("\(file): model record format '\(manifest.format)' is not '\(currentFormat)'")
        }
        guard manifest.inputShape.allSatisfy({ $0 > 0 }), !manifest.inputShape.isEmpty, manifest.outputCount >= 1,
              manifest.classNames.count >= 1,
              manifest.outputCount == manifest.loss.outputCount(classes: manifest.classNames.count) else {
            throw ExperimentError("\(file): inconsistent model record: input \(manifest.inputShape), \(manifest.outputCount) outputs, "
                                  + "\(manifest.classNames.count) classes, loss \(manifest.loss.rawValue)")
        }
        return manifest
    }

    /// A freshly initialised model of the recorded architecture (weights come from the checkpoint).
    public func makeModel() throws -> any Layer<Float> {
        try model.make(inputShape: inputShape, outputs: outputCount, seed: 0)
    }
}

/// A decoding error in words: what was wrong and where (the coding path).
func describeDecodingError(_ error: any Error) -> String {
    guard let error = error as? DecodingError else { return "\(error)" }
    func path(_ context: DecodingError.Context) -> String {
        let keys = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
        return keys.isEmpty ? "" : " at \(keys)"
    }
    switch error {
    case let .dataCorrupted(c): return "\(c.debugDescription)\(path(c))"
    case let .keyNotFound(key, c): return "missing '\(key.stringValue)'\(path(c))"
    case let .typeMismatch(type, c): return "expected \(type)\(path(c)): \(c.debugDescription)"
    case let .valueNotFound(type, c): return "missing \(type) value\(path(c))"
    @unknown default: return "\(error)"
    }
}
