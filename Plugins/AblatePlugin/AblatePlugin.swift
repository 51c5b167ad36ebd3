import Foundation
import PackagePlugin

/// `swift package ablate …`: builds `mixuplab` in release (numeric code is 100× slower in debug, so
/// timings and run lengths would not match the command line's) and runs `mixuplab ablate …` from
/// the package directory, so the plugin and the command line share one implementation.
/// Writing runs/ needs `--allow-writing-to-package-directory`.
@main
struct AblatePlugin: CommandPlugin {
    func performCommand(context: PluginContext, arguments: [String]) async throws {
        let build = try packageManager.build(.product("mixuplab"), parameters: .init(configuration: .release))
        guard build.succeeded, let tool = build.builtArtifacts.first(where: { $0.kind == .executable }) else {
            throw AblatePluginError(description: "building mixuplab in release failed:\n\(build.logText)")
        }
        let process = Process()
        process.executableURL = tool.url
        process.arguments = ["ablate"] + arguments
        process.currentDirectoryURL = context.package.directoryURL
        try process.run()
        process.waitUntilExit()
        guard process.terminationReason == .exit, process.terminationStatus == 0 else {
            throw AblatePluginError(description: "mixuplab ablate failed with status \(process.terminationStatus)")
        }
    }
}

/// The wrapped command did not succeed (its own message is already on stderr).
struct AblatePluginError: Error, CustomStringConvertible {
    let description: String
}
