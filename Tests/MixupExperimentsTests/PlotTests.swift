import Foundation
import MixupExperiments
import MixupTestSupport
import MixupTraining
import XCTest

/// Every kind of SVG the reports draw, checked by parsing the XML: geometry inside the viewBox,
/// legend entries that match drawn series by colour, integer epoch ticks, seed bands, errors.
final class PlotTests: XCTestCase {
    /// A metrics.csv in the trainer's format: loss falls and accuracy rises with the epoch, both
    /// shifted by `offset` (a seed's effect); validation cells are empty unless `validation`.
    private func metricsCSV(epochs: Int, offset: Double, validation: Bool = false) -> String {
        var text = EpochMetrics.csvColumns.joined(separator: ",") + "\n"
        for e in 1...epochs {
            let x = Double(e)
            let loss = 1 / x + offset, accuracy = 0.9 - 0.5 / x - offset / 10
            let cells: [Double?] = [x, loss + 0.2, 0, 1, accuracy, loss, validation ? accuracy - 0.02 : nil, validation ? loss + 0.05 : nil,
                                    accuracy - 0.05, loss + 0.1, 0.001, 0.1, 1000]
            // Columns after the thirteenth (the weight average's) are empty, as in a run without --ema.
            let row = cells + [Double?](repeating: nil, count: EpochMetrics.csvColumns.count - cells.count)
            text += row.map { $0.map { "\($0)" } ?? "" }.joined(separator: ",") + "\n"
        }
        return text
    }

    /// Writes run directories `name/metrics.csv` under a fresh directory; returns their URLs.
    private func writeRuns(_ runs: [(name: String, csv: String)]) throws -> [URL] {
        let dir = try makeTemporaryDirectory()
        return try runs.map { run in
            try write(Array(run.csv.utf8), to: dir.appendingPathComponent(run.name), "metrics.csv").deletingLastPathComponent()
        }
    }

    /// 6 seeds each of iris-mixup and iris-erm, 20 epochs.
    private func twelveSeedRuns(validation: Bool = false) throws -> [MetricsCurves.Run] {
        let specs = ["iris-mixup", "iris-erm"].enumerated().flatMap { arm, name in
            (0..<6).map { s in (name: "\(name)-seed\(s)", csv: metricsCSV(epochs: 20, offset: Double(arm) * 0.3 + Double(s) * 0.02, validation: validation)) }
        }
        return try writeRuns(specs).map { try MetricsCurves.Run(directory: $0) }
    }

    /// The structural checks every plot must pass.
    private func assertWellFormedPlot(_ doc: SVGDocument, file: StaticString = #filePath, line: UInt = #line) {
        let outside = doc.elementsOutsideViewBox()
        XCTAssertTrue(outside.isEmpty, "outside the viewBox:\n" + outside.prefix(10).joined(separator: "\n"), file: file, line: line)
        let unmatched = doc.legendEntriesWithoutMatchingSeries()
        XCTAssertTrue(unmatched.isEmpty, unmatched.joined(separator: "\n"), file: file, line: line)
        XCTAssertFalse(doc.legendEntries.isEmpty, "a legend", file: file, line: line)
    }

    private func assertIntegerTicks(_ labels: [String], file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertFalse(labels.isEmpty, file: file, line: line)
        for l in labels { XCTAssertNotNil(Int(l), "epoch tick '\(l)' is not an integer", file: file, line: line) }
    }

    // MARK: Loss and accuracy curves

    func testOneEpochRunHasTheSingleTickOneAndMarkersForItsPoints() throws {
        let run = try MetricsCurves.Run(directory: writeRuns([("iris-mixup-seed0", metricsCSV(epochs: 1, offset: 0))])[0])
        let plot = try MetricsCurves.plot(MetricsCurves.groups([run], bySeed: true), metric: .loss, title: "one epoch")
        let doc = try SVGDocument(plot.render())
        assertWellFormedPlot(doc)
        XCTAssertEqual(doc.tickLabels("x-axis"), ["1"])
        XCTAssertEqual(doc.legendEntries.map(\.name), ["iris-mixup"])
        let series = doc.series(legend: "iris-mixup")
        XCTAssertEqual(series.compactMap { $0["data-name"] }, ["iris-mixup train", "iris-mixup test"], "validation is empty, so left out")
        // A single point shows no dash, so the split is told by the marker shape, which the key shows.
        func shapes(_ e: SVGElement) -> [String] { e.all.map(\.name).filter { ["circle", "rect", "polygon"].contains($0) } }
        XCTAssertEqual(series.map(shapes), [["circle"], ["rect"]], "train a circle, test a square")
        let key = doc.root.elements(class: "style-key-entry")
        XCTAssertEqual(key.compactMap { $0["data-name"] }, ["train", "test"])
        XCTAssertEqual(key.map(shapes), [["circle"], ["rect"]])
    }

    func testTwelveSeedRunsBecomeTwoMeanLinesWithStdBandsInTheirColours() throws {
        let groups = MetricsCurves.groups(try twelveSeedRuns(), bySeed: true)
        XCTAssertEqual(groups.map(\.label), ["iris-mixup (6 seeds)", "iris-erm (6 seeds)"])
        let doc = try SVGDocument(try MetricsCurves.plot(groups, metric: .loss, title: "12 runs").render())
        assertWellFormedPlot(doc)
        assertIntegerTicks(doc.tickLabels("x-axis"))
        let legend = doc.legendEntries
        XCTAssertEqual(legend.map(\.name), ["iris-mixup (6 seeds)", "iris-erm (6 seeds)"])
        XCTAssertEqual(Set(legend.flatMap(\.colors)).count, 2, "one colour per group")
        XCTAssertEqual(doc.root.elements(class: "style-key-entry").compactMap { $0["data-name"] }, ["train", "test", "mean ± 1 std"])

        let bands = doc.root.elements(class: "band")
        XCTAssertEqual(bands.count, 4, "a band per group and split")
        for band in bands {
            let name = try XCTUnwrap(band["data-name"])
            let entry = try XCTUnwrap(legend.first { $0.name == band["data-legend"] })
            XCTAssertEqual(band.paintedColors, entry.colors, "band \(name) in its group's colour")
            // The band brackets the mean line at every epoch (SVG y grows downwards).
            let line = try XCTUnwrap(doc.root.elements(class: "series").first { $0["data-name"] == name }?.elements(named: "polyline").first)
            let mean = points(line["points"]), polygon = points(band.elements(named: "polygon").first?["points"])
            XCTAssertEqual(mean.count, 20)
            XCTAssertEqual(polygon.count, 40, "upper edge forwards, lower edge backwards")
            for (i, m) in mean.enumerated() {
                let upper = polygon[i], lower = polygon[polygon.count - 1 - i]
                XCTAssertEqual(upper.x, m.x, accuracy: 0.01)
                XCTAssertEqual(lower.x, m.x, accuracy: 0.01)
                XCTAssertLessThan(upper.y, m.y, "\(name) epoch \(i + 1): upper edge above the mean")
                XCTAssertGreaterThan(lower.y, m.y, "\(name) epoch \(i + 1): lower edge below the mean")
            }
        }
    }

    func testBandsCanBeLimitedToTheTestSplitAndTheKeySaysSo() throws {
        let groups = MetricsCurves.groups(try twelveSeedRuns(validation: true), bySeed: true)
        let doc = try SVGDocument(try MetricsCurves.plot(groups, metric: .accuracy, bands: [.test], title: "test bands").render())
        assertWellFormedPlot(doc)
        XCTAssertEqual(doc.root.elements(class: "band").compactMap { $0["data-name"] },
                       ["iris-mixup (6 seeds) test", "iris-erm (6 seeds) test"])
        XCTAssertEqual(doc.root.elements(class: "style-key-entry").compactMap { $0["data-name"] },
                       ["train", "validation", "test", "mean ± 1 std (test)"])
        for entry in doc.root.elements(class: "legend-entry") {
            XCTAssertEqual(entry.elements(named: "rect").count, 1, "\(entry["data-name"]!): the run's swatch shows its band")
        }
    }

    func testTwelveIndividualRunsGetTwelveColoursAndOneDashPerSplit() throws {
        let groups = MetricsCurves.groups(try twelveSeedRuns(validation: true), bySeed: false)
        let doc = try SVGDocument(try MetricsCurves.plot(groups, metric: .loss, title: "12 runs").render())
        assertWellFormedPlot(doc)
        let legend = doc.legendEntries
        XCTAssertEqual(legend.count, 12)
        XCTAssertEqual(Set(legend.flatMap(\.colors)).count, 12, "twelve distinguishable colours before any repeats")
        XCTAssertTrue(doc.root.elements(class: "band").isEmpty, "individual runs have no bands")
        let keyDashes = Dictionary(uniqueKeysWithValues: doc.root.elements(class: "style-key-entry").map {
            ($0["data-name"] ?? "", $0.elements(named: "line").first?["stroke-dasharray"] ?? "solid")
        })
        XCTAssertEqual(Set(keyDashes.keys), ["train", "validation", "test"])
        XCTAssertEqual(Set(keyDashes.values).count, 3, "three distinct dash patterns")
        XCTAssertEqual(keyDashes["train"], "solid")
        for entry in legend {
            let series = doc.series(legend: entry.name)
            XCTAssertEqual(series.count, 3, "\(entry.name): train, validation, test")
            for s in series {
                let split = try XCTUnwrap(s["data-name"]?.split(separator: " ").last.map(String.init))
                let polyline = try XCTUnwrap(s.elements(named: "polyline").first)
                XCTAssertEqual(polyline["stroke-dasharray"] ?? "solid", keyDashes[split], "\(s["data-name"]!) drawn as the key says")
                XCTAssertEqual(polyline["stroke"].map { Set([$0]) }, entry.colors, "all of a run's splits in the run's colour")
            }
        }
        // 12 entries and the style key fit beside the plot, which widens the SVG.
        let legendX = doc.root.elements(class: "legend-entry").compactMap { $0.elements(named: "text").first?["x"].flatMap(Double.init) }
        XCTAssertTrue(legendX.allSatisfy { $0 > 760 - 25 }, "legend right of the plot area")
        XCTAssertGreaterThan(doc.width, 760)
    }

    func testAccuracyPlotDrawsTheAccuracyColumnsRising() throws {
        let runs = try writeRuns([("a", metricsCSV(epochs: 10, offset: 0, validation: true))]).map { try MetricsCurves.Run(directory: $0) }
        let plot = try MetricsCurves.plot(MetricsCurves.groups(runs, bySeed: true), metric: .accuracy, title: "accuracy")
        XCTAssertEqual(plot.yLabel, "accuracy (fraction correct)")
        let doc = try SVGDocument(plot.render())
        assertWellFormedPlot(doc)
        assertIntegerTicks(doc.tickLabels("x-axis"))
        let yTicks = doc.tickLabels("y-axis").compactMap(Double.init)
        XCTAssertEqual(yTicks.count, doc.tickLabels("y-axis").count, "numeric y ticks")
        XCTAssertTrue(yTicks.allSatisfy { $0 >= 0 && $0 <= 1 }, "accuracy ticks \(yTicks)")
        XCTAssertEqual(doc.series(legend: "a").compactMap { $0["data-name"] }, ["a train", "a validation", "a test"])
        for s in doc.series(legend: "a") {
            let ys = points(s.elements(named: "polyline").first?["points"]).map(\.y)
            XCTAssertEqual(ys.count, 10)
            XCTAssertEqual(ys, ys.sorted(by: >), "\(s["data-name"]!): accuracy rises, so the line climbs")
        }
    }

    func testUnknownColumnIsAnErrorNamingTheFileAndTheAvailableColumns() throws {
        let url = try writeRuns([("run", metricsCSV(epochs: 2, offset: 0))])[0]
        let groups = MetricsCurves.groups([try MetricsCurves.Run(directory: url)], bySeed: true)
        let columns = MetricsCurves.Columns(train: "nope", validation: nil, test: "test_loss")
        XCTAssertThrowsError(try MetricsCurves.plot(groups, columns: columns, title: "t")) { error in
            XCTAssertEqual("\(error)", "\(url.standardizedFileURL.appendingPathComponent("metrics.csv").path): no column 'nope'; available: "
                           + EpochMetrics.csvColumns.joined(separator: ", "))
        }
    }

    func testColumnsWithNoValuesAnywhereAreAnError() throws {
        let url = try writeRuns([("run", metricsCSV(epochs: 2, offset: 0))])[0]
        let groups = MetricsCurves.groups([try MetricsCurves.Run(directory: url)], bySeed: true)
        let columns = MetricsCurves.Columns(train: nil, validation: "validation_loss", test: nil)
        XCTAssertThrowsError(try MetricsCurves.plot(groups, columns: columns, title: "t")) { error in
            XCTAssertTrue("\(error)".hasPrefix("no finite values to plot in columns validation_loss of "), "\(error)")
        }
    }

    func testEpochTicksAreWholeNumbersWithNiceSteps() throws {
        for (epochs, expected) in [(2, ["1", "2"]), (3, ["1", "2", "3"]), (20, ["5", "10", "15", "20"]), (200, ["50", "100", "150", "200"])] {
            let runs = try writeRuns([("r", metricsCSV(epochs: epochs, offset: 0))]).map { try MetricsCurves.Run(directory: $0) }
            let doc = try SVGDocument(try MetricsCurves.plot(MetricsCurves.groups(runs, bySeed: true), title: "t").render())
            XCTAssertEqual(doc.tickLabels("x-axis"), expected, "\(epochs) epochs")
        }
    }

    // MARK: Graph runs and grouping

    func testGraphRunFoldsAreMembersOfOneBandedCurve() throws {
        let dir = try makeTemporaryDirectory()
        let run = dir.appendingPathComponent("MUTAG-mixupe-seed0")
        for fold in 1...3 {
            try write(Array(metricsCSV(epochs: 5, offset: Double(fold) * 0.05).utf8), to: run, String(format: "fold-%02d/metrics.csv", fold))
        }
        let loaded = try MetricsCurves.Run(directory: run)
        XCTAssertTrue(loaded.isCrossValidated)
        XCTAssertEqual(loaded.folds.count, 3)
        let groups = MetricsCurves.groups([loaded], bySeed: true)
        XCTAssertEqual(groups.map(\.label), ["MUTAG-mixupe (3 folds)"])
        let doc = try SVGDocument(try MetricsCurves.plot(groups, title: "graph").render())
        assertWellFormedPlot(doc)
        XCTAssertEqual(doc.root.elements(class: "band").count, 2, "train and test bands over the folds")
    }

    func testDirectoryWithoutMetricsOrFoldsIsAnErrorNamingIt() throws {
        let dir = try makeTemporaryDirectory()
        XCTAssertThrowsError(try MetricsCurves.Run(directory: dir)) { error in
            XCTAssertTrue("\(error)".contains(dir.standardizedFileURL.path + "/metrics.csv"), "\(error)")
            XCTAssertTrue("\(error)".contains("fold-NN"), "\(error)")
        }
    }

    func testSeedStemRemovesOnlyATrailingSeedNumber() {
        XCTAssertEqual(MetricsCurves.seedStem("iris-mixup-seed12"), "iris-mixup")
        XCTAssertEqual(MetricsCurves.seedStem("iris-mixupe-taylor-seed0"), "iris-mixupe-taylor")
        XCTAssertEqual(MetricsCurves.seedStem("iris-seed"), "iris-seed")
        XCTAssertEqual(MetricsCurves.seedStem("iris-seed1x"), "iris-seed1x")
        XCTAssertEqual(MetricsCurves.seedStem("seed3-erm"), "seed3-erm")
    }

    func testMeanAndSampleDeviationUseTheMembersPresentAtEachEpoch() {
        let (mean, band) = MetricsCurves.meanAndDeviation([[(1, 1), (2, 2)], [(1, 3), (2, 4)], [(1, 5), (2, .nan)]])
        XCTAssertEqual(mean.map(\.x), [1, 2])
        XCTAssertEqual(mean.map(\.y), [3, 3])
        XCTAssertEqual(band[0].lower, 1, accuracy: 1e-12)   // sd of 1, 3, 5 is 2
        XCTAssertEqual(band[0].upper, 5, accuracy: 1e-12)
        XCTAssertEqual(band[1].upper - 3, 2.0.squareRoot(), accuracy: 1e-12)   // sd of 2, 4
    }

    // MARK: Other SVGPlot kinds

    func testQScatterWithDiagonalHasLegendEntriesForEverySeriesAndTheDiagonal() throws {
        var plot = SVGPlot(title: "approximate q̄ against exact q", xLabel: "exact q", yLabel: "approximate q̄")
        plot.showsDiagonal = true
        plot.series = (0..<3).map { (k: Int) -> SVGPlot.Series in
            let points: [(x: Double, y: Double)] = (0..<30).map { (i: Int) -> (x: Double, y: Double) in
                let x = Double(i) / 10 - 1.5
                return (x, 0.9 * x - 0.05 + Double(k) * 0.05)
            }
            return SVGPlot.Series(name: "epoch \(k * 5)", points: points, style: .markers)
        }
        let doc = try SVGDocument(plot.render())
        assertWellFormedPlot(doc)
        XCTAssertEqual(doc.legendEntries.map(\.name), ["y = x", "epoch 0", "epoch 5", "epoch 10"])
        XCTAssertEqual(doc.root.elements(class: "diagonal").count, 1)
        for k in 0..<3 { XCTAssertEqual(doc.series(legend: "epoch \(k * 5)").first?.elements(named: "circle").count, 30) }
    }

    func testLogYPlotTicksAreDecadesAndSkipsNonPositiveValues() throws {
        var plot = SVGPlot(title: "truncation error", xLabel: "expansion order J", yLabel: "|error| (nats)")
        plot.logarithmicY = true
        plot.integerX = true
        plot.series = [0.1, 0.5, 1.0].map { (a: Double) -> SVGPlot.Series in
            let points: [(x: Double, y: Double)] = (1...4).map { (j: Int) -> (x: Double, y: Double) in
                (Double(j), j == 3 && a == 1 ? 0 : pow(a, Double(j)) * 1e-2)
            }
            return SVGPlot.Series(name: "α = \(a)", points: points, style: .lineAndMarkers)
        }
        let doc = try SVGDocument(plot.render())
        assertWellFormedPlot(doc)
        assertIntegerTicks(doc.tickLabels("x-axis"))
        let yTicks = doc.tickLabels("y-axis")
        XCTAssertTrue(yTicks.allSatisfy { $0.hasPrefix("1e") && Int($0.dropFirst(2)) != nil }, "\(yTicks)")
        XCTAssertEqual(doc.series(legend: "α = 1.0").first?.elements(named: "circle").count, 3, "the zero is skipped")
    }

    func testManyLongNamesWrapBelowThePlotTruncatedWithAnEllipsis() throws {
        var plot = SVGPlot(title: String(repeating: "a very long title ", count: 10), xLabel: "epoch", yLabel: "loss")
        plot.integerX = true
        plot.series = (0..<40).map { (k: Int) -> SVGPlot.Series in
            let points: [(x: Double, y: Double)] = (1...5).map { (Double($0), Double(k) + 1 / Double($0)) }
            return SVGPlot.Series(name: "run-with-a-really-long-descriptive-name-number-\(k)", points: points)
        }
        let doc = try SVGDocument(plot.render())
        assertWellFormedPlot(doc)
        XCTAssertEqual(doc.legendEntries.count, 40)
        XCTAssertGreaterThan(doc.height, 500, "the legend below makes the SVG taller")
        let texts = doc.root.elements(class: "legend-entry").compactMap { $0.elements(named: "text").first?.text }
        XCTAssertTrue(texts.allSatisfy { $0.count <= 36 && $0.hasSuffix("…") }, "\(texts.prefix(2))")
        XCTAssertTrue(doc.root.elements(class: "title").first?.text.hasSuffix("…") ?? false)
    }

    func testSeriesBeyondThePaletteRepeatAColourWithADifferentMarker() throws {
        var plot = SVGPlot(title: "14 runs", xLabel: "epoch", yLabel: "loss")
        plot.series = (0..<14).map { (k: Int) -> SVGPlot.Series in
            let points: [(x: Double, y: Double)] = (1...4).map { (Double($0), Double(k) / Double($0)) }
            return SVGPlot.Series(name: "run \(k)", points: points)
        }
        let doc = try SVGDocument(plot.render())
        assertWellFormedPlot(doc)
        let legend = doc.legendEntries
        XCTAssertEqual(legend[12].colors, legend[0].colors)
        XCTAssertEqual(doc.series(legend: "run 0").first?.elements(named: "circle").count, 0, "the first twelve are plain lines")
        XCTAssertEqual(doc.series(legend: "run 12").first?.elements(named: "rect").count, 4, "the 13th has square markers")
        let entry12 = doc.root.elements(class: "legend-entry")[12]
        XCTAssertEqual(entry12.elements(named: "rect").count, 1, "and its legend entry shows the square")
    }

    /// "x,y x,y …" as points.
    private func points(_ text: String?) -> [(x: Double, y: Double)] {
        (text ?? "").split(separator: " ").compactMap { pair in
            let xy = pair.split(separator: ",").compactMap { Double($0) }
            return xy.count == 2 ? (xy[0], xy[1]) : nil
        }
    }
}
