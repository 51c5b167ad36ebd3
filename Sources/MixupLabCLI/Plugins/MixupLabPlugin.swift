import MixupRegularizers
#if canImport(Glibc)
import Glibc
#endif

/// The plugin ABI and a helper for plugin authors.
///
/// A plugin is a dynamic library that links the `MixupLabDynamic` product and exports
///
///     int32_t mixuplab_plugin_register(uint32_t host_abi_version, const void *host_registry);
///
/// which `mixuplab --plugin PATH` calls once after `dlopen(PATH, RTLD_NOW | RTLD_GLOBAL)`. In Swift:
///
///     @_cdecl("mixuplab_plugin_register")
///     public func mixuplabPluginRegister(_ hostABIVersion: UInt32, _ hostRegistry: UnsafeRawPointer?) -> Int32 {
///         MixupLabPlugin.register([LogitPenalty.self], hostABIVersion: hostABIVersion, hostRegistry: hostRegistry)
///     }
///
/// The members marked `@_alwaysEmitIntoClient` are compiled into the plugin itself, so they
/// check what the plugin was built with and which registry *the plugin* sees, not the host's.
public enum MixupLabPlugin {
    /// Version of the plugin C ABI (the entry point's name, signature and status codes). The host
    /// passes its own; a plugin built for another version refuses to register.
    @_alwaysEmitIntoClient
    public static var abiVersion: UInt32 { 1 }

    /// The symbol the host looks up in a plugin.
    public static let entryPointName = "mixuplab_plugin_register"

    /// What the entry point returns (`Int32` raw values are part of the ABI).
    public enum Status: Int32 {
        /// Every type was registered.
        case success = 0
        /// The host's ABI version differs from the one the plugin was built for.
        case abiMismatch = 1
        /// The plugin sees a different `RegularizerRegistry` than the host (it carries or loaded
        /// its own copy of MixupLab), so registering would be invisible to the host.
        case separateRegistry = 2
        /// `RegularizerRegistry.register` threw (e.g. the name is taken).
        case registrationFailed = 3
    }

    /// Identity of the `RegularizerRegistry` seen by the calling code: the address of its type
    /// metadata, which differs between two copies of MixupLab in one process. The host passes its
    /// token to the entry point; `register` compares it with the plugin's.
    @_alwaysEmitIntoClient
    public static var registryToken: UnsafeRawPointer {
        unsafeBitCast(RegularizerRegistry.self as Any.Type, to: UnsafeRawPointer.self)
    }

    /// The body of a plugin's entry point: checks the ABI version and that host and plugin share
    /// one registry, then registers `types`; prints the reason to stderr and returns a nonzero
    /// `Status` raw value on failure.
    @_alwaysEmitIntoClient
    public static func register(_ types: [any Regularizer.Type], hostABIVersion: UInt32,
                                hostRegistry: UnsafeRawPointer?) -> Int32 {
        guard hostABIVersion == abiVersion else {
            reportPluginError("plugin built for MixupLab plugin ABI \(abiVersion), host uses \(hostABIVersion); rebuild it against the host's MixupLab")
            return Status.abiMismatch.rawValue
        }
        guard hostRegistry == UnsafeRawPointer?(registryToken) else {
            reportPluginError("plugin sees a different RegularizerRegistry than the host (two copies of MixupLab in one process); nothing registered")
            return Status.separateRegistry.rawValue
        }
        for type in types {
            do {
                try RegularizerRegistry.register(type)
            } catch {
                reportPluginError("cannot register \(type): \(error)")
                return Status.registrationFailed.rawValue
            }
        }
        return Status.success.rawValue
    }

    /// Writes one plugin diagnostic line to stderr (used by the inlined `register`).
    @usableFromInline
    static func reportPluginError(_ message: String) {
        fputs("mixuplab plugin: \(message)\n", stderr)
    }
}
