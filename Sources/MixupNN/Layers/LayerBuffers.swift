import MixupCore

/// Why saved buffers (batch-norm running statistics) could not be loaded into a model.
public struct LayerBufferError: Error, CustomStringConvertible, Equatable {
    /// The buffer name, e.g. `features.1.running_mean`.
    public var name: String
    /// What is wrong with it.
    public var detail: String

    public var description: String { "buffer '\(name)': \(detail)" }
}

extension Layer {
    /// Batch-norm running statistics with their PyTorch buffer names (`bn1.running_mean`,
    /// `bn1.running_var`), in declaration order: the state a checkpoint needs beside the
    /// parameters so evaluation after resuming matches evaluation before.
    public var namedBuffers: [(name: String, value: Tensor<Scalar>)] {
        namedRunningStatistics.flatMap { entry in
            [(name: entry.path + "running_mean", value: entry.statistics.mean),
             (name: entry.path + "running_var", value: entry.statistics.variance)]
        }
    }

    /// Loads buffers saved from `namedBuffers`. Every buffer of the model must be present with
    /// the right shape; extra names are ignored (they may be parameters).
    public func loadBuffers(_ tensors: [String: Tensor<Scalar>]) throws {
        for entry in namedRunningStatistics {
            let meanName = entry.path + "running_mean", varName = entry.path + "running_var"
            guard let mean = tensors[meanName] else { throw LayerBufferError(name: meanName, detail: "missing") }
            guard let variance = tensors[varName] else { throw LayerBufferError(name: varName, detail: "missing") }
            let expected = entry.statistics.mean.shape
            guard mean.shape == expected else {
                throw LayerBufferError(name: meanName, detail: "shape \(mean.shape), model expects \(expected)")
            }
            guard variance.shape == expected else {
                throw LayerBufferError(name: varName, detail: "shape \(variance.shape), model expects \(expected)")
            }
            entry.statistics.load(mean: mean, variance: variance)
        }
    }

    /// Every `RunningStatistics` with the dotted path of the layer that owns it (ending in ".").
    var namedRunningStatistics: [(path: String, statistics: RunningStatistics<Scalar>)] {
        var found: [(String, RunningStatistics<Scalar>)] = []
        walkStoredProperties(self) { value, path in
            if let stats = value as? RunningStatistics<Scalar> {
                // Named by the batch-norm layer that owns it.
                let owner = path.split(separator: ".").dropLast().joined(separator: ".")
                found.append((owner.isEmpty ? "" : owner + ".", stats))
                return true
            }
            return value is Variable<Scalar> || value is Tensor<Scalar> || value is ModelMode
        }
        return found
    }
}

