import ArgumentParser
import Foundation
import MixupExperiments

/// `mixuplab plot-curves`: loss or accuracy per epoch from run directories (paper Fig. 1), one
/// colour per run or seed group, one dash pattern per split.
struct PlotCurves: ParsableCommand {
    @OptionGroup var plugins: PluginOptions
    static let configuration = CommandConfiguration(
        commandName: "plot-curves",
        abstract: "Draw train/validation/test loss or accuracy per epoch from run directories' metrics.csv as SVG.",
        discussion: """
            One colour per run; train is solid, validation dashed, test dotted (a split with no values, \
            e.g. validation without a validation set, is left out). Runs whose directory names differ only \
            by -seed<N> (as `ablate` writes them) are drawn as one mean line with a mean ± 1 sample-std band \
            unless --no-group-by-seed. A graph run (DIR/fold-NN/metrics.csv) is drawn the same way: its folds \
            are the members of its group, so the line is the mean over folds and the band their spread; \
            seeds of graph runs pool every seed's folds.
            """)

    /// What to plot.
    enum MetricChoice: String, ExpressibleByArgument, CaseIterable {
        case loss, accuracy, both
    }

    @Option(name: .customLong("run"), parsing: .upToNextOption,
            help: "Run directories (each with metrics.csv, or a graph run with fold-NN/metrics.csv).")
    var runs: [String] = []
    @Option(help: "loss, accuracy, or both (two files: <out>-loss.svg and <out>-accuracy.svg).")
    var metric: MetricChoice = .loss
    @Option(help: "metrics.csv column of the training curve (default train_clean_loss or train_accuracy; train_loss is the mixing loss; 'none' omits it).")
    var trainColumn: String?
    @Option(help: "metrics.csv column of the validation curve (default validation_loss or validation_accuracy; 'none' omits it).")
    var validationColumn: String?
    @Option(help: "metrics.csv column of the test curve (default test_loss or test_accuracy; 'none' omits it).")
    var testColumn: String?
    @Flag(inversion: .prefixedNo,
          help: "Draw runs named alike but for -seed<N> as their mean with a ± std band (default), or each run as its own line.")
    var groupBySeed = true
    @Option(help: "Splits drawn with mean ± std bands when runs are grouped: all, none, or a list such as test or train,test.")
    var bands: String = "all"
    @Option(help: "Output SVG file (default runs/<metric>-curves.svg).")
    var out: String?
    @Option(help: "Plot title (default: the metric).")
    var title: String?

    func run() throws {
        guard !runs.isEmpty else { throw ValidationError("give at least one --run DIR") }
        let overrides = [trainColumn, validationColumn, testColumn].contains { $0 != nil }
        if metric == .both, overrides {
            throw ValidationError("--train-column, --validation-column and --test-column name one metric's columns; use them with --metric loss or --metric accuracy")
        }
        let bandSplits = try parseBands()
        let loaded = try runs.map { try MetricsCurves.Run(directory: URL(fileURLWithPath: $0)) }
        let groups = MetricsCurves.groups(loaded, bySeed: groupBySeed)
        let metrics: [MetricsCurves.Metric] = metric == .both ? [.loss, .accuracy] : [metric == .loss ? .loss : .accuracy]
        for m in metrics {
            let defaults = m.defaultColumns
            func pick(_ given: String?, _ fallback: String?) -> String? {
                guard let given else { return fallback }
                return given == "none" ? nil : given
            }
            let columns = MetricsCurves.Columns(train: pick(trainColumn, defaults.train),
                                                validation: pick(validationColumn, defaults.validation),
                                                test: pick(testColumn, defaults.test))
            let name = m == .loss ? "Loss" : "Accuracy"
            let plotTitle = title.map { metrics.count > 1 ? "\($0) (\(m.rawValue))" : $0 } ?? "\(name) per epoch"
            let url = outputURL(for: m, several: metrics.count > 1)
            let plot = try MetricsCurves.plot(groups, metric: m, columns: columns, bands: bandSplits, title: plotTitle)
            try OutputFiles.createFolder(url.deletingLastPathComponent())
            try OutputFiles.write(plot, to: url)
            let banded = groups.filter { $0.members.count > 1 }.count
            print("wrote \(url.path) (\(loaded.count) runs as \(groups.count) curves per split, \(banded) with mean ± std bands)")
        }
    }

    /// `--bands` as a set of splits.
    func parseBands() throws -> Set<MetricsCurves.Split> {
        switch bands {
        case "all": return Set(MetricsCurves.Split.allCases)
        case "none": return []
        default:
            return Set(try bands.split(separator: ",", omittingEmptySubsequences: false).map { name in
                guard let split = MetricsCurves.Split(rawValue: String(name)) else {
                    throw ValidationError("--bands \(bands): '\(name)' is not all, none, train, validation or test")
                }
                return split
            })
        }
    }

    /// `--out`, or `runs/<metric>-curves.svg`; with two metrics, `<out stem>-<metric>.svg`.
    func outputURL(for metric: MetricsCurves.Metric, several: Bool) -> URL {
        guard let out else { return URL(fileURLWithPath: "runs/\(metric.rawValue)-curves.svg") }
        let url = URL(fileURLWithPath: out)
        guard several else { return url }
        let ext = url.pathExtension.isEmpty ? "svg" : url.pathExtension
        return url.deletingLastPathComponent().appendingPathComponent("\(url.deletingPathExtension().lastPathComponent)-\(metric.rawValue).\(ext)")
    }
}
