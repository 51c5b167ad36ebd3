import Foundation
import MixupTestSupport
import XCTest

/// Builds WAV files byte by byte for tests (little-endian RIFF), so every header field can be set or broken on purpose.
struct WAVBuilder {
    var bytes: [UInt8] = []

    mutating func ascii(_ s: String) { bytes += Array(s.utf8) }
    mutating func u16(_ v: Int) { bytes += [UInt8(v & 0xFF), UInt8((v >> 8) & 0xFF)] }
    mutating func u32(_ v: Int) { for i in 0..<4 { bytes.append(UInt8((v >> (8 * i)) & 0xFF)) } }
    mutating func chunk(_ id: String, _ body: [UInt8], pad: Bool = true) {
        ascii(id); u32(body.count); bytes += body
        if pad && body.count % 2 == 1 { bytes.append(0) }
    }

    /// A 16-byte `fmt ` body.
    static func fmtBody(tag: Int, channels: Int, rate: Int, bits: Int) -> [UInt8] {
        var b = WAVBuilder()
        let align = channels * bits / 8
        b.u16(tag); b.u16(channels); b.u32(rate); b.u32(rate * align); b.u16(align); b.u16(bits)
        return b.bytes
    }

    /// A 40-byte WAVE_FORMAT_EXTENSIBLE `fmt ` body with the given sub-format code.
    static func extensibleFmtBody(subformat: Int, channels: Int, rate: Int, bits: Int, validBits: Int) -> [UInt8] {
        var b = WAVBuilder()
        b.bytes = fmtBody(tag: 0xFFFE, channels: channels, rate: rate, bits: bits)
        b.u16(22); b.u16(validBits); b.u32(channels == 2 ? 3 : 4); b.u16(subformat)
        b.bytes += [0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71]
        return b.bytes
    }

    /// A complete RIFF/WAVE file from its chunks (the RIFF size is computed).
    static func file(_ chunks: (inout WAVBuilder) -> Void) -> [UInt8] {
        var body = WAVBuilder()
        body.ascii("WAVE")
        chunks(&body)
        var f = WAVBuilder()
        f.ascii("RIFF"); f.u32(body.bytes.count); f.bytes += body.bytes
        return f.bytes
    }

    /// Little-endian 16-bit PCM bytes of integer samples.
    static func pcm16(_ samples: [Int]) -> [UInt8] {
        var b = WAVBuilder()
        for s in samples { b.u16(s & 0xFFFF) }
        return b.bytes
    }

    /// A plain mono/multi-channel 16-bit PCM file.
    static func pcm16File(_ samples: [Int], rate: Int, channels: Int = 1) -> [UInt8] {
        file { w in
            w.chunk("fmt ", fmtBody(tag: 1, channels: channels, rate: rate, bits: 16))
            w.chunk("data", pcm16(samples))
        }
    }
}

/// The shared FSDD recordings folder (`shared/data/speech/fsdd/recordings`); fails the test when absent.
func fsddRecordings(file: StaticString = #filePath, line: UInt = #line) throws -> URL {
    try sharedData("speech/fsdd/recordings/0_george_0.wav", file: file, line: line).deletingLastPathComponent()
}
