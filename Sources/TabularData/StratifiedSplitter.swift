import SeededRandom
/// Row indices of the three splits, each in ascending (file) order.
public struct SplitIndices: Equatable, Sendable {
    /// Rows for training.
    public var train: [Int]
    /// Rows for validation.
    public var validation: [Int]
    /// Rows for testing.
    public var test: [Int]
}

/// Seeded stratified splitting: every class is shuffled on its own and divided by the fractions, so each split's
/// per-class counts are the fractions of the class size, rounded (within ±1 of the exact share).
public enum StratifiedSplitter {
    /// What to do with a class that has a single row, which cannot be present in more than one split.
    public enum RareClassPolicy: Equatable, Sendable {
        /// Throw an error naming the class (default: a silent imbalance would skew evaluation).
        case reject
        /// Put the single row into the training split (needed for e.g. Abalone, where some ring counts occur once).
        case keepInTraining
    }

    /// Splits `table`'s rows; see `split(labels:classNames:…)`.
    public static func split(_ table: RawTable, fractions: SplitFractions = .standard,
                             rareClasses: RareClassPolicy = .reject,
                             using rng: inout some RandomNumberGenerator) throws -> SplitIndices {
        try split(labels: table.labels, classNames: table.schema.classNames, fractions: fractions,
                  rareClasses: rareClasses, source: table.source, lineNumbers: table.lineNumbers, using: &rng)
    }

    /// Splits rows with the given labels. For each class of n rows (taken in class-index order, its rows shuffled by
    /// Fisher–Yates), round(n·validation) go to validation, round(n·test) to test and the rest (at least one) to
    /// training. Classes without rows are ignored; a class with one row follows `rareClasses` when validation or
    /// test are non-empty. `source`/`lineNumbers` only serve error messages.
    public static func split(labels: [Int], classNames: [String], fractions: SplitFractions = .standard,
                             rareClasses: RareClassPolicy = .reject, source: String = "table",
                             lineNumbers: [Int]? = nil,
                             using rng: inout some RandomNumberGenerator) throws -> SplitIndices {
        guard !labels.isEmpty else { throw TabularDataError(file: source, "cannot split an empty table") }
        var members = [[Int]](repeating: [], count: classNames.count)
        for (row, y) in labels.enumerated() {
            guard y >= 0, y < classNames.count else {
                throw TabularDataError(file: source, line: lineNumbers?[row], "label \(y) is outside 0..<\(classNames.count)")
            }
            members[y].append(row)
        }
        let holdsOut = fractions.validation > 0 || fractions.test > 0
        var result = SplitIndices(train: [], validation: [], test: [])
        for (k, var rows) in members.enumerated() where !rows.isEmpty {
            let n = rows.count
            if n == 1 && holdsOut {
                if rareClasses == .reject {
                    throw TabularDataError(file: source, line: lineNumbers?[rows[0]], "class '\(classNames[k])' has a single member; stratified splitting needs at least 2 rows per class (or RareClassPolicy.keepInTraining)")
                }
                result.train.append(rows[0])
                continue
            }
            rng.shuffle(&rows)
            var validationCount = Int((Double(n) * fractions.validation).rounded())
            var testCount = Int((Double(n) * fractions.test).rounded())
            while validationCount + testCount > n - 1 {
                if testCount >= validationCount { testCount -= 1 } else { validationCount -= 1 }
            }
            let trainCount = n - validationCount - testCount
            result.train.append(contentsOf: rows[0..<trainCount])
            result.validation.append(contentsOf: rows[trainCount..<(trainCount + validationCount)])
            result.test.append(contentsOf: rows[(trainCount + validationCount)...])
        }
        result.train.sort()
        result.validation.sort()
        result.test.sort()
        return result
    }
}
