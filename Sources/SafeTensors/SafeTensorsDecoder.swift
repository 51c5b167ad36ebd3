/// Parses a safetensors file image and checks everything the format promises before trusting it.
///
/// Checks, in order: the 8-byte length field exists; the header length is at most 100 MB and fits in the
/// file (both before allocating); the header is UTF-8 JSON with one object of tensor entries and an optional
/// `__metadata__` object of strings; every dtype is known; every shape × dtype size equals its byte range;
/// the ranges, sorted, tile the data buffer exactly from 0 to its end (no overlap, no hole, nothing past
/// the end, no trailing bytes).
enum SafeTensorsDecoder {
    /// Largest header accepted, the same cap as the reference implementation, so a hostile length field
    /// cannot make us parse (or allocate) gigabytes of JSON.
    static let maximumHeaderLength: UInt64 = 100_000_000

    /// One tensor's header entry after field validation, before the data ranges are checked together.
    private struct Info {
        let name: String
        let dtype: DType
        let shape: [Int]
        let elementCount: Int
        let begin: Int
        let end: Int
        /// Offset of the tensor's key in the file, for header-level errors.
        let keyFileOffset: Int
    }

    /// Decodes the complete file image `raw`; `file` names it in errors.
    static func decode(_ raw: UnsafeRawBufferPointer, file: String) throws -> SafeTensorsFile {
        guard raw.count >= 8 else {
            throw SafeTensorsError(.truncated, file: file, byteOffset: 0,
                                   "file has \(raw.count) bytes, fewer than the 8-byte header length field")
        }
        var declared: UInt64 = 0
        for position in (0..<8).reversed() { declared = declared << 8 | UInt64(raw[position]) }
        guard declared <= maximumHeaderLength else {
            throw SafeTensorsError(.headerTooLarge, file: file, byteOffset: 0,
                                   "header length \(declared) exceeds the \(maximumHeaderLength)-byte limit")
        }
        let headerLength = Int(declared)
        guard headerLength <= raw.count - 8 else {
            throw SafeTensorsError(.truncated, file: file, byteOffset: 0,
                                   "header length \(headerLength) exceeds the \(raw.count - 8) bytes after the length field")
        }
        let dataStart = 8 + headerLength
        let bufferLength = raw.count - dataStart

        var parser = HeaderJSONParser(bytes: Array(raw[8..<dataStart]), fileOffset: 8, file: file)
        let root = try parser.parseDocument()
        guard case .object(let members) = root.value else {
            throw SafeTensorsError(.invalidHeader, file: file, byteOffset: 8 + root.offset,
                                   "header must be a JSON object, found \(root.typeName)")
        }

        var metadata: [String: String] = [:]
        var infos: [Info] = []
        var seen = Set<String>()
        for member in members {
            let keyFileOffset = 8 + member.keyOffset
            guard seen.insert(member.key).inserted else {
                throw SafeTensorsError(.invalidHeader, file: file, byteOffset: keyFileOffset,
                                       tensor: member.key, "duplicate key in header")
            }
            if member.key == SafeTensorsEncoder.metadataKey {
                metadata = try decodeMetadata(member.value, file: file)
            } else {
                infos.append(try decodeInfo(member, keyFileOffset: keyFileOffset, file: file))
            }
        }

        infos.sort { ($0.begin, $0.end, $0.name) < ($1.begin, $1.end, $1.name) }
        var covered = 0
        var previous: String?
        for info in infos {
            guard info.end <= bufferLength else {
                throw SafeTensorsError(.offsetOutOfRange, file: file, byteOffset: dataStart + info.begin, tensor: info.name,
                    "data_offsets [\(info.begin), \(info.end)] reach past the \(bufferLength)-byte data buffer")
            }
            if info.begin < covered {
                throw SafeTensorsError(.overlappingOffsets, file: file, byteOffset: dataStart + info.begin, tensor: info.name,
                    "data_offsets [\(info.begin), \(info.end)] overlap tensor '\(previous ?? "")', which ends at \(covered)")
            }
            if info.begin > covered {
                throw SafeTensorsError(.hole, file: file, byteOffset: dataStart + covered, tensor: info.name,
                    "data bytes \(covered)..<\(info.begin) before this tensor belong to no tensor")
            }
            covered = info.end
            previous = info.name
        }
        guard covered == bufferLength else {
            throw SafeTensorsError(.trailingBytes, file: file, byteOffset: dataStart + covered,
                "\(bufferLength - covered) bytes after the last tensor's data belong to no tensor")
        }

        var tensors: [String: TensorEntry] = [:]
        tensors.reserveCapacity(infos.count)
        for info in infos {
            let bytes = Array(raw[(dataStart + info.begin)..<(dataStart + info.end)])
            tensors[info.name] = TensorEntry(validatedDType: info.dtype, shape: info.shape, bytes: bytes,
                                             elementCount: info.elementCount)
        }
        return SafeTensorsFile(tensors: tensors, metadata: metadata, origin: file)
    }

    private static func decodeMetadata(_ value: HeaderJSON, file: String) throws -> [String: String] {
        guard case .object(let members) = value.value else {
            throw SafeTensorsError(.invalidHeader, file: file, byteOffset: 8 + value.offset,
                                   "'__metadata__' must be an object of strings, found \(value.typeName)")
        }
        var metadata: [String: String] = [:]
        for member in members {
            guard case .string(let text) = member.value.value else {
                throw SafeTensorsError(.invalidHeader, file: file, byteOffset: 8 + member.value.offset,
                    "'__metadata__' value for '\(member.key)' must be a string, found \(member.value.typeName)")
            }
            guard metadata.updateValue(text, forKey: member.key) == nil else {
                throw SafeTensorsError(.invalidHeader, file: file, byteOffset: 8 + member.keyOffset,
                                       "duplicate '__metadata__' key '\(member.key)'")
            }
        }
        return metadata
    }

    private static func decodeInfo(_ member: HeaderJSON.Member, keyFileOffset: Int, file: String) throws -> Info {
        let name = member.key
        func failure(_ kind: SafeTensorsError.Kind, _ node: HeaderJSON?, _ message: String) -> SafeTensorsError {
            SafeTensorsError(kind, file: file, byteOffset: node.map { 8 + $0.offset } ?? keyFileOffset,
                             tensor: name, message)
        }
        guard case .object(let fields) = member.value.value else {
            throw failure(.invalidHeader, member.value, "entry must be an object, found \(member.value.typeName)")
        }
        var dtypeNode: HeaderJSON?, shapeNode: HeaderJSON?, offsetsNode: HeaderJSON?
        for field in fields {
            switch field.key {
            case "dtype" where dtypeNode == nil: dtypeNode = field.value
            case "shape" where shapeNode == nil: shapeNode = field.value
            case "data_offsets" where offsetsNode == nil: offsetsNode = field.value
            case "dtype", "shape", "data_offsets":
                throw failure(.invalidHeader, field.value, "duplicate field '\(field.key)'")
            default:
                throw failure(.invalidHeader, field.value, "unknown field '\(field.key)' (expected dtype, shape, data_offsets)")
            }
        }
        guard let dtypeNode else { throw failure(.invalidHeader, nil, "missing field 'dtype'") }
        guard let shapeNode else { throw failure(.invalidHeader, nil, "missing field 'shape'") }
        guard let offsetsNode else { throw failure(.invalidHeader, nil, "missing field 'data_offsets'") }

        guard case .string(let dtypeName) = dtypeNode.value else {
            throw failure(.invalidHeader, dtypeNode, "'dtype' must be a string, found \(dtypeNode.typeName)")
        }
        guard let dtype = DType(rawValue: dtypeName) else {
            throw failure(.unknownDType, dtypeNode, "unknown dtype '\(dtypeName)'")
        }
        let shape = try integers(shapeNode, field: "shape", failure: failure)
        let offsets = try integers(offsetsNode, field: "data_offsets", failure: failure)
        guard offsets.count == 2 else {
            throw failure(.invalidHeader, offsetsNode, "'data_offsets' must hold exactly 2 integers, found \(offsets.count)")
        }
        let (begin, end) = (offsets[0], offsets[1])
        guard begin <= end else {
            throw failure(.invalidHeader, offsetsNode, "data_offsets [\(begin), \(end)] end before they begin")
        }
        let count = try TensorEntry.checkedElementCount(shape: shape, dtype: dtype, file: file, tensor: name,
                                                        byteOffset: 8 + shapeNode.offset)
        guard count * dtype.byteSize == end - begin else {
            throw failure(.sizeMismatch, offsetsNode,
                "shape \(shape) of \(dtype.rawValue) needs \(count * dtype.byteSize) bytes but data_offsets [\(begin), \(end)] span \(end - begin)")
        }
        return Info(name: name, dtype: dtype, shape: shape, elementCount: count, begin: begin, end: end,
                    keyFileOffset: keyFileOffset)
    }

    /// The non-negative integers of a JSON array; anything else (fractions, exponents, signs, overflow) fails.
    private static func integers(_ node: HeaderJSON, field: String,
                                 failure: (SafeTensorsError.Kind, HeaderJSON?, String) -> SafeTensorsError) throws -> [Int] {
        guard case .array(let elements) = node.value else {
            throw failure(.invalidHeader, node, "'\(field)' must be an array of integers, found \(node.typeName)")
        }
        var result: [Int] = []
        result.reserveCapacity(elements.count)
        for element in elements {
            guard case .number(let text) = element.value,
                  text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else {
                throw failure(.invalidHeader, element, "'\(field)' must hold non-negative integers")
            }
            guard let value = Int(text) else {
                throw failure(.invalidHeader, element, "'\(field)' value \(text) is too large")
            }
            result.append(value)
        }
        return result
    }
}
