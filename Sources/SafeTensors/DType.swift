/// The element type of a stored tensor, spelled exactly as the safetensors header spells it.
///
/// The raw value is the header string (`"F32"`, `"BF16"`, …), so an unknown string maps to `nil`
/// and the reader can reject it with the tensor's name instead of guessing.
public enum DType: String, CaseIterable, Sendable {
    /// Boolean, one byte per element (0 or 1).
    case BOOL
    /// Unsigned 8-bit integer.
    case U8
    /// Signed 8-bit integer.
    case I8
    /// 8-bit float with 5 exponent and 2 mantissa bits (stored and copied, not decoded here).
    case F8_E5M2
    /// 8-bit float with 4 exponent and 3 mantissa bits (stored and copied, not decoded here).
    case F8_E4M3
    /// Signed 16-bit integer.
    case I16
    /// Unsigned 16-bit integer.
    case U16
    /// IEEE 754 half precision float.
    case F16
    /// bfloat16: the upper 16 bits of an IEEE 754 single precision float.
    case BF16
    /// Signed 32-bit integer.
    case I32
    /// Unsigned 32-bit integer.
    case U32
    /// IEEE 754 single precision float (the training precision of MixupLab).
    case F32
    /// IEEE 754 double precision float (used by gradient checks).
    case F64
    /// Signed 64-bit integer (PyTorch's default integer type, e.g. step counters).
    case I64
    /// Unsigned 64-bit integer.
    case U64

    /// Size of one element in bytes; the stored byte count of a tensor is this times its element count.
    public var byteSize: Int {
        switch self {
        case .BOOL, .U8, .I8, .F8_E5M2, .F8_E4M3: return 1
        case .I16, .U16, .F16, .BF16: return 2
        case .I32, .U32, .F32: return 4
        case .F64, .I64, .U64: return 8
        }
    }

    /// Position in the reference implementation's increasing-alignment order; the writer lays tensors
    /// out by descending rank (then name) exactly like Python's `safetensors`, so each tensor starts aligned
    /// and our files are byte-identical to theirs.
    var layoutRank: Int {
        switch self {
        case .BOOL: return 0
        case .U8: return 1
        case .I8: return 2
        case .F8_E5M2: return 3
        case .F8_E4M3: return 4
        case .I16: return 5
        case .U16: return 6
        case .F16: return 7
        case .BF16: return 8
        case .I32: return 9
        case .U32: return 10
        case .F32: return 11
        case .F64: return 12
        case .I64: return 13
        case .U64: return 14
        }
    }
}
