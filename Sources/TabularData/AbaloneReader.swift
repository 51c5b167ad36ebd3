import Foundation

/// Reads the original UCI Abalone file (`abalone.data`): `Sex,Length,Diameter,Height,Whole weight,Shucked weight,
/// Viscera weight,Shell weight,Rings`, no header.
///
/// Sex is categorical with the UCI-documented order `M, F, I` (one-hot after preprocessing); the target is the
/// number of rings, one class per distinct value, in numeric order ("1" < "2" < … < "29"). Several ring counts
/// occur only once, so a stratified split needs `StratifiedSplitter.RareClassPolicy.keepInTraining`.
public enum AbaloneReader {
    /// Column names from the UCI `abalone.names` file, class (`Rings`) last.
    public static let columnNames = ["Sex", "Length", "Diameter", "Height", "Whole weight", "Shucked weight",
                                     "Viscera weight", "Shell weight", "Rings"]
    /// The Sex categories in UCI order (male, female, infant).
    public static let sexCategories = ["M", "F", "I"]

    /// The reader options that describe the Abalone layout.
    public static var options: DelimitedReadOptions {
        DelimitedReadOptions(classColumn: 8, categoricalColumns: [0: .declared(sexCategories)],
                             columnNames: columnNames, infersDiscreteColumns: false)
    }

    /// Reads `abalone.data` (or a file in the same layout); `schema` as in `DelimitedTableReader.read(_:matching:)`.
    public static func read(_ url: URL, matching schema: TableSchema? = nil) throws -> RawTable {
        try DelimitedTableReader(options: options).read(url, matching: schema)
    }
}
