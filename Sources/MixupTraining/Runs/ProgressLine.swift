import Foundation

/// A progress line for long work — training steps, evaluation, preprocessing — with elapsed time,
/// ETA, throughput and a caller's detail (loss, R). On a terminal it redraws itself in place at most
/// five times a second; otherwise (a log file, CI) it prints a plain line at most every
/// `plainInterval`, so short runs stay quiet and long ones show they are alive. Text is only
/// formatted when it is drawn, so a step pays one clock read.
public final class ProgressLine {
    /// What is being done ("epoch 3/25", "spectrograms").
    public let label: String
    /// Units of work in all (batches, files).
    public let total: Int
    /// Name of the counted items for the throughput ("samples", "files").
    public let unit: String

    private let interactive: Bool
    private let plainInterval: Duration
    private let sink: (String) -> Void
    private let started = ContinuousClock.now
    private var lastDraw: ContinuousClock.Instant
    private var drewInPlace = false

    /// A progress line on standard error. `interactive` defaults to whether it is a terminal.
    public init(label: String, total: Int, unit: String = "samples", interactive: Bool = isatty(2) == 1,
                plainInterval: Duration = .seconds(10), sink: ((String) -> Void)? = nil) {
        self.label = label
        self.total = total
        self.unit = unit
        self.interactive = interactive
        self.plainInterval = plainInterval
        self.sink = sink ?? { FileHandle.standardError.write(Data($0.utf8)) }
        lastDraw = started
    }

    /// Reports `done` of `total` units with `items` counted items so far; `detail` is evaluated
    /// only when a line is drawn. `redraw` draws a terminal line now (a phase change such as
    /// "evaluating"); plain lines keep their interval.
    public func update(done: Int, items: Int, detail: @autoclosure () -> String = "", redraw: Bool = false) {
        let now = ContinuousClock.now
        let due = interactive ? redraw || now - lastDraw >= .milliseconds(200) : now - lastDraw >= plainInterval
        guard due else { return }
        lastDraw = now
        let text = Self.render(label: label, done: done, total: total, elapsed: (now - started).seconds, items: items,
                               unit: unit, detail: detail())
        if interactive {
            sink("\r\u{1B}[K" + text)
            drewInPlace = true
        } else {
            sink(text + "\n")
        }
    }

    /// Removes an in-place line (before a summary is printed in its place).
    public func clear() {
        guard interactive, drewInPlace else { return }
        sink("\r\u{1B}[K")
        drewInPlace = false
    }

    /// The line's text: `label  done/total (p%)  elapsed  ETA  rate  detail`, ETA from the mean rate so far.
    public static func render(label: String, done: Int, total: Int, elapsed: Double, items: Int, unit: String,
                              detail: String) -> String {
        var parts = [label, "\(done)/\(total)" + (total > 0 ? String(format: " (%.0f%%)", 100 * Double(done) / Double(total)) : "")]
        parts.append("elapsed " + duration(elapsed))
        if done > 0 && done < total { parts.append("ETA " + duration(elapsed * Double(total - done) / Double(done))) }
        if elapsed > 0 && items > 0 { parts.append(String(format: "%.0f %@/s", Double(items) / elapsed, unit)) }
        if !detail.isEmpty { parts.append(detail) }
        return parts.joined(separator: "  ")
    }

    /// `12.3s`, `4m05s`, `2h03m`.
    static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite else { return "?" }
        if seconds < 60 { return String(format: "%.1fs", seconds) }
        let s = Int(seconds.rounded())
        if s < 3600 { return String(format: "%dm%02ds", s / 60, s % 60) }
        return String(format: "%dh%02dm", s / 3600, (s % 3600) / 60)
    }
}

/// `x` with four decimals, for progress and summary lines.
func format(_ x: Double) -> String { String(format: "%.4f", x) }
/// `x` as a percentage with two decimals.
func percent(_ x: Double) -> String { String(format: "%.2f%%", 100 * x) }

extension Duration {
    /// The duration in seconds, as a Double (for logs, metrics and timings).
    public var seconds: Double { Double(components.seconds) + Double(components.attoseconds) * 1e-18 }
}
