import Foundation

/// Reads IDX files (the MNIST container: magic 00 00 type ndims, then ndims big-endian UInt32 sizes, then data),
/// raw or gzip-compressed (detected by the 1f 8b magic). Sizes in the header are checked against what the file
/// can hold before any large allocation, and bytes after the declared data are an error.
public enum IDXReader {
    /// Largest decompressed/compressed size ratio deflate can reach (about 1032:1); a header promising more data
    /// than `compressed size × this` is rejected before reading.
    public static let maximumDeflateRatio = 1032

    /// Largest number of dimensions accepted; IDX files in practice have 1 to 4.
    public static let maximumDimensionCount = 16

    /// Smallest default budget of decompressed bytes per gzip file (256 MiB), so small real files always fit.
    public static let minimumDefaultDecompressedBytes = 256 << 20
    /// Default budget factor: a gzip file may inflate to this many times its size (real IDX files compress 2–8×).
    public static let defaultDecompressionFactor = 64

    /// The default decompressed-byte budget of a gzip file of `compressedSize` bytes:
    /// max(256 MiB, 64 × compressed size).
    public static func defaultDecompressedByteBudget(compressedSize: Int) -> Int {
        let (scaled, overflow) = compressedSize.multipliedReportingOverflow(by: defaultDecompressionFactor)
        return overflow ? Int.max : max(minimumDefaultDecompressedBytes, scaled)
    }

    /// Reads an IDX file of unsigned bytes (element type 0x08); other element types throw `.unsupportedType`.
    /// A gzip file whose header promises more than `maximumDecompressedBytes` (default
    /// `defaultDecompressedByteBudget(compressedSize:)`) is refused before anything is inflated or allocated.
    public static func read(_ url: URL, maximumDecompressedBytes: Int? = nil) throws -> IDXArray {
        let stream = try FileByteStream(url: url)
        let path = url.path
        let gz = stream.isGzip

        var magic = [UInt8](repeating: 0, count: 4)
        let gotMagic = try magic.withUnsafeMutableBytes { try stream.read(into: $0) }
        guard gotMagic == 4 else {
            throw ImageDataError(.truncated, file: path, byteOffset: gotMagic, decompressed: gz,
                                 "file ends inside the 4-byte IDX magic number")
        }
        guard magic[0] == 0, magic[1] == 0 else {
            let found = magic.map { String(format: "%02x", $0) }.joined(separator: " ")
            throw ImageDataError(.badMagic, file: path, byteOffset: 0, decompressed: gz,
                                 "not an IDX file: expected magic 00 00 <type> <ndims>, found \(found)")
        }
        guard magic[2] == 0x08 else {
            throw ImageDataError(.unsupportedType, file: path, byteOffset: 2, decompressed: gz,
                                 "unsupported IDX element type 0x\(String(format: "%02x", magic[2])) "
                                 + "(\(typeName(magic[2]))); only 0x08 (unsigned byte) is supported")
        }
        let dimensionCount = Int(magic[3])
        guard dimensionCount >= 1, dimensionCount <= maximumDimensionCount else {
            throw ImageDataError(.implausibleSize, file: path, byteOffset: 3, decompressed: gz,
                                 "IDX header declares \(dimensionCount) dimensions; expected 1...\(maximumDimensionCount)")
        }

        var sizeBytes = [UInt8](repeating: 0, count: 4 * dimensionCount)
        let gotSizes = try sizeBytes.withUnsafeMutableBytes { try stream.read(into: $0) }
        guard gotSizes == sizeBytes.count else {
            throw ImageDataError(.truncated, file: path, byteOffset: 4 + gotSizes, decompressed: gz,
                                 "file ends inside the IDX header (\(dimensionCount) dimension sizes expected)")
        }
        var dimensions: [Int] = []
        var itemCount = 1
        var overflow = false
        for d in 0..<dimensionCount {
            let b = sizeBytes[(4 * d)..<(4 * d + 4)].map(Int.init)
            let size = b[0] << 24 | b[1] << 16 | b[2] << 8 | b[3]
            dimensions.append(size)
            let (product, didOverflow) = itemCount.multipliedReportingOverflow(by: size)
            itemCount = product
            overflow = overflow || didOverflow
        }
        let headerLength = 4 + 4 * dimensionCount
        let shape = dimensions.map(String.init).joined(separator: "×")
        if overflow {
            throw ImageDataError(.implausibleSize, file: path, byteOffset: 4, decompressed: gz,
                                 "IDX dimensions \(shape) overflow the addressable size")
        }

        // Plausibility before allocating: a raw file must hold exactly the data; a gzip file can expand at most
        // `maximumDeflateRatio` times.
        var reserveLimit = itemCount
        if gz {
            let (capacity, capOverflow) = stream.fileSize.multipliedReportingOverflow(by: maximumDeflateRatio)
            if !capOverflow && itemCount > capacity {
                throw ImageDataError(.implausibleSize, file: path, byteOffset: headerLength, decompressed: true,
                                     "IDX header (\(shape)) promises \(itemCount) bytes of data, more than a "
                                     + "\(stream.fileSize)-byte gzip file can hold")
            }
            let budget = maximumDecompressedBytes ?? defaultDecompressedByteBudget(compressedSize: stream.fileSize)
            if itemCount > budget {
                throw ImageDataError(.implausibleSize, file: path, byteOffset: headerLength, decompressed: true,
                                     "IDX header (\(shape)) promises \(itemCount) bytes once decompressed, more than "
                                     + "the budget of \(budget) bytes for this \(stream.fileSize)-byte gzip file "
                                     + (maximumDecompressedBytes == nil ? "(max(256 MiB, 64 × compressed size)); " : "; ")
                                     + "raise it with --max-decompressed-bytes")
            }
            // Grow with the data actually decompressed rather than trusting the header for the whole size.
            reserveLimit = 8 * stream.fileSize + (1 << 20)
        } else {
            let available = stream.fileSize - headerLength
            if itemCount > available {
                throw ImageDataError(.truncated, file: path, byteOffset: stream.fileSize,
                                     "file ends early: IDX header (\(shape)) promises \(itemCount) bytes of data "
                                     + "but only \(available) follow the \(headerLength)-byte header")
            }
            if itemCount < available {
                throw ImageDataError(.trailingBytes, file: path, byteOffset: headerLength + itemCount,
                                     "\(available - itemCount) unexpected trailing bytes after the \(itemCount) "
                                     + "bytes of data the IDX header (\(shape)) declares")
            }
        }

        let values = try stream.readBytes(itemCount, reserveLimit: reserveLimit)
        guard values.count == itemCount else {
            throw ImageDataError(.truncated, file: path, byteOffset: headerLength + values.count, decompressed: gz,
                                 "data ends early: IDX header (\(shape)) promises \(itemCount) bytes of data, "
                                 + "found \(values.count)")
        }
        var probe: UInt8 = 0
        let extra = try withUnsafeMutableBytes(of: &probe) { try stream.read(into: $0) }
        if extra != 0 {
            throw ImageDataError(.trailingBytes, file: path, byteOffset: headerLength + itemCount, decompressed: gz,
                                 "unexpected trailing bytes after the \(itemCount) bytes of data the IDX header "
                                 + "(\(shape)) declares")
        }
        return IDXArray(dimensions: dimensions, values: values, dataOffset: headerLength, wasGzipped: gz)
    }

    /// Name of an IDX element type code, for error messages.
    static func typeName(_ code: UInt8) -> String {
        switch code {
        case 0x08: return "unsigned byte"
        case 0x09: return "signed byte"
        case 0x0B: return "int16"
        case 0x0C: return "int32"
        case 0x0D: return "float32"
        case 0x0E: return "float64"
        default: return "unknown type"
        }
    }
}
