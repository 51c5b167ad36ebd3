import Foundation

/// Computes normalised log-magnitude spectrograms (frequency × time, row-major) from audio already at
/// `settings.sampleRate`, with one FFTW plan made at creation and reused for every frame.
///
/// Steps (defaults in brackets, see `SpectrogramSettings`):
/// 1. Crop to the first `clipSamples` [16000] or zero-pad at the end to exactly that length.
/// 2. Centred frames: frame t covers samples `t·hop − window/2 ..< t·hop + window/2` [hop 160, window 320]; samples
///    outside the clip are zero (like librosa's `center=True` with constant padding) → `1 + clip/hop` [101] frames.
/// 3. Multiply by a periodic Hann window `w[i] = 0.5 − 0.5·cos(2πi/window)` and take the real FFT.
/// 4. Value = `log(1 + |X|)` (as `np.log1p(magnitude)` in the common mixup Speech Commands loader); keep bins
///    0 ..< `frequencyBins` [160], i.e. DC through 7950 Hz, dropping the Nyquist bin (8 kHz).
/// 5. When `normalize` is on: `v = (v − mean) / std` over the whole spectrogram (population std, as
///    `spect = (spect - mean) / std`); a constant spectrogram (std = 0, e.g. silence) becomes all zeros.
///
/// Not thread-safe (it owns one FFT buffer); use one instance per thread.
public final class LogSpectrogram {
    /// The settings this instance was built for.
    public let settings: SpectrogramSettings
    private let fft: RealFFT
    private let window: [Float]

    /// Validates `settings` and plans the FFT once.
    public init(settings: SpectrogramSettings = .paper) throws {
        try settings.validate()
        self.settings = settings
        fft = try RealFFT(size: settings.windowLength)
        let n = settings.windowLength
        var w = [Float](repeating: 0, count: n)
        for i in 0..<n { w[i] = Float(0.5 - 0.5 * cos(2 * Double.pi * Double(i) / Double(n))) }
        window = w
    }

    /// Number of floats in one spectrogram: height × width.
    public var count: Int { settings.height * settings.width }

    /// The spectrogram of `samples` as `height × width` floats, frequency-major (`v[f·width + t]`).
    public func compute(_ samples: [Float]) -> [Float] {
        var out = [Float](repeating: 0, count: count)
        samples.withUnsafeBufferPointer { s in
            out.withUnsafeMutableBufferPointer { o in compute(s, into: o) }
        }
        return out
    }

    /// Writes the spectrogram of `samples` into `out` (at least `count` floats), frequency-major.
    public func compute(_ samples: UnsafeBufferPointer<Float>, into out: UnsafeMutableBufferPointer<Float>) {
        let s = settings
        let clipped = min(samples.count, s.clipSamples)   // samples beyond the clip are cropped
        let frames = s.frameCount
        let bins = s.frequencyBins
        let win = s.windowLength
        let half = win / 2
        window.withUnsafeBufferPointer { w in
            for t in 0..<frames {
                let start = t * s.hopLength - half
                fft.transform(filling: { buf in
                    for i in 0..<win {
                        let k = start + i
                        buf[i] = (k >= 0 && k < clipped) ? samples[k] * w[i] : 0
                    }
                }) { spec in
                    for f in 0..<bins {
                        let re = spec[2 * f], im = spec[2 * f + 1]
                        out[f * frames + t] = log1p((re * re + im * im).squareRoot())
                    }
                }
            }
        }
        guard s.normalize else { return }
        let n = bins * frames
        var sum = 0.0
        for i in 0..<n { sum += Double(out[i]) }
        let mean = sum / Double(n)
        var sq = 0.0
        for i in 0..<n { let d = Double(out[i]) - mean; sq += d * d }
        let std = (sq / Double(n)).squareRoot()
        let m = Float(mean)
        let inv: Float = std > 0 ? Float(1 / std) : 0
        for i in 0..<n { out[i] = (out[i] - m) * inv }
    }
}
