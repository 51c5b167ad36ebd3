/// Serializes a `SafeTensorsFile` to bytes, byte-for-byte as the reference (Rust/Python) writer does.
///
/// Layout: tensors sorted by descending dtype alignment then by name (UTF-8 byte order), packed without gaps;
/// header JSON compact with `__metadata__` first (its keys sorted), then tensors in layout order; the header
/// padded with spaces to a multiple of 8 bytes so every tensor's data starts aligned.
enum SafeTensorsEncoder {
    /// The reserved header key that holds metadata; it cannot be used as a tensor name.
    static let metadataKey = "__metadata__"

    /// The complete file image of `file`.
    static func encode(_ file: SafeTensorsFile) throws -> [UInt8] {
        if file.tensors[metadataKey] != nil {
            throw SafeTensorsError(.invalidHeader, file: file.origin, tensor: metadataKey,
                                   "'\(metadataKey)' is reserved for metadata and cannot name a tensor")
        }
        let ordered = file.tensors.sorted { lhs, rhs in
            if lhs.value.dtype.layoutRank != rhs.value.dtype.layoutRank {
                return lhs.value.dtype.layoutRank > rhs.value.dtype.layoutRank
            }
            return lhs.key.utf8.lexicographicallyPrecedes(rhs.key.utf8)
        }

        var header: [UInt8] = [UInt8(ascii: "{")]
        var needsComma = false
        if !file.metadata.isEmpty {
            appendString(metadataKey, to: &header)
            header.append(contentsOf: Array(":{".utf8))
            let keys = file.metadata.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            for (position, key) in keys.enumerated() {
                if position > 0 { header.append(UInt8(ascii: ",")) }
                appendString(key, to: &header)
                header.append(UInt8(ascii: ":"))
                appendString(file.metadata[key] ?? "", to: &header)
            }
            header.append(UInt8(ascii: "}"))
            needsComma = true
        }
        var offset = 0
        for (name, entry) in ordered {
            if needsComma { header.append(UInt8(ascii: ",")) }
            needsComma = true
            appendString(name, to: &header)
            header.append(contentsOf: Array(":{\"dtype\":".utf8))
            appendString(entry.dtype.rawValue, to: &header)
            header.append(contentsOf: Array(",\"shape\":[".utf8))
            header.append(contentsOf: Array(entry.shape.map(String.init).joined(separator: ",").utf8))
            let end = offset + entry.bytes.count
            header.append(contentsOf: Array("],\"data_offsets\":[\(offset),\(end)]}".utf8))
            offset = end
        }
        header.append(UInt8(ascii: "}"))
        let padding = (8 - header.count % 8) % 8
        header.append(contentsOf: repeatElement(UInt8(ascii: " "), count: padding))

        var output: [UInt8] = []
        output.reserveCapacity(8 + header.count + offset)
        var length = UInt64(header.count).littleEndian
        withUnsafeBytes(of: &length) { output.append(contentsOf: $0) }
        output.append(contentsOf: header)
        for (_, entry) in ordered { output.append(contentsOf: entry.bytes) }
        return output
    }

    /// Appends `string` as a JSON string literal, escaping as `serde_json` does (quotes, backslash,
    /// control characters; everything else verbatim UTF-8).
    static func appendString(_ string: String, to output: inout [UInt8]) {
        let hex = Array("0123456789abcdef".utf8)
        output.append(UInt8(ascii: "\""))
        for byte in string.utf8 {
            switch byte {
            case UInt8(ascii: "\""): output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case 0x08: output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "b")])
            case 0x0C: output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "f")])
            case 0x0A: output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case 0x0D: output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case 0x09: output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0..<0x20:
                output.append(contentsOf: Array("\\u00".utf8))
                output.append(hex[Int(byte >> 4)])
                output.append(hex[Int(byte & 0x0F)])
            default:
                output.append(byte)
            }
        }
        output.append(UInt8(ascii: "\""))
    }
}
