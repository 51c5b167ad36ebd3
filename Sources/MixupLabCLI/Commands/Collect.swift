import ArgumentParser
import Foundation
import MixupExperiments

/// `mixuplab collect DIR`: the paper's selection on validation over a sweep, as tables and plots.
struct Collect: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Select (α, η) per dataset and arm by mean validation accuracy over seeds; write Markdown, CSV, LaTeX tables and η plots.")

    @Argument(help: "Sweep directory (holds sweep.json).")
    var directory: String
    @Option(help: "Where the tables and plots go (default DIR/collected).")
    var out: String?
    @Flag(help: "Collect even when some runs are not complete (their settings use the seeds that are).")
    var partial = false

    func run() throws {
        let sweep = URL(fileURLWithPath: directory).standardized
        let (_, results, missing) = try SweepResult.load(sweep: sweep)
        if !missing.isEmpty && !partial {
            throw ValidationError("\(missing.count) run(s) of \(sweep.path) are not complete (first: \(missing[0])); finish the sweep or pass --partial")
        }
        guard !results.isEmpty else { throw ValidationError("\(sweep.path): no complete runs to collect") }
        let outURL = out.map { URL(fileURLWithPath: $0) } ?? sweep.appendingPathComponent("collected")
        let plotsURL = outURL.appendingPathComponent("plots")
        try OutputFiles.createFolder(plotsURL)
        let selection = SweepSelection(results)
        let markdown = SweepReport.markdown(selection)
        try OutputFiles.write(markdown + "\n", to: outURL.appendingPathComponent("table.md"))
        try OutputFiles.write(SweepReport.csv(selection), to: outURL.appendingPathComponent("table.csv"))
        try OutputFiles.write(SweepReport.latex(selection) + "\n", to: outURL.appendingPathComponent("table.tex"))
        print(markdown)
        if !missing.isEmpty { print("\n(\(missing.count) run(s) not complete and left out)") }
        print("\nwrote \(outURL.path)/table.{md,csv,tex}")
        for plot in SweepReport.plots(results) {
            let url = plotsURL.appendingPathComponent(plot.name)
            try OutputFiles.write(plot.svg, to: url)
            print("plot: \(url.path)")
        }
    }
}
