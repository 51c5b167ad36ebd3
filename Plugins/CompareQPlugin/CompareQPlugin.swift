import Foundation
import PackagePlugin

/// `swift package compare-q …`: runs `mixuplab compare-q …` from the package directory, so the plugin
/// and the command line share one implementation. Writing runs/ needs
/// `--allow-writing-to-package-directory`.
@main
struct CompareQPlugin: CommandPlugin {
    func performCommand(context: PluginContext, arguments: [String]) async throws {
        let tool = try context.tool(named: "mixuplab")
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
