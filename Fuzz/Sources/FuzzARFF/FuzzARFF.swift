import FuzzSupport
import FuzzTabularChecks
import TabularData

/// ARFF harness: the mode byte picks the class attribute (last, or one named `class`); the rest is the file text,
/// read in memory by `ARFFReader` (again against its own schema), then run through `TabularPipeline`. Checks the `FuzzTabularChecks` invariants.
@_cdecl("FuzzARFF_main")
func fuzzARFFMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc: argc, argv: argv) { raw in
        let input = FuzzInput(raw)
        let options = ARFFReadOptions(classAttribute: input.mode & 1 == 0 ? nil : "class")
        let text = String(decoding: input.body, as: UTF8.self)
        let table: RawTable
        do {
            table = try ARFFReader(options: options).read(text: text, name: "fuzz.arff")
        } catch {
            checkErrorMessage(error)
            return
        }
        checkTable(table, lineCount: lineCount(text))
        checkRereadMatchesItself(table) { try ARFFReader(options: options).read(text: text, name: "fuzz.arff", matching: $0) }
        checkPipeline(table, inputSize: raw.count)
    }
}
