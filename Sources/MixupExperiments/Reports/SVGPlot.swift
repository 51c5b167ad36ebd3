import Foundation

/// A small, dependency-free SVG chart (lines and/or scatter markers) with ticked, labelled axes,
/// a legend and a title — enough for the paper-style figures the workflows write, and it opens
/// in any browser.
public struct SVGPlot: Sendable {
    /// How a series is drawn.
    public enum Style: Sendable { case line, markers, lineAndMarkers }

    /// One named set of (x, y) points.
    public struct Series: Sendable {
        /// Legend entry.
        public var name: String
        /// The points, drawn in order (non-finite points are skipped).
        public var points: [(x: Double, y: Double)]
        /// Lines, markers or both.
        public var style: Style
        /// Creates a series.
        public init(name: String, points: [(x: Double, y: Double)], style: Style = .line) {
            self.name = name
            self.points = points
            self.style = style
        }
    }

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
    /// Canvas size in pixels.
    public var width = 760.0, height = 500.0

    /// An empty plot with a title and axis labels.
    public init(title: String, xLabel: String, yLabel: String) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
    }

    private static let palette = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf"]

    /// The SVG document.
    public func render() -> String {
        let left = 80.0, right = width - 190.0, top = 50.0, bottom = height - 60.0
        func ty(_ y: Double) -> Double { logarithmicY ? log10(y) : y }
        let usable = series.map { s in s.points.filter { $0.x.isFinite && $0.y.isFinite && (!logarithmicY || $0.y > 0) } }
        var xs = usable.flatMap { $0.map(\.x) }, ys = usable.flatMap { $0.map { ty($0.y) } }
        if showsDiagonal, !xs.isEmpty {
            let lo = min(xs.min()!, ys.min()!), hi = max(xs.max()!, ys.max()!)
            xs += [lo, hi]; ys += [lo, hi]
        }
        var (x0, x1) = Self.paddedRange(xs), (y0, y1) = Self.paddedRange(ys)
        let xTicks = Self.niceTicks(x0, x1), yTicks = logarithmicY ? Self.decadeTicks(y0, y1) : Self.niceTicks(y0, y1)
        x0 = min(x0, xTicks.first ?? x0); x1 = max(x1, xTicks.last ?? x1)
        y0 = min(y0, yTicks.first ?? y0); y1 = max(y1, yTicks.last ?? y1)
        func px(_ x: Double) -> Double { left + (x - x0) / (x1 - x0) * (right - left) }
        func py(_ y: Double) -> Double { bottom - (y - y0) / (y1 - y0) * (bottom - top) }
        func f(_ v: Double) -> String { String(format: "%.2f", v) }

        var out = """
        <?xml version="1.0" encoding="UTF-8"?>
        <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" viewBox="0 0 \(Int(width)) \(Int(height))" font-family="Helvetica, Arial, sans-serif" font-size="13">
        <rect x="0" y="0" width="\(Int(width))" height="\(Int(height))" fill="white"/>
        <text x="\(f((left + right) / 2))" y="28" text-anchor="middle" font-size="16" font-weight="bold">\(Self.escaped(title))</text>

        """
        // Grid, ticks and tick labels.
        out += "<g class=\"x-axis\" stroke=\"#000\">\n"
        for t in xTicks {
            out += "<line x1=\"\(f(px(t)))\" y1=\"\(f(top))\" x2=\"\(f(px(t)))\" y2=\"\(f(bottom))\" stroke=\"#e5e5e5\"/>\n"
            out += "<line x1=\"\(f(px(t)))\" y1=\"\(f(bottom))\" x2=\"\(f(px(t)))\" y2=\"\(f(bottom + 5))\"/>\n"
            out += "<text x=\"\(f(px(t)))\" y=\"\(f(bottom + 20))\" text-anchor=\"middle\" stroke=\"none\">\(Self.label(t))</text>\n"
        }
        out += "</g>\n<g class=\"y-axis\" stroke=\"#000\">\n"
        for t in yTicks {
            out += "<line x1=\"\(f(left))\" y1=\"\(f(py(t)))\" x2=\"\(f(right))\" y2=\"\(f(py(t)))\" stroke=\"#e5e5e5\"/>\n"
            out += "<line x1=\"\(f(left - 5))\" y1=\"\(f(py(t)))\" x2=\"\(f(left))\" y2=\"\(f(py(t)))\"/>\n"
            let text = logarithmicY ? "1e\(Int(t.rounded()))" : Self.label(t)
            out += "<text x=\"\(f(left - 8))\" y=\"\(f(py(t) + 4))\" text-anchor=\"end\" stroke=\"none\">\(text)</text>\n"
        }
        out += "</g>\n"
        out += "<rect x=\"\(f(left))\" y=\"\(f(top))\" width=\"\(f(right - left))\" height=\"\(f(bottom - top))\" fill=\"none\" stroke=\"#000\"/>\n"
        out += "<text x=\"\(f((left + right) / 2))\" y=\"\(f(height - 18))\" text-anchor=\"middle\">\(Self.escaped(xLabel))</text>\n"
        out += "<text transform=\"translate(20 \(f((top + bottom) / 2))) rotate(-90)\" text-anchor=\"middle\">\(Self.escaped(yLabel + (logarithmicY ? " (log scale)" : "")))</text>\n"
        if showsZeroLine, !logarithmicY, y0 < 0, y1 > 0 {
            out += "<line x1=\"\(f(left))\" y1=\"\(f(py(0)))\" x2=\"\(f(right))\" y2=\"\(f(py(0)))\" stroke=\"#555\" stroke-dasharray=\"4 3\"/>\n"
        }
        if showsDiagonal {
            let lo = max(x0, y0), hi = min(x1, y1)
            if lo < hi {
                out += "<line class=\"diagonal\" x1=\"\(f(px(lo)))\" y1=\"\(f(py(lo)))\" x2=\"\(f(px(hi)))\" y2=\"\(f(py(hi)))\" stroke=\"#555\" stroke-dasharray=\"6 4\"/>\n"
            }
        }
        // Data, clipped to the plot area.
        out += "<defs><clipPath id=\"plot-area\"><rect x=\"\(f(left))\" y=\"\(f(top))\" width=\"\(f(right - left))\" height=\"\(f(bottom - top))\"/></clipPath></defs>\n"
        for (k, (s, points)) in zip(series, usable).enumerated() {
            let color = Self.palette[k % Self.palette.count]
            out += "<g class=\"series\" data-name=\"\(Self.escaped(s.name))\" clip-path=\"url(#plot-area)\">\n"
            if s.style != .markers, points.count > 1 {
                let path = points.map { "\(f(px($0.x))),\(f(py(ty($0.y))))" }.joined(separator: " ")
                out += "<polyline fill=\"none\" stroke=\"\(color)\" stroke-width=\"1.8\" points=\"\(path)\"/>\n"
            }
            if s.style != .line || points.count == 1 {
                for p in points {
                    out += "<circle cx=\"\(f(px(p.x)))\" cy=\"\(f(py(ty(p.y))))\" r=\"2.6\" fill=\"\(color)\" fill-opacity=\"0.7\"/>\n"
                }
            }
            out += "</g>\n"
        }
        // Legend.
        out += "<g class=\"legend\">\n"
        var ly = top + 10
        if showsDiagonal {
            out += "<line x1=\"\(f(right + 15))\" y1=\"\(f(ly))\" x2=\"\(f(right + 40))\" y2=\"\(f(ly))\" stroke=\"#555\" stroke-dasharray=\"6 4\"/>"
            out += "<text x=\"\(f(right + 46))\" y=\"\(f(ly + 4))\">y = x</text>\n"
            ly += 20
        }
        for (k, s) in series.enumerated() {
            let color = Self.palette[k % Self.palette.count]
            out += "<rect x=\"\(f(right + 15))\" y=\"\(f(ly - 5))\" width=\"25\" height=\"10\" fill=\"\(color)\"/>"
            out += "<text x=\"\(f(right + 46))\" y=\"\(f(ly + 4))\">\(Self.escaped(s.name))</text>\n"
            ly += 20
        }
        out += "</g>\n</svg>\n"
        return out
    }

    /// Writes the SVG to `url`.
    public func write(to url: URL) throws {
        try render().write(to: url, atomically: true, encoding: .utf8)
    }

    /// The data range with a little margin (a unit range around a single value; [0, 1] when empty).
    static func paddedRange(_ values: [Double]) -> (Double, Double) {
        guard let lo = values.min(), let hi = values.max() else { return (0, 1) }
        if lo == hi { return (lo - max(abs(lo) * 0.1, 0.5), hi + max(abs(hi) * 0.1, 0.5)) }
        let pad = (hi - lo) * 0.04
        return (lo - pad, hi + pad)
    }

    /// About five ticks at 1, 2 or 5 × 10^k covering [lo, hi].
    static func niceTicks(_ lo: Double, _ hi: Double) -> [Double] {
        let raw = (hi - lo) / 5
        guard raw > 0, raw.isFinite else { return [lo] }
        let magnitude = pow(10, floor(log10(raw)))
        let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? 10 * magnitude
        var ticks: [Double] = []
        var t = floor(lo / step) * step
        while t <= hi + step * 1e-9 {
            if t >= lo - step * 1e-9 { ticks.append(abs(t) < step * 1e-9 ? 0 : t) }
            t += step
        }
        return ticks
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

    /// Escapes text for XML content and attributes.
    static func escaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
