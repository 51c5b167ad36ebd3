import Foundation
import PackagePlugin

/// `swift package compare-q …`: builds `mixuplab` in release (numeric code is 100× slower in debug, so
/// timings and run lengths would not match the command line's) and runs `mixuplab compare-q …` from
/// the package directory, so the plugin and the command line share one implementation.
/// Writing runs/ needs `--allow-writing-to-package-directory`.
@main
struct CompareQPlugin: CommandPlugin {
    func performCommand(context: PluginContext, arguments: [String]) async throws {
        let build = try packageManager.build(.product("mixuplab"), parameters: .init(configuration: .release))
        guard build.succeeded, let tool = build.builtArtifacts.first(where: { $0.kind == .executable }) else {
            throw CompareQPluginError(description: "building mixuplab in release failed:\n\(build.logText)")
        }
        let process = Process()
        process.executableURL = tool.url
        process.arguments = ["compare-q"] + arguments
        process.currentDirectoryURL = context.package.directoryURL
        try process.run()
        process.waitUntilExit()
        guard process.terminationReason == .exit, process.terminationStatus == 0 else {
            throw CompareQPluginError(description: "mixuplab compare-q failed with status \(process.terminationStatus)")
        }
    }
}

/// The wrapped command did not succeed (its own message is already on stderr).
struct CompareQPluginError: Error, CustomStringConvertible {
    let description: String
}
