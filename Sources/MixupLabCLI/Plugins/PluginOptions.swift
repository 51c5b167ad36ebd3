import ArgumentParser

/// `--plugin PATH`, shared by every command so each accepts it and lists it in `--help`.
///
/// The libraries are loaded by `MixupLab.main()` before parsing (see `PluginLoader`), so the
/// regularizers they register are already known when `--regularizer NAME` is validated; by the
/// time a command runs, `paths` only records what was loaded.
public struct PluginOptions: ParsableArguments {
    /// Dynamic libraries that register regularizers (repeatable; loaded in order, each once).
    @Option(name: .customLong("plugin"),
            help: ArgumentHelp("Load a regularizer plugin (a dynamic library exporting mixuplab_plugin_register) before parsing; repeatable.",
                               valueName: "path"))
    public var paths: [String] = []

    /// Required by `ParsableArguments`.
    public init() {}
}
