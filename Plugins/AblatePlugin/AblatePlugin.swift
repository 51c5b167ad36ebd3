import Foundation
import PackagePlugin

/// `swift package ablate …`: runs `mixuplab ablate …` from the package directory, so the plugin
/// and the command line share one implementation. Writing runs/ needs
/// `--allow-writing-to-package-directory`.
@main
struct AblatePlugin: CommandPlugin {
    func performCommand(context: PluginContext, arguments: [String]) async throws {
        let tool = try context.tool(named: "mixuplab")
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
