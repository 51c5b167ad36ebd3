import DataFiles
import Foundation

/// Mono audio decoded from a WAV file: samples in [-1, 1] (integer PCM) at the file's own sample rate.
public struct WAVAudio: Equatable {
    /// One sample per frame; multi-channel files are mixed to mono by averaging the channels.
    public var samples: [Float]
    /// Frames per second as stated by the file's `fmt ` chunk.
    public var sampleRate: Int
    /// Number of channels in the file before mixing to mono.
    public var channelCount: Int
    /// Container bits per sample in the file (8, 16, 24, 32 or 64).
    public var bitsPerSample: Int
    /// True for IEEE float samples, false for integer PCM.
    public var isFloat: Bool

    /// Creates decoded audio from its parts.
    public init(samples: [Float], sampleRate: Int, channelCount: Int, bitsPerSample: Int, isFloat: Bool) {
        self.samples = samples
        self.sampleRate = sampleRate
        self.channelCount = channelCount
        self.bitsPerSample = bitsPerSample
        self.isFloat = isFloat
    }
}

/// Decodes RIFF/WAVE files: PCM 8-bit unsigned, 16/24/32-bit signed, IEEE float 32/64-bit, plain or
/// `WAVE_FORMAT_EXTENSIBLE`; anything else is a `WAVError` naming the file and byte offset.
///
/// Rules, so nothing is guessed silently:
/// - Chunks other than `fmt ` and `data` (e.g. `LIST`, `fact`) are skipped, honouring the pad byte after odd sizes.
///   The first `fmt ` and the first `data` chunk are used, in either order.
/// - Every chunk size is checked against the bytes actually left in the file before anything is read or allocated;
///   a `data` (or `fmt `) chunk claiming more than the file holds is an error (truncated file), never partially used.
///   A damaged unknown chunk *after* both `fmt ` and `data` were found ends the scan instead (metadata only).
/// - The `data` size must be a whole number of frames (`blockAlign` bytes) and `blockAlign` must equal
///   channels × bytes per sample.
/// - Integer PCM is scaled by 2^(bits−1) (8-bit is unsigned, offset 128), so it lies in [−1, 1).
///   Float samples are passed through unchanged (they may exceed ±1 if the file does); NaN/∞ is an error.
/// - Multi-channel audio is mixed to mono as the plain average of the channels.
public enum WAVReader {
    /// Sample rates accepted (1 kHz … 384 kHz); a rate outside is a damaged header, not audio to resample.
    public static let sampleRateRange = 1_000...384_000

    /// Reads and decodes the WAV file at `url`; errors name the file by its path.
    public static func read(contentsOf url: URL) throws -> WAVAudio {
        try decode(readFile(url), name: url.path)
    }

    /// The bytes of the regular file at `url`; failures name the file and the operating system's reason
    /// (not a Foundation error code).
    public static func readFile(_ url: URL) throws -> Data {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw WAVError(file: url.path, offset: 0, reason: "cannot read the file: no such file")
        }
        guard !isDirectory.boolValue else {
            throw WAVError(file: url.path, offset: 0, reason: "is a directory, not a WAV file")
        }
        guard let handle = FileHandle(forReadingAtPath: url.path) else {
            let reason = access(url.path, R_OK) != 0 ? String(cString: strerror(errno)) : "cannot be opened"
            throw WAVError(file: url.path, offset: 0, reason: "cannot read the file: \(reason)")
        }
        defer { try? handle.close() }
        do {
            return try handle.readToEnd() ?? Data()
        } catch {
            throw WAVError(file: url.path, offset: 0, reason: "reading the file failed: \(FileReadFailure.reason(url.path, error))")
        }
    }

    /// Decodes WAV bytes held in memory; `name` is used in error messages.
    public static func decode(_ data: Data, name: String) throws -> WAVAudio {
        try data.withUnsafeBytes { try decode(bytes: $0, name: name) }
    }

    // MARK: - Implementation

    private struct Format {
        var isFloat: Bool
        var channels: Int
        var sampleRate: Int
        var blockAlign: Int
        var bits: Int
    }

    private static let extensibleGUIDTail: [UInt8] = [0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00,
                                                      0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71]

    private static func formatName(_ code: Int) -> String {
        switch code {
        case 0x0002: return "Microsoft ADPCM"
        case 0x0006: return "A-law"
        case 0x0007: return "µ-law"
        case 0x0011: return "IMA ADPCM"
        case 0x0031: return "GSM 6.10"
        case 0x0050, 0x0055: return "MPEG audio"
        default: return "unknown"
        }
    }

    private static func decode(bytes b: UnsafeRawBufferPointer, name: String) throws -> WAVAudio {
        let n = b.count
        func fail(_ offset: Int, _ reason: String) -> WAVError { WAVError(file: name, offset: offset, reason: reason) }
        func u16(_ o: Int) -> Int { Int(b[o]) | Int(b[o + 1]) << 8 }
        func u32(_ o: Int) -> Int { u16(o) | u16(o + 2) << 16 }
        func tag(_ o: Int) -> String {
            var s = ""
            for i in o..<(o + 4) {
                let c = b[i]
                s += (c >= 0x20 && c < 0x7F) ? String(UnicodeScalar(c)) : String(format: "\\x%02X", c)
            }
            return s
        }

        guard n >= 12 else { throw fail(0, "file is \(n) bytes, too short for a RIFF/WAVE header (12 bytes)") }
        let magic = tag(0)
        guard magic == "RIFF" else {
            if magic == "RF64" || magic == "RIFX" {
                throw fail(0, "'\(magic)' files are not supported (only little-endian 'RIFF')")
            }
            throw fail(0, "not a RIFF file (starts with '\(magic)')")
        }
        guard tag(8) == "WAVE" else { throw fail(8, "RIFF form type is '\(tag(8))', expected 'WAVE'") }

        var format: Format?
        var dataOffset = -1
        var dataSize = 0
        var pos = 12
        while n - pos >= 8 {
            let id = tag(pos)
            let size = u32(pos + 4)
            let body = pos + 8
            let remaining = n - body
            if size > remaining {
                if id != "fmt " && id != "data" && format != nil && dataOffset >= 0 { break }
                throw fail(pos + 4, "'\(id)' chunk claims \(size) bytes but only \(remaining) remain in the file"
                           + (id == "data" ? " (truncated file or bogus size)" : ""))
            }
            if id == "fmt " && format == nil {
                format = try parseFormat(b, body: body, size: size, fail: fail)
            } else if id == "data" && dataOffset < 0 {
                dataOffset = body
                dataSize = size
            }
            pos = body + size + (size & 1)
        }
        guard let fmt = format else { throw fail(min(pos, n), "no 'fmt ' chunk found") }
        guard dataOffset >= 0 else { throw fail(min(pos, n), "no 'data' chunk found") }

        let frames = dataSize / fmt.blockAlign
        guard dataSize % fmt.blockAlign == 0 else {
            throw fail(dataOffset + frames * fmt.blockAlign,
                       "'data' chunk of \(dataSize) bytes is not a whole number of \(fmt.blockAlign)-byte frames")
        }
        guard frames > 0 else { throw fail(dataOffset - 4, "'data' chunk holds no samples (an empty recording)") }
        var out = [Float](repeating: 0, count: frames)
        let channels = fmt.channels
        let inv = 1 / Float(channels)
        let bytesPerSample = fmt.bits / 8
        try out.withUnsafeMutableBufferPointer { o in
            var p = dataOffset
            for f in 0..<frames {
                var acc: Float = 0
                for _ in 0..<channels {
                    let v: Float
                    switch (fmt.isFloat, bytesPerSample) {
                    case (false, 1):
                        v = (Float(b[p]) - 128) * (1 / 128)
                    case (false, 2):
                        v = Float(Int16(bitPattern: UInt16(b[p]) | UInt16(b[p + 1]) << 8)) * (1 / 32768)
                    case (false, 3):
                        let u = UInt32(b[p]) << 8 | UInt32(b[p + 1]) << 16 | UInt32(b[p + 2]) << 24
                        v = Float(Int32(bitPattern: u) >> 8) * (1 / 8_388_608)
                    case (false, _):
                        let u = UInt32(b[p]) | UInt32(b[p + 1]) << 8 | UInt32(b[p + 2]) << 16 | UInt32(b[p + 3]) << 24
                        v = Float(Double(Int32(bitPattern: u)) * (1 / 2_147_483_648))
                    case (true, 4):
                        let u = UInt32(b[p]) | UInt32(b[p + 1]) << 8 | UInt32(b[p + 2]) << 16 | UInt32(b[p + 3]) << 24
                        v = Float(bitPattern: u)
                        guard v.isFinite else { throw fail(p, "float sample is \(v)") }
                    case (true, _):
                        var u: UInt64 = 0
                        for k in 0..<8 { u |= UInt64(b[p + k]) << (8 * UInt64(k)) }
                        let d = Double(bitPattern: u)
                        guard d.isFinite else { throw fail(p, "float sample is \(d)") }
                        v = Float(d)
                        guard v.isFinite else { throw fail(p, "64-bit float sample \(d) is outside the 32-bit float range") }
                    }
                    acc += v
                    p += bytesPerSample
                }
                o[f] = channels == 1 ? acc : acc * inv
                // Finite float channels can still sum past Float.greatestFiniteMagnitude.
                guard o[f].isFinite else {
                    throw fail(p - fmt.blockAlign, "frame \(f) mixes to \(o[f]) (its float channels sum beyond the 32-bit float range)")
                }
            }
        }
        return WAVAudio(samples: out, sampleRate: fmt.sampleRate, channelCount: channels,
                        bitsPerSample: fmt.bits, isFloat: fmt.isFloat)
    }

    private static func parseFormat(_ b: UnsafeRawBufferPointer, body: Int, size: Int,
                                    fail: (Int, String) -> WAVError) throws -> Format {
        func u16(_ o: Int) -> Int { Int(b[o]) | Int(b[o + 1]) << 8 }
        func u32(_ o: Int) -> Int { u16(o) | u16(o + 2) << 16 }
        guard size >= 16 else { throw fail(body, "'fmt ' chunk is \(size) bytes, needs at least 16") }
        var code = u16(body)
        var codeOffset = body
        let channels = u16(body + 2)
        let rate = u32(body + 4)
        let blockAlign = u16(body + 12)
        let bits = u16(body + 14)
        if code == 0xFFFE {
            guard size >= 40 else {
                throw fail(body, "WAVE_FORMAT_EXTENSIBLE 'fmt ' chunk is \(size) bytes, needs 40")
            }
            let validBits = u16(body + 18)
            guard validBits <= bits else {
                throw fail(body + 18, "valid bits per sample \(validBits) exceed the container's \(bits)")
            }
            for (k, expected) in extensibleGUIDTail.enumerated() where b[body + 26 + k] != expected {
                throw fail(body + 24, "WAVE_FORMAT_EXTENSIBLE sub-format GUID is not a standard KSDATAFORMAT GUID")
            }
            code = u16(body + 24)
            codeOffset = body + 24
        }
        let isFloat: Bool
        switch code {
        case 1:
            isFloat = false
            guard [8, 16, 24, 32].contains(bits) else {
                throw fail(body + 14, "unsupported PCM bits per sample \(bits) (supported: 8, 16, 24, 32)")
            }
        case 3:
            isFloat = true
            guard bits == 32 || bits == 64 else {
                throw fail(body + 14, "unsupported IEEE float bits per sample \(bits) (supported: 32, 64)")
            }
        default:
            throw fail(codeOffset, "unsupported format tag \(code) (\(formatName(code))); only PCM and IEEE float are read")
        }
        guard channels >= 1 else { throw fail(body + 2, "channel count is 0") }
        guard sampleRateRange.contains(rate) else {
            throw fail(body + 4, "sample rate \(rate) Hz is outside the plausible \(sampleRateRange.lowerBound)…\(sampleRateRange.upperBound) Hz")
        }
        guard blockAlign == channels * bits / 8 else {
            throw fail(body + 12, "block align \(blockAlign) is not channels × bytes per sample = \(channels * bits / 8)")
        }
        return Format(isFloat: isFloat, channels: channels, sampleRate: rate, blockAlign: blockAlign, bits: bits)
    }
}
