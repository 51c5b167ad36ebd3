import Foundation
import FuzzSupport
import SpeechData

/// WAV harness: the whole input is a file decoded in memory by `WAVReader.decode`. On success: a supported format
/// (PCM 8/16/24/32, float 32/64), at least one channel, a positive rate, every sample finite (PCM ones within
/// [-1, 1]), and no more frames than the bytes can hold.
@_cdecl("FuzzWAV_main")
func fuzzWAVMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc: argc, argv: argv) { raw in
        let audio: WAVAudio
        do {
            audio = try WAVReader.decode(Data(raw), name: "fuzz.wav")
        } catch {
            checkErrorMessage(error)
            invariant(String(describing: error).contains("fuzz.wav"), "error names no file: \(error)")
            return
        }
        invariant(audio.channelCount >= 1, "channel count \(audio.channelCount)")
        invariant(audio.sampleRate >= 1, "sample rate \(audio.sampleRate)")
        let supported = audio.isFloat ? [32, 64] : [8, 16, 24, 32]
        invariant(supported.contains(audio.bitsPerSample), "bits \(audio.bitsPerSample), float \(audio.isFloat)")
        let frameBytes = audio.channelCount * audio.bitsPerSample / 8
        invariant(audio.samples.count * frameBytes <= raw.count,
                  "\(audio.samples.count) frames of \(frameBytes) bytes from \(raw.count) bytes")
        for sample in audio.samples {
            invariant(sample.isFinite, "non-finite sample \(sample)")
            if !audio.isFloat { invariant(abs(sample) <= 1, "PCM sample \(sample) outside [-1, 1]") }
        }
    }
}
