/// One named scalar of a TensorBoard summary (`tensorflow.Summary.Value` with `simple_value`).
public struct TensorBoardScalar: Equatable, Sendable {
    /// The chart's name, e.g. `epoch/test_accuracy`.
    public var tag: String
    /// The value; TensorBoard stores scalars as 32-bit floats.
    public var value: Float

    /// A scalar `tag` = `value` (rounded to Float, as TensorBoard stores it).
    public init(_ tag: String, _ value: Double) {
        self.tag = tag
        self.value = Float(value)
    }
}

/// One `tensorflow.Event` record of an event file, encoded by hand (no protobuf dependency):
/// `wall_time` (double, field 1), `step` (int64, field 2) and either `file_version` (string,
/// field 3; the first record of a file) or `summary` (field 5) with repeated `value` (field 1)
/// of `{tag (string, 1), simple_value (float, 2)}`.
public struct TensorBoardEvent: Equatable, Sendable {
    /// What the event carries (the proto's `what` oneof, restricted to what we write).
    public enum Content: Equatable, Sendable {
        /// The file header, `brain.Event:2` for the current format.
        case fileVersion(String)
        /// Scalar summaries at the event's step.
        case scalars([TensorBoardScalar])
    }

    /// The file version every event file starts with.
    public static let currentFileVersion = "brain.Event:2"

    /// Seconds since 1970 when the values were recorded.
    public var wallTime: Double
    /// The x-axis value (global iteration for step scalars, epoch for epoch scalars).
    public var step: Int64
    /// Header or scalars.
    public var content: Content

    /// An event from its parts.
    public init(wallTime: Double, step: Int64, content: Content) {
        self.wallTime = wallTime
        self.step = step
        self.content = content
    }

    /// The protobuf wire encoding of the event (fields in number order; zero step omitted, as
    /// proto3 does).
    public func encoded() -> [UInt8] {
        var out = ProtobufEncoder()
        out.fixed64(field: 1, wallTime.bitPattern)
        if step != 0 { out.varint(field: 2, UInt64(bitPattern: step)) }
        switch content {
        case let .fileVersion(version):
            out.bytes(field: 3, Array(version.utf8))
        case let .scalars(scalars):
            var summary = ProtobufEncoder()
            for scalar in scalars {
                var value = ProtobufEncoder()
                value.bytes(field: 1, Array(scalar.tag.utf8))
                value.fixed32(field: 2, scalar.value.bitPattern)
                summary.bytes(field: 1, value.bytes)
            }
            out.bytes(field: 5, summary.bytes)
        }
        return out.bytes
    }
}

/// The few protobuf wire-format writes an event needs (wire types 0, 1, 2 and 5, little-endian).
private struct ProtobufEncoder {
    var bytes: [UInt8] = []

    mutating func rawVarint(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(v & 0x7F) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    mutating func key(_ field: Int, _ wireType: UInt64) { rawVarint(UInt64(field) << 3 | wireType) }

    mutating func varint(field: Int, _ value: UInt64) {
        key(field, 0)
        rawVarint(value)
    }

    mutating func fixed64(field: Int, _ value: UInt64) {
        key(field, 1)
        for k in 0..<8 { bytes.append(UInt8(truncatingIfNeeded: value >> (8 * UInt64(k)))) }
    }

    mutating func bytes(field: Int, _ value: [UInt8]) {
        key(field, 2)
        rawVarint(UInt64(value.count))
        bytes += value
    }

    mutating func fixed32(field: Int, _ value: UInt32) {
        key(field, 5)
        for k in 0..<4 { bytes.append(UInt8(truncatingIfNeeded: value >> (8 * UInt32(k)))) }
    }
}
