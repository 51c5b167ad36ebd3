import MixupCore

/// The train/eval switch of a model, shared by reference between its batch-norm and dropout
/// layers. Layers stay plain values: a model creates one `ModelMode`, hands it to every layer
/// that needs it, and flipping `isTraining` on it (or via `Layer.setTraining(_:)`) switches them all.
public final class ModelMode {
    /// Training mode: batch statistics, dropout active. Evaluation mode: running statistics,
    /// dropout off.
    public var isTraining: Bool
    /// Whether plain (taped `Variable`) passes in training mode update batch-norm running
    /// statistics. JVP passes never update them, so a regularizer's clean pass cannot corrupt them.
    public var updatesRunningStatistics: Bool
    /// How batch norm's JVP treats batch statistics in training mode (see `BatchNormTangent`).
    public var batchNormTangent: BatchNormTangent

    /// A mode; by default training, updating running statistics, fixed-statistics tangents.
    public init(isTraining: Bool = true, updatesRunningStatistics: Bool = true,
                batchNormTangent: BatchNormTangent = .fixedStatistics) {
        self.isTraining = isTraining
        self.updatesRunningStatistics = updatesRunningStatistics
        self.batchNormTangent = batchNormTangent
    }
}

extension Layer {
    /// Every distinct `ModelMode` reachable through stored properties (usually one per model).
    public var modelModes: [ModelMode] {
        var found: [ModelMode] = [], seen = Set<ObjectIdentifier>()
        walkStoredProperties(self) { value, _ in
            if let mode = value as? ModelMode {
                if seen.insert(ObjectIdentifier(mode)).inserted { found.append(mode) }
                return true
            }
            return value is Variable<Scalar> || value is Tensor<Scalar>
        }
        return found
    }

    /// Switches every batch-norm and dropout layer of the model to training (`true`) or
    /// evaluation (`false`) mode.
    public func setTraining(_ training: Bool) {
        for mode in modelModes { mode.isTraining = training }
    }

    /// Runs `body` in evaluation mode, then restores each mode's previous setting.
    public func evaluating<R>(_ body: () throws -> R) rethrows -> R {
        let modes = modelModes, saved = modes.map(\.isTraining)
        for mode in modes { mode.isTraining = false }
        defer { for (mode, value) in zip(modes, saved) { mode.isTraining = value } }
        return try body()
    }

    /// Runs `body` with running-statistics updates off (e.g. a separate clean pass for a
    /// regularizer that should not move the running averages), then restores the setting.
    public func withoutUpdatingRunningStatistics<R>(_ body: () throws -> R) rethrows -> R {
        let modes = modelModes, saved = modes.map(\.updatesRunningStatistics)
        for mode in modes { mode.updatesRunningStatistics = false }
        defer { for (mode, value) in zip(modes, saved) { mode.updatesRunningStatistics = value } }
        return try body()
    }
}
