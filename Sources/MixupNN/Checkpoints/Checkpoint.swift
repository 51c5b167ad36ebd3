import Foundation
import MixupCore
import SafeTensors

/// A training snapshot in the safetensors format: the model's parameters under their
/// `namedParameters` paths (PyTorch layouts, e.g. a linear `weight` is `[out, in]`) and its
/// buffers (batch-norm `running_mean`/`running_var`) under `namedBuffers` paths — together what
/// PyTorch calls a state dict — the
/// optimizer state under `optimizer.*`, and string metadata (epoch, generator states — the
/// trainer's and every dropout layer's — config).
/// Files are written atomically, so a crash never leaves a half checkpoint.
public struct Checkpoint<Scalar: TensorScalar> {
    /// Model parameters and buffers by name.
    public var parameters: [String: Tensor<Scalar>]
    /// Optimizer state by name (without the `optimizer.` prefix).
    public var optimizerState: [String: Tensor<Scalar>]
    /// Free-form string metadata.
    public var metadata: [String: String]
    /// An exponential moving average of parameters and buffers (`--ema`), by the same names;
    /// stored under `ema.*`, empty when the run keeps none.
    public var averagedWeights: [String: Tensor<Scalar>] = [:]

    /// Snapshot of `model` and `optimizer`.
    public init<L: Layer, O: Optimizer>(model: L, optimizer: O, metadata: [String: String] = [:])
    where L.Scalar == Scalar, O.Scalar == Scalar {
        parameters = Dictionary(uniqueKeysWithValues: model.namedParameters.map { ($0.name, $0.variable.value) }
                                    + model.namedBuffers.map { ($0.name, $0.value) })
        optimizerState = optimizer.stateTensors()
        self.metadata = metadata.merging(model.dropoutGeneratorStates) { given, _ in given }
    }

    /// A checkpoint from its parts.
    public init(parameters: [String: Tensor<Scalar>], optimizerState: [String: Tensor<Scalar>] = [:],
                metadata: [String: String] = [:]) {
        self.parameters = parameters
        self.optimizerState = optimizerState
        self.metadata = metadata
    }

    /// Writes the checkpoint atomically (temporary file, fsync, rename).
    public func write(to url: URL) throws {
        var entries: [String: TensorEntry] = [:]
        for (name, t) in parameters { entries[name] = try Self.entry(t) }
        for (name, t) in optimizerState { entries["optimizer.\(name)"] = try Self.entry(t) }
        for (name, t) in averagedWeights { entries["ema.\(name)"] = try Self.entry(t) }
        try SafeTensorsFile(tensors: entries, metadata: metadata).write(to: url)
    }

    /// Reads a checkpoint written by `write(to:)` (or any safetensors file of F32/F64 tensors).
    public static func read(from url: URL) throws -> Checkpoint {
        let file = try SafeTensorsFile.read(from: url)
        var parameters: [String: Tensor<Scalar>] = [:], optimizer: [String: Tensor<Scalar>] = [:]
        var averaged: [String: Tensor<Scalar>] = [:]
        for (name, entry) in file.tensors {
            let values: [Scalar]
            switch entry.dtype {
            case .F32: values = try entry.floats().map { Scalar($0) }
            case .F64: values = try entry.doubles().map { Scalar($0) }
            default: throw CheckpointError("\(url.path): tensor '\(name)' has dtype \(entry.dtype.rawValue); checkpoints hold F32 or F64")
            }
            let t = Tensor(shape: entry.shape, scalars: values)
            if name.hasPrefix("optimizer.") {
                optimizer[String(name.dropFirst("optimizer.".count))] = t
            } else if name.hasPrefix("ema.") {
                averaged[String(name.dropFirst("ema.".count))] = t
            } else {
                parameters[name] = t
            }
        }
        var checkpoint = Checkpoint(parameters: parameters, optimizerState: optimizer, metadata: file.metadata)
        checkpoint.averagedWeights = averaged
        return checkpoint
    }

    /// Copies the saved parameters and buffers into `model`, checking that names and shapes
    /// match exactly.
    public func restore<L: Layer>(into model: L) throws where L.Scalar == Scalar {
        let named = model.namedParameters
        let expected = Set(named.map(\.name) + model.namedBuffers.map(\.name)), saved = Set(parameters.keys)
        if expected != saved {
            let missing = expected.subtracting(saved).sorted(), extra = saved.subtracting(expected).sorted()
            throw CheckpointError("checkpoint does not fit the model: missing \(missing), unexpected \(extra)")
        }
        for (name, v) in named {
            let t = parameters[name]!
            guard t.shape == v.shape else {
                throw CheckpointError("checkpoint tensor '\(name)' has shape \(t.shape), model expects \(v.shape)")
            }
        }
        try model.loadBuffers(parameters)
        try model.loadDropoutGeneratorStates(metadata)
        for (name, v) in named { v.assign(parameters[name]!) }
    }

    /// Throws naming the first tensor (in name order) that holds a NaN or an infinity, or a
    /// negative batch-norm `running_var` or Adam `exp_avg_sq`: values training never writes, so
    /// the file is damaged. Checked before a resume assigns anything.
    public func checkFinite() throws {
        let all = parameters.map { ($0.key, $0.value) } + optimizerState.map { ("optimizer." + $0.key, $0.value) }
            + averagedWeights.map { ("ema." + $0.key, $0.value) }
        for (name, tensor) in all.sorted(by: { $0.0 < $1.0 }) {
            let nonNegative = name.hasSuffix("running_var") || name.contains("exp_avg_sq")
            let scalars = tensor.scalars
            if let i = scalars.firstIndex(where: { !$0.isFinite || (nonNegative && $0 < 0) }) {
                throw CheckpointError("tensor '\(name)' holds \(scalars[i]) at index \(i)"
                                      + (nonNegative && scalars[i].isFinite ? " (it must be ≥ 0)" : ""))
            }
        }
    }

    private static func entry(_ t: Tensor<Scalar>) throws -> TensorEntry {
        if let f = t.scalars as? [Float] { return try TensorEntry(floats: f, shape: t.shape) }
        return try TensorEntry(doubles: t.scalars.map { Double($0) }, shape: t.shape)
    }
}

/// A checkpoint that cannot be used (wrong model, wrong dtype, damaged values).
public struct CheckpointError: Error, CustomStringConvertible {
    /// What is wrong, naming the tensor.
    public let description: String
    /// An error with its message.
    public init(_ description: String) { self.description = description }
}
