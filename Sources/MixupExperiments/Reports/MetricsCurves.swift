import Foundation

/// Per-epoch curves read back from a run directory's `metrics.csv` (written by the trainer), for
/// the paper's Fig. 1 and its accuracy counterpart.
public struct MetricsCurves: Sendable {
    /// Run label (the directory name).
    public var name: String
    /// Epoch numbers.
    public var epochs: [Double]
    /// Every numeric column by header name (empty cells read as nan).
    public var columns: [String: [Double]]
    /// The header's column names in file order.
    public var columnNames: [String] = []
    /// The file the curves came from, for error messages.
    public var source: String = ""

    /// Reads `<directory>/metrics.csv`; errors name the file and line.
    public init(runDirectory: URL) throws {
        let file = runDirectory.appendingPathComponent("metrics.csv")
        guard let text = try? String(contentsOf: file, encoding: .utf8) else {
            throw ExperimentError("\(file.path): cannot read metrics.csv (is \(runDirectory.path) a run directory?)")
        }
        try self.init(csv: text, name: runDirectory.standardizedFileURL.lastPathComponent, path: file.path)
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
        self.columnNames = header
        self.source = path
    }

    /// (epoch, value) pairs of a column (empty when the column is absent).
    public func curve(_ column: String) -> [(x: Double, y: Double)] {
        guard let values = columns[column] else { return [] }
        return zip(epochs, values).map { ($0, $1) }
    }

    /// (epoch, value) pairs of a column; an absent column is an error naming the file and the
    /// columns it has.
    public func requiredCurve(_ column: String) throws -> [(x: Double, y: Double)] {
        guard columns[column] != nil else {
            throw ExperimentError("\(source): no column '\(column)'; available: \(columnNames.joined(separator: ", "))")
        }
        return curve(column)
    }

    // MARK: Run directories, folds and seed groups

    /// A `--run` directory read back: its own `metrics.csv`, or one per `fold-NN/` subdirectory
    /// for a graph run (k-fold cross-validation).
    public struct Run: Sendable {
        /// The directory's name.
        public var name: String
        /// The directory.
        public var directory: URL
        /// One entry for an ordinary run; one per fold, in fold order, for a graph run.
        public var folds: [MetricsCurves]
        /// Whether the run is a graph run's set of folds.
        public var isCrossValidated: Bool

        /// Reads `directory/metrics.csv`, or `directory/fold-NN/metrics.csv` for every fold when the
        /// directory has no metrics of its own.
        public init(directory: URL) throws {
            let directory = directory.standardizedFileURL
            self.directory = directory
            name = directory.lastPathComponent
            let fm = FileManager.default
            if fm.fileExists(atPath: directory.appendingPathComponent("metrics.csv").path) {
                folds = [try MetricsCurves(runDirectory: directory)]
                isCrossValidated = false
                return
            }
            let entries = (try? fm.contentsOfDirectory(atPath: directory.path)) ?? []
            let foldNames = entries.filter { Self.isFoldName($0) }.sorted()
            guard !foldNames.isEmpty else {
                throw ExperimentError("\(directory.appendingPathComponent("metrics.csv").path): cannot read metrics.csv and \(directory.path) has no fold-NN/ subdirectories (is it a run directory?)")
            }
            folds = try foldNames.map { try MetricsCurves(runDirectory: directory.appendingPathComponent($0)) }
            isCrossValidated = true
        }

        /// `fold-` followed by digits.
        static func isFoldName(_ name: String) -> Bool {
            name.hasPrefix("fold-") && name.count > 5 && name.dropFirst(5).allSatisfy(\.isASCII) && name.dropFirst(5).allSatisfy(\.isNumber)
        }
    }

    /// Runs drawn as one curve: the members' mean per epoch, with a mean ± std band when there
    /// are two or more members. Members are the folds of every run in the group, so a graph run's
    /// folds count as seed-like members (`n` in the legend says how many).
    public struct Group: Sendable {
        /// The legend label's stem (the run name without `-seed<N>`).
        public var name: String
        /// The runs in the group.
        public var runs: [Run]
        /// Every member curve: all folds of all runs.
        public var members: [MetricsCurves] { runs.flatMap(\.folds) }

        /// Creates a group.
        public init(name: String, runs: [Run]) {
            self.name = name
            self.runs = runs
        }

        /// Legend label: the name with what was averaged ("6 seeds", "10 folds", "3 seeds × 10 folds").
        public var label: String {
            let foldCounts = Set(runs.map { $0.isCrossValidated ? $0.folds.count : 0 })
            let folds = foldCounts.count == 1 ? foldCounts.first! : -1
            let seedsPart = runs.count > 1 ? "\(runs.count) seeds" : nil
            let foldsPart = folds == 0 ? nil : folds > 0 ? "\(folds) folds" : "\(members.count) folds in all"
            let parts = [seedsPart, foldsPart].compactMap { $0 }
            return parts.isEmpty ? name : "\(name) (\(parts.joined(separator: " × ")))"
        }
    }

    /// `name` without a trailing `-seed<N>` (the ablation's run directory naming).
    public static func seedStem(_ name: String) -> String {
        guard let range = name.range(of: "-seed", options: .backwards) else { return name }
        let digits = name[range.upperBound...]
        return !digits.isEmpty && digits.allSatisfy({ $0.isASCII && $0.isNumber }) ? String(name[..<range.lowerBound]) : name
    }

    /// Groups runs whose directories differ only by the `-seed<N>` suffix (and share a parent
    /// directory), in order of first appearance; with `bySeed` false every run is its own group.
    /// Groups whose stems coincide across parents are labelled `parent/stem`.
    public static func groups(_ runs: [Run], bySeed: Bool) -> [Group] {
        var order: [String] = []
        var byKey: [String: (stem: String, parent: String, runs: [Run])] = [:]
        for (i, run) in runs.enumerated() {
            let stem = bySeed ? seedStem(run.name) : run.name
            let parent = run.directory.deletingLastPathComponent().path
            let key = bySeed ? parent + "/" + stem : "\(i)"
            if byKey[key] == nil {
                order.append(key)
                byKey[key] = (stem, parent, [])
            }
            byKey[key]!.runs.append(run)
        }
        var stemCounts: [String: Int] = [:]
        for key in order { stemCounts[byKey[key]!.stem, default: 0] += 1 }
        return order.map { key in
            let g = byKey[key]!
            let parentName = URL(fileURLWithPath: g.parent).lastPathComponent
            return Group(name: stemCounts[g.stem]! > 1 ? "\(parentName)/\(g.stem)" : g.stem, runs: g.runs)
        }
    }

    /// Mean per epoch over the curves that have a finite value there, and the sample standard
    /// deviation where at least two do (runs stopped early drop out of later epochs).
    public static func meanAndDeviation(_ curves: [[(x: Double, y: Double)]])
        -> (mean: [(x: Double, y: Double)], band: [(x: Double, lower: Double, upper: Double)]) {
        var byEpoch: [Double: [Double]] = [:]
        for c in curves { for p in c where p.x.isFinite && p.y.isFinite { byEpoch[p.x, default: []].append(p.y) } }
        var mean: [(x: Double, y: Double)] = [], band: [(x: Double, lower: Double, upper: Double)] = []
        for x in byEpoch.keys.sorted() {
            let v = byEpoch[x]!
            let m = v.reduce(0, +) / Double(v.count)
            mean.append((x, m))
            if v.count > 1 {
                let sd = (v.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(v.count - 1)).squareRoot()
                band.append((x, m - sd, m + sd))
            }
        }
        return (mean, band)
    }

    // MARK: Plots

    /// Which quantity a curve plot shows.
    public enum Metric: String, CaseIterable, Sendable {
        case loss, accuracy

        /// metrics.csv columns of the train, validation and test curves (train loss is the clean
        /// training loss; the mixing loss is `train_loss`).
        public var defaultColumns: Columns {
            switch self {
            case .loss: Columns(train: "train_clean_loss", validation: "validation_loss", test: "test_loss")
            case .accuracy: Columns(train: "train_accuracy", validation: "validation_accuracy", test: "test_accuracy")
            }
        }

        /// y-axis label with units.
        public var axisLabel: String {
            switch self {
            case .loss: "cross-entropy loss (nats)"
            case .accuracy: "accuracy (fraction correct)"
            }
        }
    }

    /// The metrics.csv column of each split (nil: that split is not drawn).
    public struct Columns: Sendable, Equatable {
        /// Training-set column.
        public var train: String?
        /// Validation-set column.
        public var validation: String?
        /// Test-set column.
        public var test: String?
        /// Creates a column choice.
        public init(train: String?, validation: String?, test: String?) {
            self.train = train
            self.validation = validation
            self.test = test
        }
    }

    /// A data split of a run.
    public enum Split: String, CaseIterable, Sendable {
        case train, validation, test

        /// Line pattern: train solid, validation dashed, test dotted.
        public var dash: SVGPlot.Dash {
            switch self {
            case .train: .solid
            case .validation: .dashed
            case .test: .dotted
            }
        }

        /// Marker for curves of a single epoch, where no dash can show.
        public var marker: SVGPlot.Marker {
            switch self {
            case .train: .circle
            case .validation: .triangle
            case .test: .square
            }
        }
    }

    /// Train (solid), validation (dashed) and test (dotted) curves per group, one colour per group;
    /// a group of several members is drawn as its mean with a mean ± std band (for the splits in
    /// `bands`). Every named column must exist in every member's file; a split with no finite value
    /// in any file is left out (e.g. validation when the runs had no validation split). A
    /// single-epoch curve is a marker whose shape tells the split.
    public static func plot(_ groups: [Group], metric: Metric = .loss, columns: Columns? = nil,
                            bands: Set<Split> = Set(Split.allCases), title: String) throws -> SVGPlot {
        let columns = columns ?? metric.defaultColumns
        var plot = SVGPlot(title: title, xLabel: "epoch", yLabel: metric.axisLabel)
        plot.integerX = true
        let splits: [(split: Split, column: String?)] = [(.train, columns.train), (.validation, columns.validation), (.test, columns.test)]
        var drawn = Set<Split>(), singlePoints = Set<Split>()
        var banded = Set<Split>()
        for group in groups {
            for (split, column) in splits {
                guard let column else { continue }
                let curves = try group.members.map { try $0.requiredCurve(column) }
                let (mean, band) = meanAndDeviation(curves)
                guard !mean.isEmpty else { continue }
                drawn.insert(split)
                var series = SVGPlot.Series(name: "\(group.label) \(split.rawValue)", points: mean, style: .line)
                series.legendLabel = group.label
                series.dash = split.dash
                if mean.count == 1 {
                    series.marker = split.marker
                    singlePoints.insert(split)
                }
                if bands.contains(split), !band.isEmpty {
                    series.band = band
                    banded.insert(split)
                }
                plot.series.append(series)
            }
        }
        guard !plot.series.isEmpty else {
            let named = splits.compactMap(\.column).joined(separator: ", ")
            throw ExperimentError("no finite values to plot in columns \(named) of \(groups.flatMap(\.members).map(\.source).joined(separator: ", "))")
        }
        plot.styleKeyTitle = "split"
        plot.styleKey = splits.map(\.split).filter { drawn.contains($0) }.map { split in
            var entry = SVGPlot.StyleKeyEntry(name: split.rawValue, dash: split.dash)
            if singlePoints.contains(split) { entry.marker = split.marker }
            return entry
        }
        if !banded.isEmpty {
            let which = banded.count == drawn.count ? "" : " (" + Split.allCases.filter(banded.contains).map(\.rawValue).joined(separator: ", ") + ")"
            plot.styleKey.append(.init(name: "mean ± 1 std" + which, dash: .solid, isBand: true))
        }
        return plot
    }

    /// Train and test loss per epoch for several runs, one colour per run (paper Fig. 1);
    /// `trainColumn` is the clean training loss by default (the mixing loss is in `train_loss`).
    public static func plot(_ runs: [MetricsCurves], title: String, trainColumn: String = "train_clean_loss",
                            testColumn: String = "test_loss") throws -> SVGPlot {
        let groups = runs.map { run in
            Group(name: run.name, runs: [Run(name: run.name, folds: [run])])
        }
        return try plot(groups, columns: Columns(train: trainColumn, validation: nil, test: testColumn), title: title)
    }
}

extension MetricsCurves.Run {
    /// A run made of already-read curves (no directory on disk).
    public init(name: String, folds: [MetricsCurves], directory: URL = URL(fileURLWithPath: "/")) {
        self.name = name
        self.directory = directory.appendingPathComponent(name)
        self.folds = folds
        isCrossValidated = folds.count > 1
    }
}
