import Foundation

/// A small, dependency-free SVG chart (lines and/or scatter markers, optional mean ± std bands)
/// with ticked, labelled axes, a legend that always fits and a title — enough for the
/// paper-style figures the workflows write, and it opens in any browser.
public struct SVGPlot: Sendable {
    /// How a series is drawn.
    public enum Style: Sendable { case line, markers, lineAndMarkers }

    /// Dash pattern of a series' line, so one colour can carry several curves (a run's
    /// train/validation/test splits are solid/dashed/dotted).
    public enum Dash: String, Sendable, CaseIterable {
        case solid, dashed, dotted, dashDot

        /// The SVG `stroke-dasharray` (nil for solid).
        var dashArray: String? {
            switch self {
            case .solid: nil
            case .dashed: "7 4"
            case .dotted: "0.1 4"
            case .dashDot: "8 3 2 3"
            }
        }
    }

    /// Marker shape; series beyond the palette's colours get the next shape so they stay distinct.
    public enum Marker: String, Sendable, CaseIterable { case circle, square, triangle, diamond }

    /// One named set of (x, y) points.
    public struct Series: Sendable {
        /// Series name (the `data-name` of its SVG group, and its legend entry unless `legendLabel` is set).
        public var name: String
        /// The points, drawn in order (non-finite points are skipped).
        public var points: [(x: Double, y: Double)]
        /// Lines, markers or both.
        public var style: Style
        /// Line dash pattern (solid by default).
        public var dash: Dash = .solid
        /// A fixed colour (`#rrggbb`); nil takes the palette colour of the series' legend entry.
        public var color: String?
        /// A fixed marker shape; nil takes the shape of the legend entry's palette cycle.
        public var marker: Marker?
        /// A shaded band (e.g. mean ± std) drawn behind the line, semi-transparent in the series' colour.
        public var band: [(x: Double, lower: Double, upper: Double)] = []
        /// The legend entry this series belongs to; series with the same label share one entry and
        /// one automatic colour (nil: the series' own name).
        public var legendLabel: String?
        /// Whether the series appears in the legend at all.
        public var showsInLegend = true
        /// Creates a series.
        public init(name: String, points: [(x: Double, y: Double)], style: Style = .line) {
            self.name = name
            self.points = points
            self.style = style
        }

        /// The legend entry's label.
        var legendKey: String { legendLabel ?? name }
    }

    /// One entry of the style key: what a dash pattern (and optional marker) means, drawn in grey.
    public struct StyleKeyEntry: Sendable {
        /// What the style stands for (e.g. "validation").
        public var name: String
        /// Its dash pattern.
        public var dash: Dash
        /// Whether the entry explains the shaded bands (drawn as a grey band behind the line).
        public var isBand: Bool
        /// A marker drawn on the key's line (for styles whose series are single points).
        public var marker: Marker?
        /// Creates an entry.
        public init(name: String, dash: Dash, isBand: Bool = false) {
            self.name = name
            self.dash = dash
            self.isBand = isBand
        }
    }

    /// Where the legend goes: `automatic` puts it right of the plot (widening the SVG) when it
    /// fits the height, else wraps it into columns below (making the SVG taller).
    public enum LegendPlacement: Sendable { case automatic, right, below }

    /// Title above the plot.
    public var title: String
    /// x-axis label (include units, e.g. "epoch" or "exact q (nats)").
    public var xLabel: String
    /// y-axis label.
    public var yLabel: String
    /// The data.
    public var series: [Series] = []
    /// Draw the line y = x (for exact-vs-approximate scatter plots).
    public var showsDiagonal = false
    /// Draw a horizontal line at y = 0 when it is in range (sign changes).
    public var showsZeroLine = false
    /// Logarithmic y axis (non-positive values are skipped).
    public var logarithmicY = false
    /// Integer x ticks only (epochs, iterations): a single epoch gets the one tick at that epoch.
    public var integerX = false
    /// A second, small legend explaining dash patterns (e.g. train/validation/test), with a title.
    public var styleKey: [StyleKeyEntry] = []
    /// Title of the style key.
    public var styleKeyTitle = ""
    /// Legend placement.
    public var legendPlacement = LegendPlacement.automatic
    /// Legend labels longer than this many characters end in an ellipsis.
    public var maximumLegendLabelLength = 36
    /// Size in pixels of the plot with its axes and title; a legend on the right widens the
    /// SVG, one below makes it taller (the rendered size is in the `svg` element).
    public var width = 760.0, height = 500.0

    /// An empty plot with a title and axis labels.
    public init(title: String, xLabel: String, yLabel: String) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
    }

    /// Twelve colours told apart by hue and lightness (Tableau 10 order for the first eight, then
    /// grey, olive, near-black and maroon); the 13th legend entry starts over with square markers.
    public static let palette = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf",
                                 "#7f7f7f", "#bcbd22", "#222222", "#8b0a50"]

    /// Opacity of mean ± std bands: light enough that several overlapping bands stay readable.
    static let bandOpacity = 0.13

    /// Font size of ordinary text, and the width of one character assumed for layout (a
    /// conservative average for Helvetica/Arial, so estimated text never overruns its box).
    static let fontSize = 13.0
    static let characterWidth = 0.6

    /// Estimated rendered width of `text` at `size` pixels.
    static func textWidth(_ text: String, size: Double = fontSize) -> Double {
        Double(text.count) * size * characterWidth
    }

    /// `text` cut to `limit` characters, the last being an ellipsis.
    static func truncated(_ text: String, to limit: Int) -> String {
        text.count <= limit ? text : String(text.prefix(max(1, limit - 1))) + "…"
    }

    /// One resolved legend entry.
    private struct LegendEntry {
        var key: String
        var label: String
        var color: String
        var dash: Dash
        var marker: Marker?
        var line: Bool
        var band: Bool
    }

    /// The SVG document.
    public func render() -> String {
        // Colours and markers: one automatic colour per legend entry, in order of first appearance.
        var keyIndex: [String: Int] = [:]
        for s in series where keyIndex[s.legendKey] == nil { keyIndex[s.legendKey] = keyIndex.count }
        let resolved: [(color: String, marker: Marker, forcedMarkers: Bool)] = series.map { s in
            let k = keyIndex[s.legendKey]!
            let cycle = k / Self.palette.count
            return (s.color ?? Self.palette[k % Self.palette.count],
                    s.marker ?? Marker.allCases[cycle % Marker.allCases.count],
                    s.color == nil && cycle > 0)
        }
        func drawsMarkers(_ k: Int, count: Int) -> Bool {
            series[k].style != .line || count == 1 || resolved[k].forcedMarkers
        }

        // Ranges.
        func ty(_ y: Double) -> Double { logarithmicY ? log10(y) : y }
        func usableY(_ y: Double) -> Bool { y.isFinite && (!logarithmicY || y > 0) }
        let usable = series.map { s in s.points.filter { $0.x.isFinite && usableY($0.y) } }
        let bands = series.map { s in s.band.filter { $0.x.isFinite && usableY($0.upper) && ($0.lower.isFinite) } }
        var xs = usable.flatMap { $0.map(\.x) } + bands.flatMap { $0.map(\.x) }
        var ys = usable.flatMap { $0.map { ty($0.y) } }
            + bands.flatMap { $0.flatMap { b in [ty(b.upper)] + (usableY(b.lower) ? [ty(b.lower)] : []) } }
        if showsDiagonal, !xs.isEmpty {
            let lo = min(xs.min()!, ys.min()!), hi = max(xs.max()!, ys.max()!)
            xs += [lo, hi]; ys += [lo, hi]
        }
        var (x0, x1) = Self.paddedRange(xs, integer: integerX), (y0, y1) = Self.paddedRange(ys)
        var xTicks = Self.niceTicks(x0, x1, integers: integerX)
        if integerX, let lo = xs.min(), let hi = xs.max() {
            // No tick at epoch 0 (or beyond the last) just because the margin reaches it.
            let kept = xTicks.filter { $0 >= lo - 0.5 && $0 <= hi + 0.5 }
            if !kept.isEmpty { xTicks = kept }
        }
        let yTicks = logarithmicY ? Self.decadeTicks(y0, y1) : Self.niceTicks(y0, y1)
        x0 = min(x0, xTicks.first ?? x0); x1 = max(x1, xTicks.last ?? x1)
        y0 = min(y0, yTicks.first ?? y0); y1 = max(y1, yTicks.last ?? y1)
        let xStep = xTicks.count > 1 ? xTicks[1] - xTicks[0] : 1, yStep = yTicks.count > 1 ? yTicks[1] - yTicks[0] : 1

        // Legend entries.
        var entries: [LegendEntry] = []
        if showsDiagonal { entries.append(.init(key: "y = x", label: "y = x", color: "#555555", dash: .dashed, marker: nil, line: true, band: false)) }
        var seen = Set<String>()
        for (k, s) in series.enumerated() where s.showsInLegend && !seen.contains(s.legendKey) {
            seen.insert(s.legendKey)
            entries.append(.init(key: s.legendKey, label: Self.truncated(s.legendKey, to: maximumLegendLabelLength), color: resolved[k].color,
                                 dash: s.dash, marker: drawsMarkers(k, count: usable[k].count) ? resolved[k].marker : nil,
                                 line: s.style != .markers,
                                 band: zip(series, bands).contains { $0.legendKey == s.legendKey && $1.count > 1 }))
        }
        let keyEntries = styleKey.map { Self.truncated($0.name, to: maximumLegendLabelLength) }
        let keyTitle = Self.truncated(styleKeyTitle, to: maximumLegendLabelLength)

        // Layout: the plot area is fixed by width × height; the legend goes right or below.
        let left = 80.0, top = 50.0, right = width - 25, bottom = height - 60
        let swatch = 25.0, gap = 6.0, rowHeight = 20.0
        let entryWidth = swatch + gap + (entries.map { Self.textWidth($0.label) }.max() ?? 0) + 14
        let keyWidth = styleKey.isEmpty ? 0 : max(swatch + gap + (keyEntries.map { Self.textWidth($0) }.max() ?? 0),
                                                  Self.textWidth(keyTitle)) + 14
        let keyRows = styleKey.isEmpty ? 0 : Double(styleKey.count + (keyTitle.isEmpty ? 0 : 1))
        let rightHeight = Double(entries.count) * rowHeight + (keyRows > 0 ? 12 + keyRows * rowHeight : 0)
        let onRight: Bool
        switch legendPlacement {
        case .right: onRight = true
        case .below: onRight = false
        case .automatic: onRight = rightHeight <= height - top - 10
        }
        var svgWidth = width, svgHeight = height
        var legend = "<g class=\"legend\">\n"
        var keyLegend = ""
        func f(_ v: Double) -> String { String(format: "%.2f", v) }
        func entryMarkup(_ e: LegendEntry, x: Double, y: Double) -> String {
            var s = "<g class=\"legend-entry\" data-name=\"\(Self.escaped(e.key))\" data-color=\"\(e.color)\">"
            if e.band {
                s += "<rect x=\"\(f(x))\" y=\"\(f(y - 7))\" width=\"\(f(swatch))\" height=\"14\" fill=\"\(e.color)\" fill-opacity=\"\(Self.bandOpacity)\"/>"
            }
            if e.line {
                s += "<line x1=\"\(f(x))\" y1=\"\(f(y))\" x2=\"\(f(x + swatch))\" y2=\"\(f(y))\" stroke=\"\(e.color)\" stroke-width=\"2\"\(Self.dashAttribute(e.dash))/>"
            }
            if let m = e.marker { s += Self.markerMarkup(m, x: x + swatch / 2, y: y, color: e.color, opacity: 1) }
            if !e.line && e.marker == nil {
                s += "<rect x=\"\(f(x))\" y=\"\(f(y - 5))\" width=\"\(f(swatch))\" height=\"10\" fill=\"\(e.color)\"/>"
            }
            s += "<text x=\"\(f(x + swatch + gap))\" y=\"\(f(y + 4))\">\(Self.escaped(e.label))</text></g>\n"
            return s
        }
        func keyEntryMarkup(_ name: String, dash: Dash, isBand: Bool, marker: Marker?, x: Double, y: Double) -> String {
            "<g class=\"style-key-entry\" data-name=\"\(Self.escaped(name))\">"
                + (isBand ? "<rect x=\"\(f(x))\" y=\"\(f(y - 7))\" width=\"\(f(swatch))\" height=\"14\" fill=\"#444444\" fill-opacity=\"\(Self.bandOpacity)\"/>" : "")
                + "<line x1=\"\(f(x))\" y1=\"\(f(y))\" x2=\"\(f(x + swatch))\" y2=\"\(f(y))\" stroke=\"#444444\" stroke-width=\"2\"\(Self.dashAttribute(dash))/>"
                + (marker.map { Self.markerMarkup($0, x: x + swatch / 2, y: y, color: "#444444", opacity: 1) } ?? "")
                + "<text x=\"\(f(x + swatch + gap))\" y=\"\(f(y + 4))\">\(Self.escaped(name))</text></g>\n"
        }
        if onRight {
            let lx = right + 20
            var ly = top + 10
            for e in entries { legend += entryMarkup(e, x: lx, y: ly); ly += rowHeight }
            if keyRows > 0 {
                ly += 12
                keyLegend += "<g class=\"style-key\">\n"
                if !keyTitle.isEmpty {
                    keyLegend += "<text x=\"\(f(lx))\" y=\"\(f(ly + 4))\" font-style=\"italic\">\(Self.escaped(keyTitle))</text>\n"
                    ly += rowHeight
                }
                for (name, k) in zip(keyEntries, styleKey) { keyLegend += keyEntryMarkup(name, dash: k.dash, isBand: k.isBand, marker: k.marker, x: lx, y: ly); ly += rowHeight }
                keyLegend += "</g>\n"
            }
            if !entries.isEmpty || keyRows > 0 { svgWidth = lx + max(entryWidth, keyWidth) + 6 }
            svgHeight = max(height, ly)
        } else {
            let available = width - left
            let columns = max(1, Int(available / entryWidth))
            let rows = (entries.count + columns - 1) / columns
            var ly = height + 4
            for (i, e) in entries.enumerated() {
                legend += entryMarkup(e, x: left + Double(i % columns) * entryWidth, y: ly + Double(i / columns) * rowHeight)
            }
            ly += Double(rows) * rowHeight
            if keyRows > 0 {
                keyLegend += "<g class=\"style-key\">\n"
                var lx = left
                if !keyTitle.isEmpty {
                    keyLegend += "<text x=\"\(f(lx))\" y=\"\(f(ly + 4))\" font-style=\"italic\">\(Self.escaped(keyTitle))</text>\n"
                    lx += Self.textWidth(keyTitle) + 12
                }
                for (name, k) in zip(keyEntries, styleKey) {
                    let w = swatch + gap + Self.textWidth(name) + 14
                    if lx + w > width, lx > left { lx = left; ly += rowHeight }
                    keyLegend += keyEntryMarkup(name, dash: k.dash, isBand: k.isBand, marker: k.marker, x: lx, y: ly)
                    lx += w
                }
                ly += rowHeight
                keyLegend += "</g>\n"
            }
            svgHeight = ly + 6
            svgWidth = max(width, left + Double(min(columns, entries.count)) * entryWidth)
        }
        legend += keyLegend + "</g>\n"

        func px(_ x: Double) -> Double { left + (x - x0) / (x1 - x0) * (right - left) }
        func py(_ y: Double) -> Double { bottom - (y - y0) / (y1 - y0) * (bottom - top) }
        let W = Int(svgWidth.rounded(.up)), H = Int(svgHeight.rounded(.up))
        let titleText = Self.truncated(title, to: max(4, Int((Double(W) - 20) / (16 * Self.characterWidth))))
        let titleX = min(max((left + right) / 2, Self.textWidth(titleText, size: 16) / 2 + 10), Double(W) - Self.textWidth(titleText, size: 16) / 2 - 10)

        var out = """
        <?xml version="1.0" encoding="UTF-8"?>
        <svg xmlns="http://www.w3.org/2000/svg" width="\(W)" height="\(H)" viewBox="0 0 \(W) \(H)" font-family="Helvetica, Arial, sans-serif" font-size="\(Int(Self.fontSize))">
        <rect x="0" y="0" width="\(W)" height="\(H)" fill="white"/>
        <text class="title" x="\(f(titleX))" y="28" text-anchor="middle" font-size="16" font-weight="bold">\(Self.escaped(titleText))</text>

        """
        // Grid, ticks and tick labels.
        out += "<g class=\"x-axis\" stroke=\"#000\">\n"
        for t in xTicks {
            out += "<line x1=\"\(f(px(t)))\" y1=\"\(f(top))\" x2=\"\(f(px(t)))\" y2=\"\(f(bottom))\" stroke=\"#e5e5e5\"/>\n"
            out += "<line x1=\"\(f(px(t)))\" y1=\"\(f(bottom))\" x2=\"\(f(px(t)))\" y2=\"\(f(bottom + 5))\"/>\n"
            out += "<text class=\"tick\" x=\"\(f(px(t)))\" y=\"\(f(bottom + 20))\" text-anchor=\"middle\" stroke=\"none\">\(Self.label(t, step: xStep))</text>\n"
        }
        out += "</g>\n<g class=\"y-axis\" stroke=\"#000\">\n"
        for t in yTicks {
            out += "<line x1=\"\(f(left))\" y1=\"\(f(py(t)))\" x2=\"\(f(right))\" y2=\"\(f(py(t)))\" stroke=\"#e5e5e5\"/>\n"
            out += "<line x1=\"\(f(left - 5))\" y1=\"\(f(py(t)))\" x2=\"\(f(left))\" y2=\"\(f(py(t)))\"/>\n"
            let text = logarithmicY ? "1e\(Int(t.rounded()))" : Self.label(t, step: yStep)
            out += "<text class=\"tick\" x=\"\(f(left - 8))\" y=\"\(f(py(t) + 4))\" text-anchor=\"end\" stroke=\"none\">\(text)</text>\n"
        }
        out += "</g>\n"
        out += "<rect x=\"\(f(left))\" y=\"\(f(top))\" width=\"\(f(right - left))\" height=\"\(f(bottom - top))\" fill=\"none\" stroke=\"#000\"/>\n"
        let xLabelText = Self.truncated(xLabel, to: Int((right - left) / (Self.fontSize * Self.characterWidth)))
        let yLabelText = Self.truncated(yLabel + (logarithmicY ? " (log scale)" : ""), to: Int((bottom - top) / (Self.fontSize * Self.characterWidth)))
        out += "<text class=\"axis-label\" x=\"\(f((left + right) / 2))\" y=\"\(f(height - 18))\" text-anchor=\"middle\">\(Self.escaped(xLabelText))</text>\n"
        out += "<text class=\"axis-label\" transform=\"translate(20 \(f((top + bottom) / 2))) rotate(-90)\" text-anchor=\"middle\">\(Self.escaped(yLabelText))</text>\n"
        if showsZeroLine, !logarithmicY, y0 < 0, y1 > 0 {
            out += "<line x1=\"\(f(left))\" y1=\"\(f(py(0)))\" x2=\"\(f(right))\" y2=\"\(f(py(0)))\" stroke=\"#555\" stroke-dasharray=\"4 3\"/>\n"
        }
        if showsDiagonal {
            let lo = max(x0, y0), hi = min(x1, y1)
            if lo < hi {
                out += "<line class=\"diagonal\" data-legend=\"y = x\" x1=\"\(f(px(lo)))\" y1=\"\(f(py(lo)))\" x2=\"\(f(px(hi)))\" y2=\"\(f(py(hi)))\" stroke=\"#555555\" stroke-dasharray=\"7 4\"/>\n"
            }
        }
        // Data, clipped to the plot area: all bands first, so no band hides another series' line.
        out += "<defs><clipPath id=\"plot-area\"><rect x=\"\(f(left))\" y=\"\(f(top))\" width=\"\(f(right - left))\" height=\"\(f(bottom - top))\"/></clipPath></defs>\n"
        for (k, (s, band)) in zip(series, bands).enumerated() where band.count > 1 {
            let upper = band.map { "\(f(px($0.x))),\(f(py(ty($0.upper))))" }
            let lower = band.reversed().map { "\(f(px($0.x))),\(f(py(usableY($0.lower) ? ty($0.lower) : y0)))" }
            out += "<g class=\"band\" data-name=\"\(Self.escaped(s.name))\" data-legend=\"\(Self.escaped(s.legendKey))\" clip-path=\"url(#plot-area)\">"
            out += "<polygon fill=\"\(resolved[k].color)\" fill-opacity=\"\(Self.bandOpacity)\" stroke=\"none\" points=\"\((upper + lower).joined(separator: " "))\"/></g>\n"
        }
        for (k, (s, points)) in zip(series, usable).enumerated() {
            let color = resolved[k].color
            out += "<g class=\"series\" data-name=\"\(Self.escaped(s.name))\" data-legend=\"\(Self.escaped(s.legendKey))\" clip-path=\"url(#plot-area)\">\n"
            if s.style != .markers, points.count > 1 {
                let path = points.map { "\(f(px($0.x))),\(f(py(ty($0.y))))" }.joined(separator: " ")
                out += "<polyline fill=\"none\" stroke=\"\(color)\" stroke-width=\"1.8\"\(Self.dashAttribute(s.dash)) points=\"\(path)\"/>\n"
            }
            if drawsMarkers(k, count: points.count) {
                for p in points {
                    out += Self.markerMarkup(resolved[k].marker, x: px(p.x), y: py(ty(p.y)), color: color, opacity: s.style == .markers ? 0.7 : 1) + "\n"
                }
            }
            out += "</g>\n"
        }
        out += legend + "</svg>\n"
        return out
    }

    /// Writes the SVG to `url`.
    public func write(to url: URL) throws {
        try render().write(to: url, atomically: true, encoding: .utf8)
    }

    /// ` stroke-dasharray="…"` for a dashed pattern, empty for solid.
    static func dashAttribute(_ dash: Dash) -> String {
        switch dash {
        case .solid: ""
        case .dotted: " stroke-dasharray=\"\(dash.dashArray!)\" stroke-linecap=\"round\""
        default: " stroke-dasharray=\"\(dash.dashArray!)\""
        }
    }

    /// One marker centred at (x, y).
    static func markerMarkup(_ marker: Marker, x: Double, y: Double, color: String, opacity: Double) -> String {
        func f(_ v: Double) -> String { String(format: "%.2f", v) }
        let fill = "fill=\"\(color)\"" + (opacity < 1 ? " fill-opacity=\"\(opacity)\"" : "")
        switch marker {
        case .circle:
            return "<circle cx=\"\(f(x))\" cy=\"\(f(y))\" r=\"2.8\" \(fill)/>"
        case .square:
            return "<rect x=\"\(f(x - 2.6))\" y=\"\(f(y - 2.6))\" width=\"5.2\" height=\"5.2\" \(fill)/>"
        case .triangle:
            return "<polygon points=\"\(f(x)),\(f(y - 3.4)) \(f(x + 3.2)),\(f(y + 2.4)) \(f(x - 3.2)),\(f(y + 2.4))\" \(fill)/>"
        case .diamond:
            return "<polygon points=\"\(f(x)),\(f(y - 3.6)) \(f(x + 3.2)),\(f(y)) \(f(x)),\(f(y + 3.6)) \(f(x - 3.2)),\(f(y))\" \(fill)/>"
        }
    }

    /// The data range with a little margin (a unit range around a single value; [0, 1] when
    /// empty). An integer axis keeps at least half a unit beyond its extreme values.
    static func paddedRange(_ values: [Double], integer: Bool = false) -> (Double, Double) {
        guard let lo = values.min(), let hi = values.max() else { return integer ? (0.5, 1.5) : (0, 1) }
        if lo == hi {
            let pad = integer ? 0.5 : max(abs(lo) * 0.1, 0.5)
            return (lo - pad, hi + pad)
        }
        let pad = (hi - lo) * 0.04
        return (lo - pad, hi + pad)
    }

    /// Four to eight ticks (about six) at multiples of 1, 2 or 5 × 10^k covering [lo, hi]; with
    /// `integers`, the step is at least 1 and ticks are whole numbers.
    static func niceTicks(_ lo: Double, _ hi: Double, integers: Bool = false) -> [Double] {
        let span = hi - lo
        guard span > 0, span.isFinite else { return integers ? [lo.rounded()] : [lo] }
        let magnitude = pow(10, floor(log10(span / 6)))
        var candidates = [0.1, 0.2, 0.5, 1, 2, 5, 10].map { $0 * magnitude }
        if integers { candidates = candidates.map { max(1, $0.rounded()) } }
        func count(_ step: Double) -> Int { Int(floor(hi / step + 1e-9) - ceil(lo / step - 1e-9)) + 1 }
        // Closest to six ticks; ties go to the larger step (fewer, rounder labels).
        let step = candidates.reversed().min { abs(count($0) - 6) < abs(count($1) - 6) }!
        let first = ceil(lo / step - 1e-9), last = floor(hi / step + 1e-9)
        guard first <= last else { return integers ? [((lo + hi) / 2).rounded()] : [] }
        return (Int(first)...Int(last)).map { i in
            let t = Double(i) * step
            return t == 0 ? 0 : t
        }
    }

    /// Integer powers of ten (in log10 units) covering [lo, hi].
    static func decadeTicks(_ lo: Double, _ hi: Double) -> [Double] {
        let a = Int(floor(lo)), b = Int(ceil(hi))
        let stride = max(1, (b - a) / 8)
        return Swift.stride(from: a, through: b, by: stride).map(Double.init)
    }

    /// A compact tick label.
    static func label(_ v: Double) -> String {
        if v == 0 { return "0" }
        if abs(v) >= 1e5 || abs(v) < 1e-3 { return String(format: "%.0e", v) }
        var s = String(format: "%.4f", v)
        while s.hasSuffix("0") { s.removeLast() }
        if s.hasSuffix(".") { s.removeLast() }
        return s
    }

    /// A tick label with as many decimals as the tick step needs, so neighbouring labels differ
    /// and line up (0.25, 0.30, 0.35 rather than 0.25, 0.3, 0.35).
    static func label(_ v: Double, step: Double) -> String {
        if v == 0 { return "0" }
        guard step > 0, step.isFinite else { return label(v) }
        if abs(v) >= 1e6 || step < 1e-4 { return String(format: "%.2e", v) }
        let decimals = max(0, Int(-floor(log10(step) + 1e-9)))
        return String(format: "%.\(decimals)f", v)
    }

    /// Escapes text for XML content and attributes.
    static func escaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
