import Foundation
import MixupTraining

/// The paper's selection (§3.2): per dataset and arm, the (α, η) with the highest validation
/// accuracy averaged over seeds, and the test error at that choice.
public struct SweepSelection: Sendable {
    /// All seeds of one (dataset, arm, α, η) setting.
    public struct Cell: Sendable {
        /// The dataset's name.
        public var dataset: String
        /// The arm's name.
        public var arm: String
        /// The arm's method.
        public var method: Method
        /// α (nil for ERM).
        public var alpha: Double?
        /// η (nil for arms without a penalty).
        public var eta: Double?
        /// One result per complete seed.
        public var results: [SweepResult]

        /// Mean validation accuracy over seeds at each run's best-validation epoch.
        public var meanBestValidation: Double { mean(results.map(\.bestValidationAccuracy)) }
        /// Mean validation accuracy over seeds at the last epoch.
        public var meanLastValidation: Double { mean(results.map(\.lastValidationAccuracy)) }
        /// Test errors (%) per seed at each run's best-validation epoch.
        public var testErrorsAtBest: [Double] { results.map { 100 * (1 - $0.testAccuracyAtBest) } }
        /// Test errors (%) per seed at the last epoch.
        public var testErrorsAtLast: [Double] { results.map { 100 * (1 - $0.testAccuracyAtLast) } }
    }

    /// One selected line of the table.
    public struct Row: Sendable {
        /// The dataset's name.
        public var dataset: String
        /// The arm's name.
        public var arm: String
        /// The arm's method.
        public var method: Method
        /// The setting chosen on best-epoch validation accuracy.
        public var selected: Cell
        /// The setting chosen on last-epoch validation accuracy (the last-epoch variant).
        public var selectedAtLast: Cell
        /// How many (α, η) settings were compared.
        public var settings: Int
    }

    /// The rows, dataset by dataset, arms in grid order.
    public var rows: [Row]

    /// Groups `results` into settings and selects on validation (ties: the first setting in grid order).
    public init(_ results: [SweepResult]) {
        var cells: [Cell] = []
        for r in results {
            if let i = cells.firstIndex(where: { $0.dataset == r.run.dataset && $0.arm == r.run.arm && $0.alpha == r.run.alpha && $0.eta == r.run.eta }) {
                cells[i].results.append(r)
            } else {
                cells.append(Cell(dataset: r.run.dataset, arm: r.run.arm, method: r.run.method, alpha: r.run.alpha, eta: r.run.eta, results: [r]))
            }
        }
        var rows: [Row] = []
        var seen = Set<String>()
        for cell in cells where seen.insert(cell.dataset + "\u{1}" + cell.arm).inserted {
            let group = cells.filter { $0.dataset == cell.dataset && $0.arm == cell.arm }
            let best = group.dropFirst().reduce(group[0]) { $1.meanBestValidation > $0.meanBestValidation ? $1 : $0 }
            let bestLast = group.dropFirst().reduce(group[0]) { $1.meanLastValidation > $0.meanLastValidation ? $1 : $0 }
            rows.append(Row(dataset: cell.dataset, arm: cell.arm, method: cell.method, selected: best, selectedAtLast: bestLast,
                            settings: group.count))
        }
        self.rows = rows
    }

    /// One of the paper's ordering claims on one dataset.
    public struct OrderingCheck: Sendable {
        /// The dataset's name.
        public var dataset: String
        /// e.g. "MixupE < Mixup".
        public var claim: String
        /// Test error (%) per seed of the left and the right arm.
        public var leftBySeed: [UInt64: Double], rightBySeed: [UInt64: Double]
        /// η of the left arm when the claim's arms differ only by R (MixupE vs Mixup at one α), else nil.
        public var regularizerOnlyEta: Double?

        /// Mean test error (%) of the claim's left arm (summed in seed order).
        public var left: Double { Self.mean(leftBySeed) }
        /// Mean test error (%) of the claim's right arm (summed in seed order).
        public var right: Double { Self.mean(rightBySeed) }
        private static func mean(_ bySeed: [UInt64: Double]) -> Double {
            MixupExperiments.mean(bySeed.sorted { $0.key < $1.key }.map(\.value))
        }

        /// Whether the left arm's mean test error is below the right's.
        public var holds: Bool { left < right }
        /// Equal mean test errors: the data favours neither arm.
        public var isTie: Bool { abs(left - right) < 1e-9 }
        /// Every seed gave both arms the same test error.
        public var isTieSeedBySeed: Bool {
            !leftBySeed.isEmpty && leftBySeed.keys == rightBySeed.keys
                && leftBySeed.allSatisfy { abs($0.value - rightBySeed[$0.key]!) < 1e-9 }
        }

        /// The report's wording: "holds", "does NOT hold", or a tie — which, seed by seed between arms
        /// that differ only by R, says R left the test errors unchanged at its η (so η chosen on
        /// validation over a grid, not this η, is what can test the claim).
        public var verdict: String {
            if holds { return "holds" }
            guard isTie else { return "does NOT hold" }
            guard isTieSeedBySeed else { return "tie (equal means)" }
            if let eta = regularizerOnlyEta {
                return "tie, the same test error seed by seed: at η = \(SweepGrid.label(eta)) the regularizer left every "
                    + "seed's test error unchanged; choose η on validation over a grid (`mixuplab sweep`)"
            }
            return "tie, the same test error seed by seed"
        }
    }

    /// The paper's orderings on mean selected test error, for datasets that have the arms named
    /// `erm`, `mixup`, `erm+r`, `mixupe`: MixupE < Mixup, Mixup < ERM, and MixupE (Mixup+R) vs ERM+R.
    public var orderingChecks: [OrderingCheck] {
        var checks: [OrderingCheck] = []
        for dataset in unique(rows.map(\.dataset)) {
            func row(_ arm: String) -> Row? { rows.first { $0.dataset == dataset && $0.arm == arm } }
            func bySeed(_ cell: Cell) -> [UInt64: Double] {
                Dictionary(zip(cell.results.map(\.run.seed), cell.testErrorsAtBest), uniquingKeysWith: { first, _ in first })
            }
            for (l, r, claim) in [("mixupe", "mixup", "MixupE < Mixup"), ("mixup", "erm", "Mixup < ERM"), ("mixupe", "erm+r", "Mixup+R < ERM+R")] {
                guard let a = row(l)?.selected, let b = row(r)?.selected else { continue }
                checks.append(OrderingCheck(dataset: dataset, claim: claim, leftBySeed: bySeed(a), rightBySeed: bySeed(b),
                                            regularizerOnlyEta: l == "mixupe" && r == "mixup" && a.alpha == b.alpha ? a.eta : nil))
            }
        }
        return checks
    }
}

/// Arithmetic mean (0 for no values).
func mean(_ xs: [Double]) -> Double { xs.reduce(0, +) / Double(max(xs.count, 1)) }

/// The distinct values in order of first appearance.
func unique(_ xs: [String]) -> [String] {
    var seen = Set<String>()
    return xs.filter { seen.insert($0).inserted }
}
