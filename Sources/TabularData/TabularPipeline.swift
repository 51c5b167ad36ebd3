/// One call from a raw table to preprocessed train/validation/test splits (paper §3.2).
public enum TabularPipeline {
    /// Splits `table` by seeded stratification, fits the preprocessing on the training rows only and encodes all
    /// three splits with it.
    public static func makeSplits(_ table: RawTable, fractions: SplitFractions = .standard,
                                  rareClasses: StratifiedSplitter.RareClassPolicy = .reject,
                                  preprocessing: PreprocessingOptions = PreprocessingOptions(),
                                  using rng: inout some RandomNumberGenerator) throws -> TabularSplits {
        let indices = try StratifiedSplitter.split(table, fractions: fractions, rareClasses: rareClasses, using: &rng)
        let encoder = try FeatureEncoder.fit(table, rows: indices.train, options: preprocessing)
        return TabularSplits(train: try encoder.encode(table, rows: indices.train),
                             validation: try encoder.encode(table, rows: indices.validation),
                             test: try encoder.encode(table, rows: indices.test),
                             encoder: encoder)
    }

    /// Uses a separate test file (e.g. segment-challenge / segment-test): validation rows are a seeded stratified
    /// share of `train`, the preprocessing is fitted on the remaining training rows, and `test` (read matching
    /// `train.schema`) is encoded with the same category lists and statistics.
    public static func makeSplits(train: RawTable, test: RawTable, validationFraction: Double = 0.15,
                                  rareClasses: StratifiedSplitter.RareClassPolicy = .reject,
                                  preprocessing: PreprocessingOptions = PreprocessingOptions(),
                                  using rng: inout some RandomNumberGenerator) throws -> TabularSplits {
        let fractions = try SplitFractions(train: 1 - validationFraction, validation: validationFraction, test: 0)
        let indices = try StratifiedSplitter.split(train, fractions: fractions, rareClasses: rareClasses, using: &rng)
        let encoder = try FeatureEncoder.fit(train, rows: indices.train, options: preprocessing)
        return TabularSplits(train: try encoder.encode(train, rows: indices.train),
                             validation: try encoder.encode(train, rows: indices.validation),
                             test: try encoder.encode(test),
                             encoder: encoder)
    }
}
