import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import XCTest

/// An SVG document parsed into a small element tree (with FoundationXML's `XMLParser`), and the
/// structural checks the plot tests share: geometry inside the viewBox, legend entries matched
/// to drawn series, axis tick labels.
final class SVGElement {
    let name: String
    let attributes: [String: String]
    var children: [SVGElement] = []
    var text = ""
    weak var parent: SVGElement?

    init(name: String, attributes: [String: String], parent: SVGElement?) {
        self.name = name
        self.attributes = attributes
        self.parent = parent
    }

    subscript(_ attribute: String) -> String? { attributes[attribute] }

    /// This element and every descendant, in document order.
    var all: [SVGElement] { [self] + children.flatMap(\.all) }

    /// Descendants (and self) with `class` equal to `cls`.
    func elements(class cls: String) -> [SVGElement] { all.filter { $0["class"] == cls } }

    /// Descendants (and self) named `name`.
    func elements(named name: String) -> [SVGElement] { all.filter { $0.name == name } }

    /// The nearest value of an inherited attribute (e.g. `font-size`).
    func inherited(_ attribute: String) -> String? { self[attribute] ?? parent?.inherited(attribute) }

    /// Whether some ancestor has `class` equal to `cls`.
    func isInside(class cls: String) -> Bool {
        var p = parent
        while let e = p { if e["class"] == cls { return true }; p = e.parent }
        return false
    }

    /// Colours this element and its descendants visibly paint (strokes and fills, not "none"/"white").
    var paintedColors: Set<String> {
        var colors = Set<String>()
        for e in all where e.name != "g" && e.name != "text" {
            for key in ["stroke", "fill"] {
                if let c = e[key] ?? (key == "fill" && ["circle", "rect", "polygon"].contains(e.name) ? e.inherited("fill") : nil),
                   c != "none", c != "white" { colors.insert(c.lowercased()) }
            }
        }
        return colors
    }
}

private final class TreeBuilder: NSObject, XMLParserDelegate {
    var root: SVGElement?
    var current: SVGElement?
    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        let e = SVGElement(name: name, attributes: attributes, parent: current)
        if let current { current.children.append(e) } else { root = e }
        current = e
    }
    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        current = current?.parent
    }
    func parser(_ parser: XMLParser, foundCharacters string: String) { current?.text += string }
}

/// Thrown after a recorded failure when a document cannot be inspected further.
struct SVGCheckError: Error {
    let reason: String
    init(_ reason: String) { self.reason = reason }
}

/// A parsed SVG with its viewBox.
struct SVGDocument {
    let root: SVGElement
    let width: Double, height: Double

    /// Parses `svg`, failing the test when it is not well-formed or lacks a `0 0 W H` viewBox.
    init(_ svg: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let parser = XMLParser(data: Data(svg.utf8))
        let builder = TreeBuilder()
        parser.delegate = builder
        guard parser.parse(), let root = builder.root, root.name == "svg" else {
            XCTFail("SVG is not well-formed XML: \(parser.parserError.map { "\($0)" } ?? "?")", file: file, line: line)
            throw SVGCheckError("unparseable SVG")
        }
        let box = (root["viewBox"] ?? "").split(separator: " ").compactMap { Double($0) }
        guard box.count == 4, box[0] == 0, box[1] == 0 else {
            XCTFail("viewBox is not '0 0 W H': \(root["viewBox"] ?? "missing")", file: file, line: line)
            throw SVGCheckError("no viewBox")
        }
        XCTAssertEqual(root["width"].flatMap(Double.init), box[2], "width attribute matches the viewBox", file: file, line: line)
        XCTAssertEqual(root["height"].flatMap(Double.init), box[3], "height attribute matches the viewBox", file: file, line: line)
        self.root = root
        width = box[2]
        height = box[3]
    }

    /// Estimated text width, an independent average of 0.6 em per character.
    static func textWidth(_ text: String, fontSize: Double) -> Double { Double(text.count) * fontSize * 0.6 }

    /// Every coordinate of lines, rects, circles, polylines and polygons, and the estimated extent
    /// of every text, lies inside the viewBox; returns a description of each offender.
    func elementsOutsideViewBox() -> [String] {
        var problems: [String] = []
        func check(_ x: Double, _ y: Double, _ what: @autoclosure () -> String) {
            if !(x >= -0.01 && x <= width + 0.01 && y >= -0.01 && y <= height + 0.01) {
                problems.append("\(what()) at (\(x), \(y)) outside 0 0 \(width) \(height)")
            }
        }
        func d(_ e: SVGElement, _ key: String) -> Double { Double(e[key] ?? "0") ?? .nan }
        for e in root.all {
            switch e.name {
            case "line":
                check(d(e, "x1"), d(e, "y1"), "line start"); check(d(e, "x2"), d(e, "y2"), "line end")
            case "rect":
                check(d(e, "x"), d(e, "y"), "rect corner")
                check(d(e, "x") + d(e, "width"), d(e, "y") + d(e, "height"), "rect far corner")
            case "circle":
                check(d(e, "cx") - d(e, "r"), d(e, "cy") - d(e, "r"), "circle")
                check(d(e, "cx") + d(e, "r"), d(e, "cy") + d(e, "r"), "circle")
            case "polyline", "polygon":
                for pair in (e["points"] ?? "").split(separator: " ") {
                    let xy = pair.split(separator: ",").compactMap { Double($0) }
                    if xy.count == 2 { check(xy[0], xy[1], "\(e.name) point") } else { problems.append("bad point '\(pair)'") }
                }
            case "text":
                let size = Double(e.inherited("font-size") ?? "13") ?? 13
                let w = Self.textWidth(e.text, fontSize: size)
                var x = d(e, "x"), y = d(e, "y")
                var horizontal = true
                if let t = e["transform"] {
                    let numbers = t.replacingOccurrences(of: "translate(", with: "").split(whereSeparator: { " ()".contains($0) })
                        .compactMap { Double($0) }
                    x = numbers[0]; y = numbers[1]
                    horizontal = !t.contains("rotate(-90)")
                }
                let (lo, hi): (Double, Double) = switch e["text-anchor"] {
                case "middle": (-w / 2, w / 2)
                case "end": (-w, 0)
                default: (0, w)
                }
                if horizontal {
                    check(x + lo, y, "start of text '\(e.text)'"); check(x + hi, y, "end of text '\(e.text)'")
                    check(x, y - size, "top of text '\(e.text)'")
                } else {
                    check(x, y - hi, "end of rotated text '\(e.text)'"); check(x, y - lo, "start of rotated text '\(e.text)'")
                    check(x - size, y, "top of rotated text '\(e.text)'")
                }
            default: break
            }
        }
        return problems
    }

    /// Legend entries (excluding the style key) as (name, swatch colour).
    var legendEntries: [(name: String, colors: Set<String>)] {
        root.elements(class: "legend-entry").map { e in
            (e["data-name"] ?? "", e.children.filter { $0.name != "text" }.reduce(into: Set<String>()) { $0.formUnion($1.paintedColors) })
        }
    }

    /// Series groups whose legend label is `name`.
    func series(legend name: String) -> [SVGElement] {
        root.elements(class: "series").filter { $0["data-legend"] == name }
    }

    /// Legend entries with no drawn element of the same legend label painted in the entry's colour.
    func legendEntriesWithoutMatchingSeries() -> [String] {
        legendEntries.compactMap { entry in
            let drawn = root.all.filter { $0["data-legend"] == entry.name && !$0.isInside(class: "legend") }
            let painted = drawn.reduce(into: Set<String>()) { $0.formUnion($1.paintedColors) }
            let hasGeometry = drawn.contains { e in e.all.contains { ["polyline", "circle", "rect", "polygon", "line"].contains($0.name) } }
            return !entry.colors.isEmpty && hasGeometry && entry.colors.isSubset(of: painted) ? nil
                : "legend entry '\(entry.name)' (colours \(entry.colors.sorted())) has no drawn series painted so (drawn: \(painted.sorted()))"
        }
    }

    /// Tick label texts of the x axis (`x-axis`) or y axis (`y-axis`).
    func tickLabels(_ axis: String) -> [String] {
        root.elements(class: axis).flatMap { $0.elements(named: "text") }.map(\.text)
    }
}
