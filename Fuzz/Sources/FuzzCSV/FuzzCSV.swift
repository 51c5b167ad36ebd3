import FuzzSupport
import FuzzTabularChecks
import TabularData

/// CSV/KEEL `.dat` harness: the mode byte picks delimiter, class column, trimming, missing markers and categorical
/// columns; the rest is the file text, read in memory by `DelimitedTableReader` (again against its own schema) and run through
/// `TabularPipeline`. Checks the table and split invariants of `FuzzTabularChecks`.
@_cdecl("FuzzCSV_main")
func fuzzCSVMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc: argc, argv: argv) { raw in
        let input = FuzzInput(raw)
        let mode = input.mode
        let delimiters: [Character] = [",", ";", "\t", " "]
        var options = DelimitedReadOptions()
        options.delimiter = delimiters[Int(mode & 3)]
        options.classColumn = mode & 4 == 0 ? nil : 0
        options.trimsWhitespace = mode & 8 == 0
        if mode & 16 != 0 { options.missingValueMarkers.insert("") }
        if mode & 32 != 0 { options.categoricalColumns = [1: .discovered] }
        if mode & 64 != 0 { options.categoricalColumns[0] = .declared(["a", "b", "c"]) }
        options.infersDiscreteColumns = mode & 128 == 0
        let text = String(decoding: input.body, as: UTF8.self)
        let table: RawTable
        do {
            table = try DelimitedTableReader(options: options).read(text: text, name: "fuzz.csv")
        } catch {
            checkErrorMessage(error)
            return
        }
        checkTable(table, lineCount: lineCount(text))
        checkRereadMatchesItself(table) { try DelimitedTableReader(options: options).read(text: text, name: "fuzz.csv", matching: $0) }
        checkPipeline(table, inputSize: raw.count)
    }
}
