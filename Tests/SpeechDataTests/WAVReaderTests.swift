import Foundation
import SpeechData
import MixupTestSupport
import XCTest

final class WAVReaderTests: XCTestCase {
    private func decode(_ bytes: [UInt8], name: String = "test.wav") throws -> WAVAudio {
        try WAVReader.decode(Data(bytes), name: name)
    }

    private func assertError(_ bytes: [UInt8], offset: Int, contains text: String,
                             file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try decode(bytes, name: "bad.wav"), file: file, line: line) { error in
            guard let e = error as? WAVError else { return XCTFail("not a WAVError: \(error)", file: file, line: line) }
            XCTAssertEqual(e.file, "bad.wav", file: file, line: line)
            XCTAssertEqual(e.offset, offset, "\(e)", file: file, line: line)
            XCTAssertTrue(e.description.contains(text), "\(e)", file: file, line: line)
            XCTAssertTrue(e.description.hasPrefix("bad.wav: byte \(offset): "), "\(e)", file: file, line: line)
        }
    }

    func testSixteenBitPCMIsScaledByTwoToTheFifteen() throws {
        let audio = try decode(WAVBuilder.pcm16File([0, 16384, -32768, 32767, -1], rate: 8000))
        XCTAssertEqual(audio.sampleRate, 8000)
        XCTAssertEqual(audio.channelCount, 1)
        XCTAssertEqual(audio.samples, [0, 0.5, -1, Float(32767) / 32768, -1 / 32768])
    }

    func testEightBitPCMIsUnsignedWithOffset128() throws {
        let bytes = WAVBuilder.file { w in
            w.chunk("fmt ", WAVBuilder.fmtBody(tag: 1, channels: 1, rate: 11025, bits: 8))
            w.chunk("data", [128, 255, 0, 192, 64])   // odd size: pad byte follows
        }
        let audio = try decode(bytes)
        XCTAssertEqual(audio.samples, [0, Float(127) / 128, -1, 0.5, -0.5])
        XCTAssertEqual(audio.sampleRate, 11025)
    }

    func testTwentyFourBitPCMIsSignExtended() throws {
        // 0x400000 = +0.5, 0x800000 = −1, 0xFFFFFF = −1/2^23, 0x000001 = +1/2^23
        let data: [UInt8] = [0x00, 0x00, 0x40, 0x00, 0x00, 0x80, 0xFF, 0xFF, 0xFF, 0x01, 0x00, 0x00]
        let bytes = WAVBuilder.file { w in
            w.chunk("fmt ", WAVBuilder.fmtBody(tag: 1, channels: 1, rate: 16000, bits: 24))
            w.chunk("data", data)
        }
        XCTAssertEqual(try decode(bytes).samples, [0.5, -1, -1 / 8_388_608, 1 / 8_388_608])
    }

    func testThirtyTwoBitPCMIsScaledByTwoToTheThirtyOne() throws {
        var d = WAVBuilder()
        d.u32(0x4000_0000); d.u32(Int(UInt32(bitPattern: Int32.min))); d.u32(0xC000_0000)
        let bytes = WAVBuilder.file { w in
            w.chunk("fmt ", WAVBuilder.fmtBody(tag: 1, channels: 1, rate: 16000, bits: 32))
            w.chunk("data", d.bytes)
        }
        XCTAssertEqual(try decode(bytes).samples, [0.5, -1, -0.5])
    }

    func testFloat32SamplesPassThroughUnchanged() throws {
        let values: [Float] = [0.25, -0.75, 1.0, 0.1]
        var d = WAVBuilder()
        for v in values { d.u32(Int(v.bitPattern)) }
        let bytes = WAVBuilder.file { w in
            w.chunk("fmt ", WAVBuilder.fmtBody(tag: 3, channels: 1, rate: 22050, bits: 32))
            w.chunk("data", d.bytes)
        }
        let audio = try decode(bytes)
        XCTAssertEqual(audio.samples, values)
        XCTAssertTrue(audio.isFloat)
    }

    func testFloat32NaNIsRejectedAtItsOffset() {
        var d = WAVBuilder()
        d.u32(Int(Float(0.5).bitPattern)); d.u32(Int(Float.nan.bitPattern))
        let bytes = WAVBuilder.file { w in
            w.chunk("fmt ", WAVBuilder.fmtBody(tag: 3, channels: 1, rate: 22050, bits: 32))
            w.chunk("data", d.bytes)
        }
        assertError(bytes, offset: 44 + 4, contains: "nan")
    }

    /// Found by `scripts/fuzz.sh wav` (a float64 mono file whose second sample is the bytes e2 e2 e2 e2 e2 e2 e2 e2,
    /// about −1e170): the sample became −∞ in the Float output instead of an error.
    func testFloat64SampleBeyondFloatRangeIsRejectedAtItsOffset() {
        var d = WAVBuilder()
        for bits in [Double(0.125).bitPattern, 0xE2E2_E2E2_E2E2_E2E2] {
            d.u32(Int(bits & 0xFFFF_FFFF)); d.u32(Int(bits >> 32))
        }
        let bytes = WAVBuilder.file { w in
            w.chunk("fmt ", WAVBuilder.fmtBody(tag: 3, channels: 1, rate: 8000, bits: 64))
            w.chunk("data", d.bytes)
        }
        assertError(bytes, offset: 44 + 8, contains: "outside the 32-bit float range")
    }

    /// Two finite float32 channels near Float.greatestFiniteMagnitude sum to +∞ when mixed to mono.
    func testFloatChannelsWhoseMixOverflowsAreRejectedAtTheFrame() {
        var d = WAVBuilder()
        for v: Float in [0.5, 0.5, 3e38, 3e38] { d.u32(Int(v.bitPattern)) }
        let bytes = WAVBuilder.file { w in
            w.chunk("fmt ", WAVBuilder.fmtBody(tag: 3, channels: 2, rate: 8000, bits: 32))
            w.chunk("data", d.bytes)
        }
        assertError(bytes, offset: 44 + 8, contains: "frame 1 mixes to inf")
    }

    func testStereoIsMixedToMonoByAveraging() throws {
        // frames (L, R): (16384, 0), (−32768, 32767 − 1), (8192, 8192)
        let audio = try decode(WAVBuilder.pcm16File([16384, 0, -32768, 32766, 8192, 8192], rate: 8000, channels: 2))
        XCTAssertEqual(audio.channelCount, 2)
        XCTAssertEqual(audio.samples, [0.25, (-1 + Float(32766) / 32768) / 2, 0.25])
    }

    func testExtensibleFormatWithPCMSubformatDecodes() throws {
        let data: [UInt8] = [0x00, 0x00, 0x40, 0x00, 0x00, 0xC0]   // 24-bit stereo frame: (+0.5, −0.5)
            + [0x00, 0x00, 0x20, 0x00, 0x00, 0x20]                  // (+0.25, +0.25)
        let bytes = WAVBuilder.file { w in
            w.chunk("fmt ", WAVBuilder.extensibleFmtBody(subformat: 1, channels: 2, rate: 48000, bits: 24, validBits: 24))
            w.chunk("data", data)
        }
        let audio = try decode(bytes)
        XCTAssertEqual(audio.samples, [0, 0.25])
        XCTAssertEqual(audio.sampleRate, 48000)
    }

    func testExtensibleFormatWithFloatSubformatDecodes() throws {
        var d = WAVBuilder()
        d.u32(Int(Float(-0.125).bitPattern))
        let bytes = WAVBuilder.file { w in
            w.chunk("fmt ", WAVBuilder.extensibleFmtBody(subformat: 3, channels: 1, rate: 16000, bits: 32, validBits: 32))
            w.chunk("data", d.bytes)
        }
        XCTAssertEqual(try decode(bytes).samples, [-0.125])
    }

    func testUnknownChunksWithOddSizeAndPadByteAreSkipped() throws {
        let bytes = WAVBuilder.file { w in
            w.chunk("LIST", [1, 2, 3])                 // odd: followed by a pad byte
            w.chunk("fmt ", WAVBuilder.fmtBody(tag: 1, channels: 1, rate: 8000, bits: 16))
            w.chunk("junk", [9, 9, 9, 9, 9])
            w.chunk("data", WAVBuilder.pcm16([16384, -16384]))
            w.chunk("LIST", [7])
        }
        XCTAssertEqual(try decode(bytes).samples, [0.5, -0.5])
    }

    func testALawIsRejectedWithFileAndOffsetOfFormatTag() {
        let bytes = WAVBuilder.file { w in
            w.chunk("fmt ", WAVBuilder.fmtBody(tag: 6, channels: 1, rate: 8000, bits: 8))
            w.chunk("data", [0xD5, 0x55])
        }
        assertError(bytes, offset: 20, contains: "A-law")
    }

    func testMuLawInsideExtensibleIsRejectedAtSubformatOffset() {
        let bytes = WAVBuilder.file { w in
            w.chunk("fmt ", WAVBuilder.extensibleFmtBody(subformat: 7, channels: 1, rate: 8000, bits: 8, validBits: 8))
            w.chunk("data", [0xFF, 0x7F])
        }
        assertError(bytes, offset: 20 + 24, contains: "µ-law")
    }

    func testUnsupportedBitDepthIsRejected() {
        let bytes = WAVBuilder.file { w in
            w.chunk("fmt ", WAVBuilder.fmtBody(tag: 1, channels: 1, rate: 8000, bits: 12))
            w.chunk("data", [0, 0])
        }
        assertError(bytes, offset: 20 + 14, contains: "bits per sample 12")
    }

    func testTruncatedDataChunkIsRejected() {
        var bytes = WAVBuilder.pcm16File(Array(repeating: 100, count: 50), rate: 8000)
        bytes.removeLast(7)
        assertError(bytes, offset: 40, contains: "'data' chunk claims 100 bytes but only 93 remain")
    }

    /// The claimed 4 GB is compared with the 8 bytes the file holds before anything is read or
    /// allocated: the error comes from the chunk-size check at the size field and quotes both.
    func testDataSizeClaimingFourGigabytesIsRejectedAgainstTheFileSizeBeforeReading() {
        var bytes = WAVBuilder.pcm16File([1, 2, 3, 4], rate: 8000)
        bytes.replaceSubrange(40..<44, with: [0xF0, 0xFF, 0xFF, 0xFF])   // 4,294,967,280 bytes
        assertError(bytes, offset: 40, contains: "'data' chunk claims 4294967280 bytes but only 8 remain in the file")
    }

    func testPartialTrailingFrameIsRejected() {
        let bytes = WAVBuilder.file { w in
            w.chunk("fmt ", WAVBuilder.fmtBody(tag: 1, channels: 2, rate: 8000, bits: 16))
            w.chunk("data", [1, 0, 2, 0, 3, 0])   // 1.5 stereo frames
        }
        assertError(bytes, offset: 44 + 4, contains: "not a whole number of 4-byte frames")
    }

    func testMissingDataChunkIsRejected() {
        let bytes = WAVBuilder.file { w in
            w.chunk("fmt ", WAVBuilder.fmtBody(tag: 1, channels: 1, rate: 8000, bits: 16))
        }
        assertError(bytes, offset: 36, contains: "no 'data' chunk")
    }

    func testMissingFormatChunkIsRejected() {
        let bytes = WAVBuilder.file { w in w.chunk("data", [0, 0]) }
        assertError(bytes, offset: 22, contains: "no 'fmt ' chunk")
    }

    func testInconsistentBlockAlignIsRejected() {
        var fmt = WAVBuilder.fmtBody(tag: 1, channels: 2, rate: 8000, bits: 16)
        fmt[12] = 2   // should be 4
        let bytes = WAVBuilder.file { w in
            w.chunk("fmt ", fmt)
            w.chunk("data", [0, 0, 0, 0])
        }
        assertError(bytes, offset: 32, contains: "block align 2")
    }

    func testNonRIFFFileIsRejectedAtOffsetZero() {
        assertError(Array("OggS and some more bytes".utf8), offset: 0, contains: "not a RIFF file")
        assertError([0x52, 0x49], offset: 0, contains: "too short")
    }

    func testRealFSDDRecordingDecodesEverySample() throws {
        let url = try fsddRecordings().appendingPathComponent("0_george_0.wav")
        let raw = [UInt8](try Data(contentsOf: url))
        // Independent reading of this canonical 44-byte-header file: data size at 40, int16 samples from 44.
        let dataSize = Int(raw[40]) | Int(raw[41]) << 8 | Int(raw[42]) << 16 | Int(raw[43]) << 24
        let audio = try WAVReader.read(contentsOf: url)
        XCTAssertEqual(audio.sampleRate, 8000)
        XCTAssertEqual(audio.samples.count, dataSize / 2)
        for i in stride(from: 0, to: dataSize / 2, by: 97) {
            let v = Int16(bitPattern: UInt16(raw[44 + 2 * i]) | UInt16(raw[45 + 2 * i]) << 8)
            XCTAssertEqual(audio.samples[i], Float(v) / 32768)
        }
    }
}
