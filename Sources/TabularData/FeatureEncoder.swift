/// Which output features are standardized to zero mean and unit variance (training statistics).
public enum StandardizationScope: Equatable, Sendable {
    /// Every feature, one-hot indicators included (default, like scikit-learn's `StandardScaler` on the full matrix).
    case allFeatures
    /// Only features from numeric columns; one-hot indicators stay 0/1.
    case numericOnly
    /// No standardization.
    case none
}

/// Options of the paper's preprocessing (§3.2).
public struct PreprocessingOptions: Equatable, Sendable {
    /// Which features are standardized. Default `.allFeatures`.
    public var standardization: StandardizationScope
    /// Largest number of encoded features (one-hot columns included); more is an error naming the budget, so a
    /// wide or high-cardinality file cannot allocate gigabytes. Default `DelimitedReadOptions.defaultMaximumColumnCount`.
    public var maximumFeatureCount: Int

    /// Creates options.
    public init(standardization: StandardizationScope = .allFeatures,
                maximumFeatureCount: Int = DelimitedReadOptions.defaultMaximumColumnCount) {
        self.standardization = standardization
        self.maximumFeatureCount = maximumFeatureCount
    }
}

/// The paper's preprocessing fitted on training rows: missing cells filled with the training mean (continuous) or
/// mode (discrete, categorical), categorical columns one-hot encoded, then each feature standardized with the
/// training mean and population standard deviation. A feature constant on the training rows gets scale 1 (so it is
/// exactly 0 on the training rows). Applying it to validation or test rows never changes the statistics.
public struct FeatureEncoder: Sendable {
    /// The schema the encoder was fitted on; tables to encode must have the same columns and class list.
    public let schema: TableSchema
    /// Fill value per raw column: the mean, the mode, or the mode's category index. A column with no observed
    /// training value is filled with 0 (numeric) or category 0.
    public let fillValues: [Double]
    /// Output feature names (`name`, or `name=value` for one-hot features).
    public let featureNames: [String]
    /// Per output feature, subtracted before scaling (0 when not standardized).
    public let means: [Double]
    /// Per output feature, divided by after centering (1 for constant or unstandardized features).
    public let scales: [Double]

    /// Number of output features.
    public var featureCount: Int { featureNames.count }

    /// Fits fill values and standardization statistics on `rows` of `table` (the training rows only).
    public static func fit(_ table: RawTable, rows: [Int], options: PreprocessingOptions = PreprocessingOptions()) throws -> FeatureEncoder {
        guard !rows.isEmpty else {
            throw TabularDataError(file: table.source, "cannot fit preprocessing on zero training rows")
        }
        if let bad = rows.first(where: { $0 < 0 || $0 >= table.rowCount }) {
            throw TabularDataError(file: table.source, "row index \(bad) is outside 0..<\(table.rowCount)")
        }
        var fills: [Double] = []
        var names: [String] = []
        var means: [Double] = []
        var scales: [Double] = []
        var anyObserved = false
        for (c, column) in table.schema.columns.enumerated() {
            let values = table.columnValues[c]
            var columnWidth = 1
            if case .categorical(let categories) = column.kind { columnWidth = categories.count }
            let width = names.count + columnWidth
            guard width <= options.maximumFeatureCount else {
                throw TabularDataError(file: table.source, "column '\(column.name)' brings the encoded width to \(width) features, more than the budget of \(options.maximumFeatureCount) (raise it with --max-features)")
            }
            if rows.contains(where: { !values[$0].isNaN }) { anyObserved = true }
            switch column.kind {
            case .continuous, .discrete:
                var sum = 0.0, observed = 0
                for r in rows where !values[r].isNaN { sum += values[r]; observed += 1 }
                let fill: Double
                if observed == 0 {
                    fill = 0
                } else if column.kind == .continuous {
                    fill = sum / Double(observed)
                } else {
                    fill = mode(of: rows.lazy.map { values[$0] }.filter { !$0.isNaN })
                }
                fills.append(fill)
                names.append(column.name)
                var mean = 0.0, low = Double.infinity, high = -Double.infinity
                for r in rows {
                    let v = values[r].isNaN ? fill : values[r]
                    mean += v; low = min(low, v); high = max(high, v)
                }
                mean /= Double(rows.count)
                var variance = 0.0
                for r in rows {
                    let d = (values[r].isNaN ? fill : values[r]) - mean
                    variance += d * d
                }
                variance /= Double(rows.count)
                guard mean.isFinite, variance.isFinite, fill.isFinite else {
                    let extreme = rows.filter { !values[$0].isNaN }.max { abs(values[$0]) < abs(values[$1]) } ?? rows[0]
                    throw TabularDataError(file: table.source, line: table.lineNumbers[extreme],
                                           "column '\(column.name)': value \(values[extreme]) makes the training mean or standard deviation overflow to infinity; rescale this column")
                }
                if options.standardization == .none {
                    means.append(0); scales.append(1)
                } else if low == high {
                    means.append(low); scales.append(1)
                } else {
                    means.append(mean); scales.append(variance.squareRoot())
                }
            case .categorical(let categories):
                // A categorical column whose every cell is missing has no category to one-hot or to fill with.
                guard !categories.isEmpty else {
                    throw TabularDataError(file: table.source, "column '\(column.name)' is categorical but has no "
                                           + "categories (every cell is missing); drop the column or give it values")
                }
                var counts = [Int](repeating: 0, count: categories.count)
                for r in rows where !values[r].isNaN {
                    let k = Int(values[r])
                    guard k >= 0, k < categories.count else {
                        throw TabularDataError(file: table.source, line: table.lineNumbers[r], "column '\(column.name)': category index \(k) is out of range")
                    }
                    counts[k] += 1
                }
                var modeIndex = 0
                for k in counts.indices where counts[k] > counts[modeIndex] { modeIndex = k }
                fills.append(Double(modeIndex))
                var filledCounts = counts
                filledCounts[modeIndex] += rows.count - counts.reduce(0, +)
                for (k, category) in categories.enumerated() {
                    names.append("\(column.name)=\(category)")
                    let p = Double(filledCounts[k]) / Double(rows.count)
                    if options.standardization != .allFeatures {
                        means.append(0); scales.append(1)
                    } else if filledCounts[k] == 0 || filledCounts[k] == rows.count {
                        means.append(p); scales.append(1)
                    } else {
                        means.append(p); scales.append((p * (1 - p)).squareRoot())
                    }
                }
            }
        }
        if !anyObserved && !table.schema.columns.isEmpty {
            throw TabularDataError(file: table.source, line: table.lineNumbers[rows[0]],
                                   "every feature value of the \(rows.count) training rows is missing; there is nothing to learn from")
        }
        return FeatureEncoder(schema: table.schema, fillValues: fills, featureNames: names, means: means, scales: scales)
    }

    /// Encodes `rows` of `table` (all rows when `nil`) with the fitted statistics. The table must have the encoder's
    /// schema (same column names, kinds, category lists and classes), e.g. a test file read `matching:` it.
    public func encode(_ table: RawTable, rows: [Int]? = nil) throws -> TabularDataset {
        try checkCompatible(table)
        let rows = rows ?? Array(0..<table.rowCount)
        if let bad = rows.first(where: { $0 < 0 || $0 >= table.rowCount }) {
            throw TabularDataError(file: table.source, "row index \(bad) is outside 0..<\(table.rowCount)")
        }
        let width = featureCount
        var features = [Float](repeating: 0, count: rows.count * width)
        var labels = [Int](repeating: 0, count: rows.count)
        for (i, r) in rows.enumerated() { labels[i] = table.labels[r] }
        var offset = 0
        try features.withUnsafeMutableBufferPointer { out in
            for (c, column) in schema.columns.enumerated() {
                try table.columnValues[c].withUnsafeBufferPointer { values in
                    switch column.kind {
                    case .continuous, .discrete:
                        let fill = fillValues[c], mean = means[offset], scale = scales[offset]
                        for (i, r) in rows.enumerated() {
                            let v = values[r].isNaN ? fill : values[r]
                            let encoded = Float((v - mean) / scale)
                            guard encoded.isFinite else {
                                throw TabularDataError(file: table.source, line: table.lineNumbers[r], "column '\(column.name)': value \(v) overflows the Float range after standardization (mean \(mean), scale \(scale)); rescale this column")
                            }
                            out[i * width + offset] = encoded
                        }
                        offset += 1
                    case .categorical(let categories):
                        let fill = Int(fillValues[c])
                        for (i, r) in rows.enumerated() {
                            let v = values[r]
                            let k = v.isNaN ? fill : Int(v)
                            guard k >= 0, k < categories.count, v.isNaN || Double(k) == v else {
                                throw TabularDataError(file: table.source, line: table.lineNumbers[r], "column '\(column.name)': \(v) is not a category index")
                            }
                            for j in 0..<categories.count {
                                let indicator: Double = j == k ? 1 : 0
                                out[i * width + offset + j] = Float((indicator - means[offset + j]) / scales[offset + j])
                            }
                        }
                        offset += categories.count
                    }
                }
            }
        }
        return TabularDataset(validatedFeatures: features, labels: labels, featureCount: width,
                              classNames: schema.classNames, featureNames: featureNames)
    }

    private func checkCompatible(_ table: RawTable) throws {
        guard table.schema.columns.count == schema.columns.count else {
            throw TabularDataError(file: table.source, "has \(table.schema.columns.count) feature columns but the training data has \(schema.columns.count)")
        }
        for (c, (mine, theirs)) in zip(schema.columns, table.schema.columns).enumerated() where mine != theirs {
            throw TabularDataError(file: table.source, "feature column \(c + 1) ('\(theirs.name)') differs from the training column '\(mine.name)' (name, kind or category list); read the file matching the training schema")
        }
        guard table.schema.classNames == schema.classNames else {
            throw TabularDataError(file: table.source, "class list differs from the training class list")
        }
    }

    /// The most frequent value (ties: the smallest).
    private static func mode(of values: some Sequence<Double>) -> Double {
        var counts: [Double: Int] = [:]
        for v in values { counts[v, default: 0] += 1 }
        var best = 0.0, bestCount = 0
        for (v, n) in counts where n > bestCount || (n == bestCount && v < best) {
            best = v; bestCount = n
        }
        return best
    }
}
