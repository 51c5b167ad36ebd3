import FuzzSupport
import SeededRandom
import TabularData

/// Checks what a successful read promises: one value per row in every column, labels and category indices in
/// range, numeric cells finite or missing (NaN), line numbers increasing and inside the text, at least one class.
public func checkTable(_ table: RawTable, lineCount: Int) {
    let rows = table.rowCount
    invariant(table.lineNumbers.count == rows, "\(table.lineNumbers.count) line numbers for \(rows) rows")
    invariant(table.columnValues.count == table.schema.columns.count,
              "\(table.columnValues.count) value arrays for \(table.schema.columns.count) columns")
    invariant(!table.schema.classNames.isEmpty || rows == 0, "rows without any class name")
    invariant(Set(table.schema.classNames).count == table.schema.classNames.count,
              "duplicate class names \(table.schema.classNames)")
    for (index, line) in table.lineNumbers.enumerated() {
        invariant(line >= 1 && line <= lineCount, "row \(index) claims line \(line) of a \(lineCount)-line text")
        if index > 0 { invariant(line > table.lineNumbers[index - 1], "line numbers not increasing at row \(index)") }
    }
    for label in table.labels {
        invariant(label >= 0 && label < table.schema.classNames.count, "label \(label) out of range")
    }
    for (c, column) in table.schema.columns.enumerated() {
        let values = table.columnValues[c]
        invariant(values.count == rows, "column \(column.name) has \(values.count) cells for \(rows) rows")
        switch column.kind {
        case .categorical(let categories):
            for v in values where !v.isNaN {
                invariant(v >= 0 && v < Double(categories.count) && v == v.rounded(),
                          "column \(column.name): \(v) is not a category index of \(categories.count)")
            }
        case .continuous, .discrete:
            for v in values { invariant(v.isFinite || v.isNaN, "column \(column.name): non-finite \(v)") }
        }
    }
}

/// Runs the tabular pipeline (seeded stratified split, fit on train, encode) on a table that was read, and checks
/// the splits: rows partitioned, `features.count == count × featureCount` in every split, finite features,
/// identical feature counts, and a feature width in proportion to the text (no blow-up from a small file).
public func checkPipeline(_ table: RawTable, inputSize: Int) {
    // The package's SplitMix64: the same input draws the same split, so a finding replays.
    var rng = SplitMix64(seed: UInt64(inputSize))
    let splits: TabularSplits
    do {
        splits = try TabularPipeline.makeSplits(table, rareClasses: .keepInTraining, using: &rng)
    } catch {
        checkErrorMessage(error)
        return
    }
    let parts = [splits.train, splits.validation, splits.test]
    invariant(parts.map(\.count).reduce(0, +) == table.rowCount,
              "splits hold \(parts.map(\.count)) rows of \(table.rowCount)")
    for part in parts {
        invariant(part.featureCount == splits.encoder.featureCount, "split with \(part.featureCount) features, "
                  + "encoder has \(splits.encoder.featureCount)")
        invariant(part.features.count == part.count * part.featureCount,
                  "\(part.features.count) feature values for \(part.count) × \(part.featureCount)")
        for label in part.labels { invariant(label >= 0 && label < part.classNames.count, "split label \(label)") }
        for value in part.features { invariant(value.isFinite, "non-finite encoded feature \(value)") }
    }
    // Every feature comes from a column or one category of it; categories come from cells, so the width can never
    // exceed the number of bytes that declared them.
    invariant(splits.encoder.featureCount <= inputSize + 1,
              "\(splits.encoder.featureCount) features from a \(inputSize)-byte input")
}

/// Number of lines a reader can report for `text` (LF, CR LF and a final line without terminator).
public func lineCount(_ text: String) -> Int {
    var count = 1
    for byte in text.utf8 where byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") { count += 1 }
    return count
}

/// Reading a file again against its own schema (the way a separate test file is read `matching:` the training
/// file) must succeed and give the same table: same labels, same cells (NaN for the same missing cells).
public func checkRereadMatchesItself(_ table: RawTable, reread: (TableSchema) throws -> RawTable) {
    let again: RawTable
    do { again = try reread(table.schema) } catch {
        invariant(false, "a file does not read against its own schema: \(error)")
        return
    }
    invariant(again.schema == table.schema, "schema changed on re-reading")
    invariant(again.labels == table.labels, "labels changed on re-reading")
    for (c, values) in table.columnValues.enumerated() {
        let other = again.columnValues[c]
        invariant(values.count == other.count && zip(values, other).allSatisfy { $0 == $1 || ($0.isNaN && $1.isNaN) },
                  "column \(table.schema.columns[c].name) changed on re-reading")
    }
}
