/// Builds WAV files byte by byte, for reader tests and synthetic speech datasets.
public struct WAVBuilder {
    /// The bytes written so far.
    public var bytes: [UInt8] = []

    /// An empty builder.
    public init() {}

    /// Appends ASCII text.
    public mutating func ascii(_ s: String) { bytes += Array(s.utf8) }
    /// Appends a little-endian 16-bit value.
    public mutating func u16(_ v: Int) { bytes += [UInt8(v & 0xFF), UInt8((v >> 8) & 0xFF)] }
    /// Appends a little-endian 32-bit value.
    public mutating func u32(_ v: Int) { for i in 0..<4 { bytes.append(UInt8((v >> (8 * i)) & 0xFF)) } }
    /// Appends a RIFF chunk (id, size, body, pad byte).
    public mutating func chunk(_ id: String, _ body: [UInt8], pad: Bool = true) {
        ascii(id); u32(body.count); bytes += body
        if pad && body.count % 2 == 1 { bytes.append(0) }
    }

    /// A 16-byte `fmt ` body.
    public static func fmtBody(tag: Int, channels: Int, rate: Int, bits: Int) -> [UInt8] {
        var b = WAVBuilder()
        let align = channels * bits / 8
        b.u16(tag); b.u16(channels); b.u32(rate); b.u32(rate * align); b.u16(align); b.u16(bits)
        return b.bytes
    }

    /// A 40-byte WAVE_FORMAT_EXTENSIBLE `fmt ` body with the given sub-format code.
    public static func extensibleFmtBody(subformat: Int, channels: Int, rate: Int, bits: Int, validBits: Int) -> [UInt8] {
        var b = WAVBuilder()
        b.bytes = fmtBody(tag: 0xFFFE, channels: channels, rate: rate, bits: bits)
        b.u16(22); b.u16(validBits); b.u32(channels == 2 ? 3 : 4); b.u16(subformat)
        b.bytes += [0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71]
        return b.bytes
    }

    /// A complete RIFF/WAVE file from its chunks (the RIFF size is computed).
    public static func file(_ chunks: (inout WAVBuilder) -> Void) -> [UInt8] {
        var body = WAVBuilder()
        body.ascii("WAVE")
        chunks(&body)
        var f = WAVBuilder()
        f.ascii("RIFF"); f.u32(body.bytes.count); f.bytes += body.bytes
        return f.bytes
    }

    /// Little-endian 16-bit PCM bytes of integer samples.
    public static func pcm16(_ samples: [Int]) -> [UInt8] {
        var b = WAVBuilder()
        for s in samples { b.u16(s & 0xFFFF) }
        return b.bytes
    }

    /// A plain mono/multi-channel 16-bit PCM file.
    public static func pcm16File(_ samples: [Int], rate: Int, channels: Int = 1) -> [UInt8] {
        file { w in
            w.chunk("fmt ", fmtBody(tag: 1, channels: channels, rate: rate, bits: 16))
            w.chunk("data", pcm16(samples))
        }
    }
}

