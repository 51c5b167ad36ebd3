import ArgumentParser
import MixupRegularizers

/// `mixuplab regularizers`: what can be named with `--regularizer`.
struct Regularizers: ParsableCommand {
    @OptionGroup var plugins: PluginOptions
    static let configuration = CommandConfiguration(abstract: "List the registered regularizers.")

    func run() throws {
        for name in RegularizerRegistry.names {
            print("\(name)\t\(RegularizerRegistry.type(named: name)!.summary)")
        }
    }
}
