import Foundation
import MixupTraining

/// The collected sweep as tables (Markdown, CSV, LaTeX) and plots of test error against η.
public enum SweepReport {
    /// "mean ± sample std" of percentages; one seed gives "mean ± –" (no spread to report, never "± 0.00").
    public static func meanStd(_ xs: [Double]) -> String {
        let (m, s) = AblationReport.meanStd(xs)
        return xs.count > 1 ? String(format: "%.2f ± %.2f", m, s) : String(format: "%.2f ± –", m)
    }

    static func setting(_ x: Double?) -> String { x.map { SweepGrid.label($0) } ?? "–" }

    /// The Markdown table: selected (α, η), mean validation accuracy, test error at the best-validation
    /// epoch, and the last-epoch variant; then the ordering checks.
    public static func markdown(_ selection: SweepSelection) -> String {
        var table = MarkdownTable(header: ["dataset", "arm", "α", "η", "seeds", "settings", "validation acc. (%)",
                                           "test error (%), best-val epoch", "last-epoch variant: α, η", "test error (%), last epoch"])
        for row in selection.rows {
            let s = row.selected, l = row.selectedAtLast
            table.append([row.dataset, row.arm, setting(s.alpha), setting(s.eta), "\(s.results.count)", "\(row.settings)",
                          String(format: "%.2f", 100 * s.meanBestValidation), meanStd(s.testErrorsAtBest),
                          "\(setting(l.alpha)), \(setting(l.eta))", meanStd(l.testErrorsAtLast)])
        }
        var text = table.render()
        let crossValidated = unique(selection.rows.filter { $0.selected.results.contains { $0.crossValidationFolds != nil } }.map(\.dataset))
        if !crossValidated.isEmpty {
            text += "\n\n" + crossValidationNote(crossValidated)
        }
        let checks = selection.orderingChecks
        if !checks.isEmpty {
            text += "\n\nOrdering checks (mean test error at the selected setting, best-validation epoch):\n"
            text += checks.map { String(format: "- %@: %@ (%.2f vs %.2f) — %@", $0.dataset, $0.claim, $0.left, $0.right, $0.verdict) }
                .joined(separator: "\n")
        }
        return text
    }

    /// The note under a table with graph datasets: how their rows were selected.
    static func crossValidationNote(_ datasets: [String]) -> String {
        "Note: \(datasets.joined(separator: ", ")) \(datasets.count == 1 ? "is a graph dataset" : "are graph datasets") "
            + "cross-validated over k folds without a validation split. Their rows follow Xu et al.'s protocol (as `ablate` does): "
            + "each run's epoch of best mean test accuracy over folds, and (α, η) chosen on that mean, so the "
            + "\"validation acc.\" column is the cross-validated test accuracy and the test error is 100 minus it."
    }

    /// CSV, one line per dataset and arm, raw numbers (percentages) for further analysis.
    public static func csv(_ selection: SweepSelection) -> String {
        var table = CSVTable(header: ["dataset", "arm", "method", "alpha", "eta", "seeds", "settings", "validation_accuracy",
                                      "test_error_mean", "test_error_std", "best_epochs", "last_alpha", "last_eta",
                                      "last_validation_accuracy", "last_test_error_mean", "last_test_error_std", "selected_on"])
        func f(_ x: Double?) -> String { x.map { "\($0)" } ?? "" }
        for row in selection.rows {
            let s = row.selected, l = row.selectedAtLast
            let (m, sd) = AblationReport.meanStd(s.testErrorsAtBest)
            let (lm, lsd) = AblationReport.meanStd(l.testErrorsAtLast)
            table.append([row.dataset, row.arm, row.method.rawValue, f(s.alpha), f(s.eta), "\(s.results.count)", "\(row.settings)",
                          "\(100 * s.meanBestValidation)", "\(m)", s.results.count > 1 ? "\(sd)" : "",
                          s.results.map { "\($0.bestEpoch)" }.joined(separator: ";"),
                          f(l.alpha), f(l.eta), "\(100 * l.meanLastValidation)", "\(lm)", l.results.count > 1 ? "\(lsd)" : "",
                          s.results.contains { $0.crossValidationFolds != nil } ? "cross-validated test accuracy (Xu et al.)" : "validation accuracy"])
        }
        return table.render()
    }

    /// A LaTeX `tabular` of the selected test errors (booktabs rules).
    public static func latex(_ selection: SweepSelection) -> String {
        func escape(_ s: String) -> String {
            s.replacingOccurrences(of: "\\", with: "\\textbackslash{}").replacingOccurrences(of: "_", with: "\\_")
                .replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "&", with: "\\&").replacingOccurrences(of: "#", with: "\\#")
        }
        func pm(_ xs: [Double]) -> String {
            let (m, s) = AblationReport.meanStd(xs)
            return xs.count > 1 ? String(format: "$%.2f \\pm %.2f$", m, s) : String(format: "$%.2f$", m)
        }
        var lines = ["\\begin{tabular}{llllrl}", "\\toprule",
                     "Dataset & Arm & $\\alpha$ & $\\eta$ & Seeds & Test error (\\%) \\\\", "\\midrule"]
        for row in selection.rows {
            let s = row.selected
            lines.append("\(escape(row.dataset)) & \(escape(row.arm)) & \(setting(s.alpha)) & \(setting(s.eta)) & \(s.results.count) & \(pm(s.testErrorsAtBest)) \\\\")
        }
        lines += ["\\bottomrule", "\\end{tabular}"]
        return lines.joined(separator: "\n")
    }

    /// One plot per dataset and +R arm: test error (best-validation epoch) against log10 η, one
    /// line per α with a band of mean ± sample std over seeds. Keys are file names.
    public static func plots(_ results: [SweepResult]) -> [(name: String, svg: String)] {
        let selection = SweepSelection(results)
        var plots: [(String, String)] = []
        for row in selection.rows where row.method.regularized {
            let mine = results.filter { $0.run.dataset == row.dataset && $0.run.arm == row.arm }
            var plot = SVGPlot(title: "\(row.dataset), \(row.arm): test error at the best-validation epoch",
                               xLabel: "log10 η", yLabel: "test error (%), mean ± std over seeds")
            let alphas = mine.compactMap(\.run.alpha).reduce(into: [Double]()) { if !$0.contains($1) { $0.append($1) } }
            for a in alphas {
                let etas = mine.filter { $0.run.alpha == a }.compactMap(\.run.eta).reduce(into: [Double]()) { if !$0.contains($1) { $0.append($1) } }
                    .sorted()
                var points: [(x: Double, y: Double)] = []
                var band: [(x: Double, lower: Double, upper: Double)] = []
                for e in etas {
                    let errors = mine.filter { $0.run.alpha == a && $0.run.eta == e }.map { 100 * (1 - $0.testAccuracyAtBest) }
                    let (m, s) = AblationReport.meanStd(errors)
                    points.append((log10(e), m))
                    if errors.count > 1 { band.append((log10(e), m - s, m + s)) }
                }
                var series = SVGPlot.Series(name: "α = \(SweepGrid.label(a))", points: points, style: .lineAndMarkers)
                series.band = band
                plot.series.append(series)
            }
            plots.append(("\(row.dataset)-\(row.arm)-eta.svg", plot.render()))
        }
        return plots
    }
}
