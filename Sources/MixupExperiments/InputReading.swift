import Foundation
import GraphData
import TabularData

/// How data files are read, beside what they hold: the tabular field separator and the input
/// budgets (columns, TU one-hot width, gzip inflation). Training (`TabularSource`, `ImageSource`,
/// TU loading) and inference (`ModelManifest.loadInputs`) read new files with the same settings.
public struct InputReading: Equatable, Sendable {
    /// Field separator of delimiter-separated tabular files (`" "` = runs of spaces/tabs); nil detects it.
    public var delimiter: Character?
    /// Most columns per tabular row besides the class and most encoded features (`--max-features`).
    public var maximumFeatureCount: Int
    /// Most distinct TU node labels one-hot encoded (`--max-one-hot`).
    public var maximumOneHotWidth: Int
    /// Most bytes a gzip IDX file may inflate to (nil: `IDXReader`'s default, max(256 MiB, 64 × compressed)).
    public var maximumDecompressedBytes: Int?

    /// Settings with the readers' defaults unless given.
    public init(delimiter: Character? = nil,
                maximumFeatureCount: Int = DelimitedReadOptions.defaultMaximumColumnCount,
                maximumOneHotWidth: Int = TUDatasetOptions.defaultMaximumOneHotWidth,
                maximumDecompressedBytes: Int? = nil) {
        self.delimiter = delimiter
        self.maximumFeatureCount = maximumFeatureCount
        self.maximumOneHotWidth = maximumOneHotWidth
        self.maximumDecompressedBytes = maximumDecompressedBytes
    }

    /// The reading format of the tabular file `url`: detected from its name and first line, with this
    /// delimiter and column budget applied; a delimiter given for an ARFF/KEEL or Abalone file is refused.
    public func tabularFormat(of url: URL) throws -> TabularFileFormat {
        var format = TabularFileFormat.detect(url)
        switch format {
        case .delimited(var options):
            options.delimiter = delimiter
            // The budget counts features; a row also holds its class (Int.max stays Int.max instead of trapping).
            options.maximumColumnCount = maximumFeatureCount < Int.max ? maximumFeatureCount + 1 : Int.max
            format = .delimited(options)
        case .arff, .abalone:
            if let delimiter {
                throw ExperimentError("\(url.path): --delimiter '\(delimiter)' applies to delimiter-separated files; "
                                      + "this one is read as \(format == .abalone ? "abalone.data" : "ARFF/KEEL (it has an @ header)")")
            }
        }
        return format
    }
}
