import ArgumentParser
import Foundation
import MixupExperiments

/// `mixuplab plot-curves`: train/test loss curves from run directories (paper Fig. 1).
struct PlotCurves: ParsableCommand {
    @OptionGroup var plugins: PluginOptions
    static let configuration = CommandConfiguration(
        commandName: "plot-curves",
        abstract: "Draw train and test loss per epoch from run directories' metrics.csv into one SVG.")

    @Option(name: .customLong("run"), parsing: .upToNextOption, help: "Run directories (each with metrics.csv).")
    var runs: [String] = []
    @Option(help: "metrics.csv column for the training curve (train_clean_loss or train_loss, the mixing loss).")
    var trainColumn: String = "train_clean_loss"
    @Option(help: "Output SVG file.")
    var out: String = "runs/loss-curves.svg"
    @Option(help: "Plot title.")
    var title: String = "Train and test loss"

    func run() throws {
        guard !runs.isEmpty else { throw ValidationError("give at least one --run DIR") }
        let curves = try runs.map { try MetricsCurves(runDirectory: URL(fileURLWithPath: $0)) }
        let url = URL(fileURLWithPath: out)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try MetricsCurves.plot(curves, title: title, trainColumn: trainColumn).write(to: url)
        print("wrote \(url.path) (\(curves.count) runs)")
    }
}
