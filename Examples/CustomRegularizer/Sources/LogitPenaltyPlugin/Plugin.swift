// Route 2: the regularizer as a plugin, loaded with `mixuplab --plugin PATH`.
import MixupLab

/// The plugin's C entry point (MixupLab plugin ABI 1; see `MixupLabPlugin`): the host calls it once
/// after loading the library, with its ABI version and registry token. `MixupLabPlugin.register`
/// checks both and registers `LogitPenalty` in the host's registry; 0 means success.
@_cdecl("mixuplab_plugin_register")
public func mixuplabPluginRegister(_ hostABIVersion: UInt32, _ hostRegistry: UnsafeRawPointer?) -> Int32 {
    MixupLabPlugin.register([LogitPenalty.self], hostABIVersion: hostABIVersion, hostRegistry: hostRegistry)
}
