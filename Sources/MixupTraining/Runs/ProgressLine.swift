import Foundation

/// A self-overwriting progress line on standard error, drawn only on a terminal and at most
/// a few times per second, so logs and CI output stay clean.
final class ProgressLine {
    private let enabled = isatty(2) == 1
    private var lastDraw = ContinuousClock.now - .seconds(1)

    func update(_ text: @autoclosure () -> String) {
        guard enabled, ContinuousClock.now - lastDraw > .milliseconds(200) else { return }
        lastDraw = ContinuousClock.now
        FileHandle.standardError.write(Data(("\r\u{1B}[K" + text()).utf8))
    }

    func clear() {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}

/// `x` with four decimals, for progress and summary lines.
func format(_ x: Double) -> String { String(format: "%.4f", x) }
/// `x` as a percentage with two decimals.
func percent(_ x: Double) -> String { String(format: "%.2f%%", 100 * x) }

extension Duration {
    /// The duration in seconds.
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) * 1e-18 }
}
