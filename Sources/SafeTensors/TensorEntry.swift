/// One named tensor of a safetensors file: its dtype, its row-major shape and its little-endian bytes.
///
/// Entries are immutable and always consistent (byte count = element count × dtype size), so writing a
/// file can never fail because of a malformed entry.
public struct TensorEntry: Equatable, Sendable {
    /// Element type as stored in the file.
    public let dtype: DType
    /// Dimensions, outermost first (C / row-major order, as PyTorch and NumPy use). `[]` is a scalar.
    public let shape: [Int]
    /// The raw little-endian element bytes, exactly as stored in the file.
    public let bytes: [UInt8]
    /// Number of elements (the product of `shape`; 1 for a scalar).
    public let elementCount: Int

    /// Wraps raw bytes of any dtype; throws `.sizeMismatch` when the byte count disagrees with shape and dtype,
    /// or `.invalidHeader` for a negative dimension or a shape whose size overflows.
    public init(dtype: DType, shape: [Int], bytes: [UInt8]) throws {
        let count = try TensorEntry.checkedElementCount(shape: shape, dtype: dtype, file: "(in memory)", tensor: nil)
        guard count * dtype.byteSize == bytes.count else {
            throw SafeTensorsError(.sizeMismatch, file: "(in memory)",
                "shape \(shape) of \(dtype.rawValue) needs \(count * dtype.byteSize) bytes, got \(bytes.count)")
        }
        self.dtype = dtype
        self.shape = shape
        self.bytes = bytes
        self.elementCount = count
    }

    /// Wraps bytes the decoder has already checked against shape and dtype.
    init(validatedDType dtype: DType, shape: [Int], bytes: [UInt8], elementCount: Int) {
        self.dtype = dtype
        self.shape = shape
        self.bytes = bytes
        self.elementCount = elementCount
    }

    /// An `F32` tensor from row-major values; `shape` defaults to `[values.count]`.
    public init(floats values: [Float], shape: [Int]? = nil) throws {
        try self.init(dtype: .F32, shape: shape ?? [values.count], bytes: LittleEndianBytes.bytes(of: values))
    }

    /// An `F64` tensor from row-major values; `shape` defaults to `[values.count]`.
    public init(doubles values: [Double], shape: [Int]? = nil) throws {
        try self.init(dtype: .F64, shape: shape ?? [values.count], bytes: LittleEndianBytes.bytes(of: values))
    }

    /// An `I64` tensor (PyTorch's `torch.long`) from row-major values; `shape` defaults to `[values.count]`.
    public init(int64s values: [Int64], shape: [Int]? = nil) throws {
        try self.init(dtype: .I64, shape: shape ?? [values.count], bytes: LittleEndianBytes.bytes(of: values))
    }

    /// An `I32` tensor from row-major values; `shape` defaults to `[values.count]`.
    public init(int32s values: [Int32], shape: [Int]? = nil) throws {
        try self.init(dtype: .I32, shape: shape ?? [values.count], bytes: LittleEndianBytes.bytes(of: values))
    }

    /// The values as `Float`: exact for `F32`, widened for `F16` and `BF16`; other dtypes throw `.dtypeMismatch`
    /// rather than silently losing precision.
    public func floats() throws -> [Float] {
        switch dtype {
        case .F32:
            return LittleEndianBytes.values(Float.self, from: bytes)
        case .F16, .BF16:
            let halves = LittleEndianBytes.values(UInt16.self, from: bytes)
            return TensorEntry.widenHalves(halves, brain: dtype == .BF16)
        default:
            throw mismatch("Float", accepted: "F32, F16, BF16")
        }
    }

    /// The values as `Double`: exact for `F64`, widened for `F32`, `F16` and `BF16`; other dtypes throw.
    public func doubles() throws -> [Double] {
        switch dtype {
        case .F64:
            return LittleEndianBytes.values(Double.self, from: bytes)
        case .F32, .F16, .BF16:
            let singles = try floats()
            var result = [Double](repeating: 0, count: singles.count)
            singles.withUnsafeBufferPointer { source in
                result.withUnsafeMutableBufferPointer { target in
                    for index in 0..<source.count { target[index] = Double(source[index]) }
                }
            }
            return result
        default:
            throw mismatch("Double", accepted: "F64, F32, F16, BF16")
        }
    }

    /// The values as `Int64`: exact for `I64` and widened for every smaller integer type and `BOOL`;
    /// `U64` and floats throw because they may not fit or are not integers.
    public func int64s() throws -> [Int64] {
        switch dtype {
        case .I64: return LittleEndianBytes.values(Int64.self, from: bytes)
        case .I32: return TensorEntry.widen(LittleEndianBytes.values(Int32.self, from: bytes))
        case .U32: return TensorEntry.widen(LittleEndianBytes.values(UInt32.self, from: bytes))
        case .I16: return TensorEntry.widen(LittleEndianBytes.values(Int16.self, from: bytes))
        case .U16: return TensorEntry.widen(LittleEndianBytes.values(UInt16.self, from: bytes))
        case .I8: return TensorEntry.widen(LittleEndianBytes.values(Int8.self, from: bytes))
        case .U8, .BOOL: return TensorEntry.widen(bytes)
        default: throw mismatch("Int64", accepted: "I64, I32, U32, I16, U16, I8, U8, BOOL")
        }
    }

    /// Element count of `shape`, rejecting negative dimensions and overflow of count × dtype size.
    static func checkedElementCount(shape: [Int], dtype: DType, file: String, tensor: String?,
                                    byteOffset: Int? = nil) throws -> Int {
        var count = 1
        for dimension in shape {
            guard dimension >= 0 else {
                throw SafeTensorsError(.invalidHeader, file: file, byteOffset: byteOffset, tensor: tensor,
                                       "shape \(shape) has a negative dimension")
            }
            let (product, overflow) = count.multipliedReportingOverflow(by: dimension)
            guard !overflow else {
                throw SafeTensorsError(.invalidHeader, file: file, byteOffset: byteOffset, tensor: tensor,
                                       "shape \(shape) has more elements than can be addressed")
            }
            count = product
        }
        guard !count.multipliedReportingOverflow(by: dtype.byteSize).overflow else {
            throw SafeTensorsError(.invalidHeader, file: file, byteOffset: byteOffset, tensor: tensor,
                                   "shape \(shape) of \(dtype.rawValue) has more bytes than can be addressed")
        }
        return count
    }

    private func mismatch(_ swiftType: String, accepted: String) -> SafeTensorsError {
        SafeTensorsError(.dtypeMismatch, file: "(in memory)",
                         "cannot read \(dtype.rawValue) as \(swiftType) (accepted: \(accepted))")
    }

    private static func widen<T: BinaryInteger>(_ values: [T]) -> [Int64] {
        var result = [Int64](repeating: 0, count: values.count)
        values.withUnsafeBufferPointer { source in
            result.withUnsafeMutableBufferPointer { target in
                for index in 0..<source.count { target[index] = Int64(source[index]) }
            }
        }
        return result
    }

    private static func widenHalves(_ halves: [UInt16], brain: Bool) -> [Float] {
        var result = [Float](repeating: 0, count: halves.count)
        halves.withUnsafeBufferPointer { source in
            result.withUnsafeMutableBufferPointer { target in
                if brain {
                    for index in 0..<source.count { target[index] = Float(bitPattern: UInt32(source[index]) << 16) }
                } else {
                    for index in 0..<source.count { target[index] = Float(Float16(bitPattern: source[index])) }
                }
            }
        }
        return result
    }
}
