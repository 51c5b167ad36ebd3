import Foundation
import MixupRegularizers
#if canImport(Glibc)
import Glibc
#endif

/// Why a plugin could not be loaded; every message names the library's path.
public enum PluginLoadError: Error, CustomStringConvertible {
    /// No file at the path.
    case missingFile(path: String)
    /// `dlopen` failed (not a library, wrong architecture, an undefined symbol under RTLD_NOW …).
    case openFailed(path: String, reason: String)
    /// The library does not export `mixuplab_plugin_register`.
    case missingEntryPoint(path: String, reason: String)
    /// The plugin was built for another plugin ABI version.
    case abiMismatch(path: String, hostVersion: UInt32)
    /// The plugin found that it sees a registry other than the host's (its own copy of MixupLab).
    case separateRegistry(path: String)
    /// The entry point reported success but no new name appeared in the host's registry: the
    /// plugin registered into its own copy of MixupLab (or registered nothing).
    case noNewRegularizer(path: String)
    /// The entry point returned another nonzero status.
    case registrationFailed(path: String, status: Int32)

    /// One paragraph for the terminal.
    public var description: String {
        switch self {
        case .missingFile(let path):
            return "plugin \(path): no such file"
        case .openFailed(let path, let reason):
            return "plugin \(path): cannot load the library: \(reason)"
        case .missingEntryPoint(let path, let reason):
            return "plugin \(path): no entry point \(MixupLabPlugin.entryPointName) (\(reason)); export it with @_cdecl(\"\(MixupLabPlugin.entryPointName)\")"
        case .abiMismatch(let path, let hostVersion):
            return "plugin \(path): built for another plugin ABI (this mixuplab has ABI \(hostVersion)); rebuild the plugin against this MixupLab"
        case .separateRegistry(let path):
            return "plugin \(path) sees its own copy of MixupLab, not this program's registry, so its regularizers would be invisible. "
                + Self.howToBuild
        case .noNewRegularizer(let path):
            return "plugin \(path) reported success but no new regularizer appeared in this program's registry: "
                + "it registered into its own copy of MixupLab (or registered nothing). " + Self.howToBuild
        case .registrationFailed(let path, let status):
            return "plugin \(path): \(MixupLabPlugin.entryPointName) failed with status \(status)"
        }
    }

    private static let howToBuild = "Build the plugin as a dynamic library depending on the MixupLabDynamic product (not MixupLab), and load it into a host "
                + "whose MixupLab symbols are exported: the mixuplab executable is; a host of your own needs "
                + "linkerSettings: [.unsafeFlags([\"-Xlinker\", \"--export-dynamic\"])]."
}

/// Loads regularizer plugins into this process: `dlopen` with RTLD_NOW | RTLD_GLOBAL, then the C
/// entry point `mixuplab_plugin_register(host_abi_version, host_registry)` (see `MixupLabPlugin`).
///
/// The host checks that the plugin's regularizers reached *its* `RegularizerRegistry` (new names
/// appear after a reported success), so a plugin carrying its own copy of MixupLab fails loudly
/// instead of silently registering where nobody looks.
public enum PluginLoader {
    /// A plugin that was loaded: its resolved path and the regularizer names it added.
    public struct LoadedPlugin {
        /// The library's real path (symlinks resolved), the key for "load once".
        public let path: String
        /// Names that appeared in `RegularizerRegistry` while its entry point ran.
        public let registered: [String]
    }

    private static let lock = NSLock()
    nonisolated(unsafe) private static var loadedPlugins: [LoadedPlugin] = []

    /// The plugins loaded so far, in load order.
    public static var loaded: [LoadedPlugin] { lock.withLock { loadedPlugins } }

    /// The values of `--plugin PATH` and `--plugin=PATH` in a command line (before any `--`), so
    /// `MixupLab.main()` can load them before ArgumentParser validates `--regularizer`.
    public static func pluginPaths(in arguments: [String]) -> [String] {
        var paths: [String] = []
        var index = arguments.startIndex
        while index < arguments.endIndex {
            let argument = arguments[index]
            if argument == "--" { break }
            if argument == "--plugin" {
                if index + 1 < arguments.endIndex { paths.append(arguments[index + 1]) }
                index += 2
                continue
            }
            if argument.hasPrefix("--plugin=") { paths.append(String(argument.dropFirst("--plugin=".count))) }
            index += 1
        }
        return paths
    }

    /// Loads each path in order (see `load(_:)`).
    @discardableResult
    public static func load(_ paths: [String]) throws -> [LoadedPlugin] {
        try paths.map { try load($0) }
    }

    /// Loads one plugin and runs its entry point; loading the same file again (by real path) is a
    /// no-op that returns the first result.
    @discardableResult
    public static func load(_ path: String) throws -> LoadedPlugin {
        guard FileManager.default.fileExists(atPath: path) else { throw PluginLoadError.missingFile(path: path) }
        guard let resolved = realpath(path, nil) else { throw PluginLoadError.missingFile(path: path) }
        let realPath = String(cString: resolved)
        free(resolved)
        return try lock.withLock {
            if let done = loadedPlugins.first(where: { $0.path == realPath }) { return done }
            // RTLD_NOW: an undefined symbol (a plugin built against another MixupLab) fails here,
            // with dlerror naming it, not later mid-training. RTLD_GLOBAL: the plugin's own
            // dependencies resolve like the host's.
            guard let handle = dlopen(realPath, RTLD_NOW | RTLD_GLOBAL) else {
                throw PluginLoadError.openFailed(path: path, reason: lastDLError())
            }
            guard let symbol = dlsym(handle, MixupLabPlugin.entryPointName) else {
                let reason = lastDLError()
                dlclose(handle)
                throw PluginLoadError.missingEntryPoint(path: path, reason: reason)
            }
            typealias EntryPoint = @convention(c) (UInt32, UnsafeRawPointer?) -> Int32
            let entry = unsafeBitCast(symbol, to: EntryPoint.self)
            let before = Set(RegularizerRegistry.names)
            let status = entry(MixupLabPlugin.abiVersion, MixupLabPlugin.registryToken)
            switch MixupLabPlugin.Status(rawValue: status) {
            case .success?: break
            case .abiMismatch?: throw PluginLoadError.abiMismatch(path: path, hostVersion: MixupLabPlugin.abiVersion)
            case .separateRegistry?: throw PluginLoadError.separateRegistry(path: path)
            default: throw PluginLoadError.registrationFailed(path: path, status: status)
            }
            let added = RegularizerRegistry.names.filter { !before.contains($0) }
            guard !added.isEmpty else { throw PluginLoadError.noNewRegularizer(path: path) }
            let plugin = LoadedPlugin(path: realPath, registered: added)
            loadedPlugins.append(plugin)
            return plugin
        }
    }

    private static func lastDLError() -> String {
        dlerror().map { String(cString: $0) } ?? "unknown dlopen error"
    }
}
