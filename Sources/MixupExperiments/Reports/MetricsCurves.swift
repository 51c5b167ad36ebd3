import Foundation

/// Loss curves read back from run directories' `metrics.csv` (written by the trainer), for
/// the paper's Fig. 1: train and test loss per epoch, one curve per run.
public struct MetricsCurves: Sendable {
    /// Run label (the directory name).
    public var name: String
    /// Epoch numbers.
    public var epochs: [Double]
    /// Every numeric column by header name (empty cells read as nan).
    public var columns: [String: [Double]]

    /// Reads `<directory>/metrics.csv`; errors name the file and line.
    public init(runDirectory: URL) throws {
        let file = runDirectory.appendingPathComponent("metrics.csv")
        guard let text = try? String(contentsOf: file, encoding: .utf8) else {
            throw ExperimentError("\(file.path): cannot read metrics.csv (is \(runDirectory.path) a run directory?)")
        }
        try self.init(csv: text, name: runDirectory.lastPathComponent, path: file.path)
    }

    /// Parses metrics CSV text; `path` names the source in errors.
    public init(csv text: String, name: String, path: String) throws {
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
        guard let headerLine = lines.first, !headerLine.isEmpty else { throw ExperimentError("\(path):1: empty file, expected a CSV header") }
        let header = headerLine.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        guard let epochColumn = header.firstIndex(of: "epoch") else {
            throw ExperimentError("\(path):1: no 'epoch' column in the header")
        }
        var columns = [String: [Double]]()
        for h in header { columns[h] = [] }
        for (number, line) in lines.enumerated().dropFirst() where !line.isEmpty {
            let cells = line.split(separator: ",", omittingEmptySubsequences: false)
            guard cells.count == header.count else {
                throw ExperimentError("\(path):\(number + 1): expected \(header.count) columns, found \(cells.count)")
            }
            for (h, cell) in zip(header, cells) {
                if cell.isEmpty { columns[h]!.append(.nan); continue }
                guard let v = Double(cell) else {
                    throw ExperimentError("\(path):\(number + 1): column '\(h)' is not a number: '\(cell)'")
                }
                columns[h]!.append(v)
            }
        }
        self.name = name
        self.epochs = columns[header[epochColumn]]!
        self.columns = columns
    }

    /// (epoch, value) pairs of a column (empty when the column is absent).
    public func curve(_ column: String) -> [(x: Double, y: Double)] {
        guard let values = columns[column] else { return [] }
        return zip(epochs, values).map { ($0, $1) }
    }

    /// Train and test loss per epoch for several runs (paper Fig. 1); `trainColumn` is the clean
    /// training loss by default (the mixing loss is in `train_loss`).
    public static func plot(_ runs: [MetricsCurves], title: String, trainColumn: String = "train_clean_loss",
                            testColumn: String = "test_loss") -> SVGPlot {
        var plot = SVGPlot(title: title, xLabel: "epoch", yLabel: "cross-entropy loss (nats)")
        for run in runs {
            plot.series.append(.init(name: "\(run.name) train", points: run.curve(trainColumn), style: .lineAndMarkers))
            plot.series.append(.init(name: "\(run.name) test", points: run.curve(testColumn), style: .line))
        }
        return plot
    }
}
