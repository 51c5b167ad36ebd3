import FuzzSupport
import SafeTensors

/// safetensors harness with two views of the input, by mode bit 0: the body as a whole file (8-byte length, JSON
/// header, data), or the body as the JSON header alone, framed with a correct length and followed by 256 bytes of
/// data, so the header parser gets inputs whose framing is right. On success every entry's byte count is its element
/// count × dtype size, each typed accessor returns that many values or refuses the dtype, and serializing the file
/// and parsing it again gives the same file.
@_cdecl("FuzzSafeTensors_main")
func fuzzSafeTensorsMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc: argc, argv: argv) { raw in
        let input = FuzzInput(raw)
        var bytes: [UInt8]
        if input.mode & 1 == 0 {
            bytes = Array(input.body)
        } else {
            let header = Array(input.body)
            bytes = withUnsafeBytes(of: UInt64(header.count).littleEndian) { Array($0) } + header
            bytes += (0..<256).map { UInt8(truncatingIfNeeded: $0 &* 37) }
        }
        let file: SafeTensorsFile
        do {
            file = try SafeTensorsFile(serialized: bytes, fileName: "fuzz.safetensors")
        } catch {
            checkErrorMessage(error)
            invariant(String(describing: error).contains("fuzz.safetensors"), "error names no file: \(error)")
            return
        }
        for (name, entry) in file.tensors {
            invariant(entry.shape.allSatisfy { $0 >= 0 }, "\(name): negative dimension \(entry.shape)")
            let product = entry.shape.reduce(1) { $0.multipliedReportingOverflow(by: $1).partialValue }
            invariant(entry.elementCount == product, "\(name): \(entry.elementCount) elements for shape \(entry.shape)")
            invariant(entry.bytes.count == entry.elementCount * entry.dtype.byteSize,
                      "\(name): \(entry.bytes.count) bytes for \(entry.elementCount) × \(entry.dtype)")
            invariant(entry.bytes.count <= bytes.count, "\(name): more tensor bytes than the file has")
            if let values = try? entry.floats() { invariant(values.count == entry.elementCount, "\(name): floats") }
            if let values = try? entry.doubles() { invariant(values.count == entry.elementCount, "\(name): doubles") }
            if let values = try? entry.int64s() { invariant(values.count == entry.elementCount, "\(name): int64s") }
            invariant((try? file.tensor(named: name)) == entry, "\(name): lookup by name differs")
        }
        let again: [UInt8]
        do { again = try file.serialized() } catch {
            invariant(false, "a file that parsed does not serialize: \(error)")
            return
        }
        do {
            let reparsed = try SafeTensorsFile(serialized: again, fileName: "again.safetensors")
            invariant(reparsed.tensors == file.tensors && reparsed.metadata == file.metadata,
                      "serialize → parse changed the file")
            invariant((try? reparsed.serialized()) == again, "serialization is not deterministic")
        } catch {
            invariant(false, "a serialized file does not parse: \(error)")
        }
    }
}
