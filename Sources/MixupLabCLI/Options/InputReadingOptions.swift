import ArgumentParser
import MixupExperiments

/// How data files are read (`--delimiter`) and the budgets they are read under (`--max-features`,
/// `--max-one-hot`, `--max-decompressed-bytes`): one group, parsed and checked in one place, shared by
/// the commands that train (inside `DataOptions`) and by `evaluate`/`predict` (`CheckpointInputOptions`).
public struct InputReadingOptions: ParsableArguments {
    /// `--delimiter`: separator of delimiter-separated tabular files (nil: detected).
    @Option(help: "Tabular: field separator of delimiter-separated files: a single character, 'tab', or 'space' (runs of spaces/tabs). Default: detected from the first lines (',', ';', tab, else whitespace).")
    public var delimiter: String?
    /// `--max-features`: budget of columns per row and encoded features of tabular data.
    @Option(help: "Tabular: most columns per row and encoded features (one-hot included); wider data is refused before it is allocated. Default 100000.")
    public var maxFeatures: Int?
    /// `--max-one-hot`: budget of distinct TU node labels one-hot encoded.
    @Option(help: "Graphs: most distinct node labels one-hot encoded; more are refused before the feature matrix is built. Default 1000.")
    public var maxOneHot: Int?
    /// `--max-decompressed-bytes`: budget of bytes a gzip IDX file may inflate to.
    @Option(help: "MNIST/Fashion-MNIST: most bytes a gzip IDX file may inflate to; a header promising more is refused before reading. Default: max(256 MiB, 64 × the compressed size).")
    public var maxDecompressedBytes: Int?

    /// Required by `ParsableArguments`.
    public init() {}

    /// Refuses budgets below 1 and a delimiter the reader cannot use (ArgumentParser calls it when parsing).
    public func validate() throws {
        if let maxFeatures, maxFeatures < 1 { throw ValidationError("--max-features must be ≥ 1, got \(maxFeatures)") }
        if let maxOneHot, maxOneHot < 1 { throw ValidationError("--max-one-hot must be ≥ 1, got \(maxOneHot)") }
        if let maxDecompressedBytes, maxDecompressedBytes < 1 {
            throw ValidationError("--max-decompressed-bytes must be ≥ 1, got \(maxDecompressedBytes)")
        }
        _ = try parsedDelimiter()
    }

    /// Throws for an option the data being read cannot use (it would otherwise be silently ignored):
    /// `domain` and `dataset` (a `DatasetKind` raw value, e.g. `mnist`) describe the data, `context` names
    /// where they come from in the message (e.g. `--dataset tu`).
    func checkApplicability(domain: DatasetKind.Domain, dataset: String, context: String) throws {
        func refuse(_ option: String, _ why: String) throws { throw ValidationError("\(option) \(why) (\(context))") }
        if delimiter != nil && domain != .tabular { try refuse("--delimiter", "applies to tabular files only") }
        if maxFeatures != nil && domain != .tabular { try refuse("--max-features", "applies to tabular files only") }
        if maxOneHot != nil && domain != .graphs { try refuse("--max-one-hot", "applies to TU graph datasets only") }
        if maxDecompressedBytes != nil && dataset != DatasetKind.mnist.rawValue && dataset != DatasetKind.fashionMNIST.rawValue {
            try refuse("--max-decompressed-bytes", "applies to the gzip IDX files of mnist and fashion-mnist only")
        }
        try validate()
    }

    /// `--delimiter` as the reader's separator (`" "` for whitespace; nil when absent: detect).
    public func parsedDelimiter() throws -> Character? {
        guard let delimiter else { return nil }
        switch delimiter.lowercased() {
        case "tab", "\\t", "\t": return "\t"
        case "space", "whitespace", " ": return " "
        default:
            guard delimiter.count == 1, let c = delimiter.first, c.isASCII, c != "\"" else {
                throw ValidationError("--delimiter must be one ASCII character other than '\"', 'tab' or 'space', got '\(delimiter)'")
            }
            return c
        }
    }

    /// The settings the readers take, with their defaults for options not given.
    public func inputReading() throws -> InputReading {
        var reading = InputReading(delimiter: try parsedDelimiter())
        if let maxFeatures { reading.maximumFeatureCount = maxFeatures }
        if let maxOneHot { reading.maximumOneHotWidth = maxOneHot }
        reading.maximumDecompressedBytes = maxDecompressedBytes
        return reading
    }
}
