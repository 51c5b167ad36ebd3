import CZlibFuzz

/// Views of one fuzz input: a leading mode byte that picks parser options, and the rest split into parts at a
/// separator, so one byte string can stand for several files (a TU dataset folder, a list of CIFAR batches).
public struct FuzzInput {
    /// The whole input.
    public let bytes: [UInt8]

    /// Copies the input libFuzzer passes.
    public init(_ raw: UnsafeRawBufferPointer) { bytes = Array(raw) }

    /// The first byte (0 for an empty input): harnesses derive their option choices from it.
    public var mode: UInt8 { bytes.first ?? 0 }

    /// Everything after the mode byte.
    public var body: ArraySlice<UInt8> { bytes.dropFirst() }

    /// `body` split at every occurrence of `separator` (empty parts kept), at most `maxParts` parts; the last part
    /// keeps any further separators.
    public func parts(separator: [UInt8], maxParts: Int) -> [ArraySlice<UInt8>] {
        var result: [ArraySlice<UInt8>] = []
        var rest = body
        while result.count < maxParts - 1, let range = Self.find(separator, in: rest) {
            result.append(rest[rest.startIndex..<range.lowerBound])
            rest = rest[range.upperBound...]
        }
        result.append(rest)
        return result
    }

    private static func find(_ needle: [UInt8], in haystack: ArraySlice<UInt8>) -> Range<Int>? {
        guard !needle.isEmpty, haystack.count >= needle.count else { return nil }
        var i = haystack.startIndex
        while i + needle.count <= haystack.endIndex {
            if haystack[i..<(i + needle.count)].elementsEqual(needle) { return i..<(i + needle.count) }
            i += 1
        }
        return nil
    }
}

/// Gzip-compresses `bytes` (zlib, window bits 31), so harnesses can feed well-formed gzip streams whose
/// decompressed content the fuzzer controls.
public func gzip<C: Collection>(_ bytes: C) -> [UInt8] where C.Element == UInt8 {
    var input = Array(bytes)
    var stream = z_stream()
    guard deflateInit2_(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY,
                        ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else { fatalError("deflateInit2 failed") }
    defer { deflateEnd(&stream) }
    var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, UInt(input.count))) + 32)
    let produced: Int = input.withUnsafeMutableBufferPointer { inBuffer in
        output.withUnsafeMutableBufferPointer { outBuffer in
            stream.next_in = inBuffer.baseAddress
            stream.avail_in = uInt(inBuffer.count)
            stream.next_out = outBuffer.baseAddress
            stream.avail_out = uInt(outBuffer.count)
            guard deflate(&stream, Z_FINISH) == Z_STREAM_END else { fatalError("deflate did not finish") }
            return outBuffer.count - Int(stream.avail_out)
        }
    }
    return Array(output.prefix(produced))
}
