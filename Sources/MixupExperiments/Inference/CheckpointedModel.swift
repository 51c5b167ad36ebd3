import Foundation
import MixupCore
import MixupNN

/// A trained model rebuilt from a checkpoint alone: its manifest (architecture, classes, input
/// preparation) and the model with the saved weights — the starting point of `evaluate`,
/// `predict` and `export`.
public struct CheckpointedModel {
    /// The checkpoint file.
    public let url: URL
    /// What the checkpoint records about its model and data.
    public let manifest: ModelManifest
    /// The model with the checkpoint's parameters and buffers (or their moving average).
    public let model: any Layer<Float>

    /// Reads `url`, rebuilds the recorded architecture and loads the weights into it; with
    /// `averagedWeights`, the run's exponential moving average (`--ema`) instead of the raw weights.
    public init(contentsOf url: URL, averagedWeights: Bool = false) throws {
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw ExperimentError("\(url.path): no such checkpoint")
        }
        let checkpoint: Checkpoint<Float>
        do { checkpoint = try Checkpoint<Float>.read(from: url) } catch {
            throw ExperimentError("\(url.path): cannot be read as a checkpoint: \(error)")
        }
        manifest = try ModelManifest.read(from: checkpoint.metadata, file: url.path)
        let model: any Layer<Float>
        do { model = try manifest.makeModel() } catch {
            throw ExperimentError("\(url.path): its recorded model cannot be built: \(error)")
        }
        var weights = checkpoint
        if averagedWeights {
            guard !checkpoint.averagedWeights.isEmpty else {
                throw ExperimentError("\(url.path) holds no moving average of the weights (the run was trained without --ema)")
            }
            weights = Checkpoint(parameters: checkpoint.averagedWeights, metadata: checkpoint.metadata)
        }
        for (name, tensor) in weights.parameters where !tensor.scalars.allSatisfy(\.isFinite) {
            throw ExperimentError("\(url.path): tensor '\(name)' holds non-finite values")
        }
        do { try weights.restore(into: model) } catch {
            throw ExperimentError("\(url.path): weights do not fit the recorded \(manifest.model.summary): \(error)")
        }
        self.url = url
        self.model = model
    }

    /// Logits `[N, outputs]` for prepared inputs: their features, or their graphs for a GIN.
    public func logits(for inputs: LabelledInputs, chunkSize: Int = 256) throws -> Tensor<Float> {
        guard let graphs = inputs.graphs else { return try logits(inputs.features, chunkSize: chunkSize) }
        guard let gin = model as? GIN<Float> else {
            throw ExperimentError("\(url.path) holds a \(manifest.model.kind.rawValue), which does not read graphs")
        }
        var out: [Float] = []
        try gin.evaluating {
            var start = 0
            while start < graphs.graphCount {
                let end = min(graphs.graphCount, start + chunkSize)
                out += gin.logits(for: try graphs.input(graphs: Array(start..<end), as: Float.self)).value.scalars
                start = end
            }
        }
        return Tensor(shape: [graphs.graphCount, manifest.outputCount], scalars: out)
    }

    /// Logits `[N, outputs]` for `features` (`[N, …inputShape]`), computed in evaluation mode in
    /// chunks of `chunkSize` samples.
    public func logits(_ features: Tensor<Float>, chunkSize: Int = 256) throws -> Tensor<Float> {
        guard Array(features.shape.dropFirst()) == manifest.inputShape else {
            throw ExperimentError("inputs of shape \(Array(features.shape.dropFirst())) do not fit the model's \(manifest.inputShape)")
        }
        return Self.logits(of: model, features, chunkSize: chunkSize, outputs: manifest.outputCount)
    }

    private static func logits<M: Layer>(of model: M, _ features: Tensor<Float>, chunkSize: Int, outputs: Int) -> Tensor<Float>
    where M.Scalar == Float {
        let n = features.shape[0], width = features.count / max(n, 1)
        var out: [Float] = []
        out.reserveCapacity(n * outputs)
        model.evaluating {
            var start = 0
            while start < n {
                let end = min(n, start + chunkSize)
                let chunk = Tensor(shape: [end - start] + Array(features.shape.dropFirst()),
                                   scalars: Array(features.scalars[(start * width)..<(end * width)]))
                out += model(Variable(constant: chunk)).value.scalars
                start = end
            }
        }
        return Tensor(shape: [n, outputs], scalars: out)
    }
}
