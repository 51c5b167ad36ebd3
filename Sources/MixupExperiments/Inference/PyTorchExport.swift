import Foundation
import MixupCore
import MixupNN
import SafeTensors

/// `mixuplab export --weights-only`: a checkpoint's model as a PyTorch state dict in safetensors,
/// with exactly the names, shapes and dtypes that `load_state_dict(strict=True)` expects for the
/// reference definitions in `Examples/pytorch/models.py` (MLP, LeNet-5, VGG, PreActResNet).
///
/// Our layers already use PyTorch's layouts (linear `[out, in]`, conv `[out, in, kh, kw]`,
/// batch-norm `weight`/`bias`/`running_mean`/`running_var`); the export adds each batch norm's
/// `num_batches_tracked` (int64, shape `[]`) that PyTorch's module also registers.
public enum PyTorchExport {
    /// The architectures with a reference PyTorch definition.
    public static let supportedKinds: [ModelSpec.Kind] = [.mlp, .lenet, .vgg11, .vgg13, .preactresnet18, .preactresnet34,
                                                          .preactresnet50]

    /// The state dict of `model` as safetensors entries. Its metadata records the manifest under
    /// `mixuplab.model` (so `models.py` can build the matching module) and `format: pt`.
    public static func stateDict(of model: CheckpointedModel) throws -> SafeTensorsFile {
        let kind = model.manifest.model.kind
        guard supportedKinds.contains(kind) else {
            throw ExperimentError("\(model.url.path): export supports \(supportedKinds.map(\.rawValue).joined(separator: ", ")); "
                                  + "this checkpoint holds a \(kind.rawValue), which has no reference PyTorch definition")
        }
        var tensors: [String: TensorEntry] = [:]
        for (name, variable) in model.model.namedParameters {
            tensors[name] = try TensorEntry(floats: variable.value.scalars, shape: variable.value.shape)
        }
        for (name, value) in model.model.namedBuffers {
            tensors[name] = try TensorEntry(floats: value.scalars, shape: value.shape)
            if name.hasSuffix("running_mean") {
                // PyTorch counts batches only to derive a momentum when `momentum=None`; ours is fixed at 0.1,
                // so the count never changes an output. It is written as 0 because the module has the buffer.
                let prefix = name.dropLast("running_mean".count)
                tensors[prefix + "num_batches_tracked"] = try TensorEntry(int64s: [0], shape: [])
            }
        }
        return SafeTensorsFile(tensors: tensors, metadata: ["format": "pt", "mixuplab.model": try model.manifest.json()])
    }
}
