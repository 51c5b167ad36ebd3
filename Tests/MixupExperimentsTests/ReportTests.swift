import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import MixupExperiments
import MixupTestSupport
import MixupTraining
import XCTest

/// Counts elements and attributes of an XML document while checking it is well-formed.
private final class ElementCounter: NSObject, XMLParserDelegate {
    var counts: [String: Int] = [:]
    /// Elements drawn inside series groups (data), apart from the legend's swatches.
    var seriesCounts: [String: Int] = [:]
    var seriesNames: [String] = []
    private var seriesDepth = 0, depth = 0
    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        depth += 1
        counts[name, default: 0] += 1
        if seriesDepth > 0 { seriesCounts[name, default: 0] += 1 }
        if name == "g", attributes["class"] == "series", let n = attributes["data-name"] {
            seriesNames.append(n)
            seriesDepth = depth
        }
    }
    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        if depth == seriesDepth { seriesDepth = 0 }
        depth -= 1
    }
}

final class ReportTests: XCTestCase {
    private func parse(_ svg: String, file: StaticString = #filePath, line: UInt = #line) -> ElementCounter {
        let parser = XMLParser(data: Data(svg.utf8))
        let counter = ElementCounter()
        parser.delegate = counter
        XCTAssertTrue(parser.parse(), "SVG is not well-formed XML: \(parser.parserError.map { "\($0)" } ?? "?")", file: file, line: line)
        return counter
    }

    func testScatterPlotIsWellFormedWithOneMarkerPerPointAndDiagonal() {
        var plot = SVGPlot(title: "q̄ vs q <&> \"quotes\"", xLabel: "exact q", yLabel: "approx q̄")
        plot.showsDiagonal = true
        plot.series = [.init(name: "epoch 0", points: [(1, 1.1), (2, 1.9), (-1, -0.8)], style: .markers),
                       .init(name: "epoch 5 & more", points: [(0.5, 0.4), (3, 3.2)], style: .markers)]
        let counts = parse(plot.render())
        XCTAssertEqual(counts.seriesNames, ["epoch 0", "epoch 5 & more"])
        XCTAssertEqual(counts.seriesCounts["circle"], 5)
        XCTAssertEqual(counts.counts["svg"], 1)
    }

    func testLinePlotHasOnePolylinePerSeriesAndAxisTicks() {
        var plot = SVGPlot(title: "loss", xLabel: "epoch", yLabel: "loss (nats)")
        plot.series = (0..<3).map { k in .init(name: "run \(k)", points: (1...10).map { (Double($0), 1 / Double($0 + k)) }) }
        let counts = parse(plot.render())
        XCTAssertEqual(counts.counts["polyline"], 3)
        XCTAssertGreaterThanOrEqual(counts.counts["text"] ?? 0, 3 + 3 + 6, "title, axis labels, legend and ticks")
    }

    func testLogScalePlotSkipsNonPositiveValues() {
        var plot = SVGPlot(title: "error", xLabel: "J", yLabel: "|error|")
        plot.logarithmicY = true
        plot.series = [.init(name: "α = 0.1", points: [(1, 1e-2), (2, 1e-4), (3, 0), (4, 1e-7)], style: .lineAndMarkers)]
        let counts = parse(plot.render())
        XCTAssertEqual(counts.seriesCounts["circle"], 3)
    }

    func testMarkdownTableEscapesPipesAndPadsRows() {
        var t = MarkdownTable(header: ["a", "b"])
        t.append(["x|y"])
        XCTAssertEqual(t.render(), "| a | b |\n|---|---|\n| x\\|y |  |")
    }

    func testCSVQuotesCellsWithCommasAndQuotes() {
        var t = CSVTable(header: ["name", "value"])
        t.append(["a,b", "say \"hi\""])
        XCTAssertEqual(t.render(), "name,value\n\"a,b\",\"say \"\"hi\"\"\"\n")
    }

    func testMetricsCurvesRejectRaggedRowWithFileAndLine() throws {
        let text = "epoch,train_clean_loss,test_loss\n1,0.9,1.0\n2,0.8\n"
        XCTAssertThrowsError(try MetricsCurves(csv: text, name: "run", path: "runs/x/metrics.csv")) { error in
            XCTAssertEqual("\(error)", "runs/x/metrics.csv:3: expected 3 columns, found 2")
        }
    }

    func testMetricsCurvesRejectNonNumberWithFileAndLine() {
        let text = "epoch,test_loss\n1,abc\n"
        XCTAssertThrowsError(try MetricsCurves(csv: text, name: "run", path: "m.csv")) { error in
            XCTAssertEqual("\(error)", "m.csv:2: column 'test_loss' is not a number: 'abc'")
        }
    }

    func testLossCurvesPlotReadsRunDirectoryAndDrawsTrainAndTestPerRun() throws {
        let dir = try makeTemporaryDirectory()
        for name in ["mixup", "erm"] {
            let run = dir.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: run, withIntermediateDirectories: true)
            try "epoch,train_clean_loss,test_loss\n1,0.9,1.0\n2,0.7,0.95\n3,0.6,\n"
                .write(to: run.appendingPathComponent("metrics.csv"), atomically: true, encoding: .utf8)
        }
        let curves = try ["mixup", "erm"].map { try MetricsCurves(runDirectory: dir.appendingPathComponent($0)) }
        XCTAssertEqual(curves[0].epochs, [1, 2, 3])
        let counts = parse(try MetricsCurves.plot(curves, title: "Fig. 1").render())
        XCTAssertEqual(counts.seriesNames, ["mixup train", "mixup test", "erm train", "erm test"])
        XCTAssertEqual(counts.seriesCounts["polyline"], 4, "a line per run and split; splits differ by dash, not markers")
        XCTAssertEqual(counts.seriesCounts["circle"], nil)
    }

    func testMissingMetricsFileIsAnErrorNamingIt() {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("no-such-run-\(UUID().uuidString)")
        XCTAssertThrowsError(try MetricsCurves(runDirectory: dir)) { error in
            XCTAssertTrue("\(error)".contains("metrics.csv"), "\(error)")
        }
    }
}
