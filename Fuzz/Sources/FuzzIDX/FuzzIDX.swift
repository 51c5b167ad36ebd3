import FuzzSupport
import ImageData

/// IDX harness: with mode bit 0 clear the body is the file as is (raw IDX, or a gzip stream the fuzzer mutates);
/// with it set the body is gzip-compressed first, so the decompressed header and data are fuzzed behind a valid
/// gzip layer. The file goes through `IDXReader.read` (it only reads files). On success the array must be what
/// the bytes say: dimensions multiply to the value count, the data offset is the header length, and the values
/// are exactly the (decompressed) bytes after the header, nothing more.
@_cdecl("FuzzIDX_main")
func fuzzIDXMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    let scratch = FuzzScratch("idx")
    return runFuzzer(argc: argc, argv: argv) { raw in
        let input = FuzzInput(raw)
        let compress = input.mode & 1 == 1
        let content = Array(input.body)
        let file = compress ? gzip(content) : content
        let url = scratch.write(file, to: compress ? "images-idx3-ubyte.gz" : "images-idx3-ubyte")
        let array: IDXArray
        do {
            array = try IDXReader.read(url)
        } catch {
            checkErrorMessage(error)
            let text = String(describing: error)
            invariant(text.contains(url.path) || text.contains(url.lastPathComponent), "error names no file: \(text)")
            return
        }
        invariant(!array.dimensions.isEmpty, "no dimensions")
        invariant(array.dimensions.allSatisfy { $0 >= 0 }, "negative dimension \(array.dimensions)")
        let product = array.dimensions.reduce(1) { $0.multipliedReportingOverflow(by: $1).partialValue }
        invariant(product == array.values.count, "dimensions \(array.dimensions) but \(array.values.count) values")
        invariant(array.dataOffset == 4 + 4 * array.dimensions.count,
                  "data offset \(array.dataOffset) for \(array.dimensions.count) dimensions")
        if compress {
            invariant(array.wasGzipped, "gzip input not reported as gzipped")
            invariant(content.count == array.dataOffset + array.values.count,
                      "\(content.count) decompressed bytes but header + data is \(array.dataOffset + array.values.count)")
            invariant(array.values.elementsEqual(content[array.dataOffset...]), "values differ from decompressed bytes")
        } else if !array.wasGzipped {
            invariant(content.count == array.dataOffset + array.values.count,
                      "\(content.count) bytes but header + data is \(array.dataOffset + array.values.count)")
            invariant(array.values.elementsEqual(content[array.dataOffset...]), "values differ from file bytes")
        } else {
            // A gzip stream the fuzzer wrote itself: deflate cannot expand more than about 1032:1.
            invariant(array.values.count <= content.count * IDXReader.maximumDeflateRatio,
                      "\(array.values.count) values from \(content.count) compressed bytes")
        }
    }
}
