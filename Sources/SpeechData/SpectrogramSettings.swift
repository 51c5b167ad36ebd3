/// Every setting of the log-spectrogram front end; two feature arrays are interchangeable exactly when their
/// settings (and resampler) agree, so the canonical `description` is part of the cache key.
///
/// The defaults reproduce the Speech Commands preprocessing used by Zhang et al. (2018, mixup) and MixupE §3.3:
/// 16 kHz audio clipped or zero-padded to one second, 20 ms periodic Hann window (320 samples), 10 ms hop
/// (160 samples), centred frames → 101 frames; 161 FFT bins of which the first 160 are kept (the Nyquist bin is
/// dropped) → 160 × 101.
public struct SpectrogramSettings: Hashable, Codable, Sendable, CustomStringConvertible {
    /// Rate (Hz) audio is resampled to before framing.
    public var sampleRate: Int = 16_000
    /// Clip length in samples: longer audio is cropped to its first `clipSamples`, shorter is zero-padded at the end.
    public var clipSamples: Int = 16_000
    /// FFT frame length in samples (also the periodic Hann window length).
    public var windowLength: Int = 320
    /// Hop between frame starts, in samples.
    public var hopLength: Int = 160
    /// Frequency bins kept, counted from DC (≤ windowLength/2 + 1); 160 of 161 drops the Nyquist bin.
    public var frequencyBins: Int = 160
    /// Whether each spectrogram is standardised by its own mean and standard deviation.
    public var normalize: Bool = true

    /// The paper's Speech Commands settings (all defaults): 160 × 101 for one second at 16 kHz.
    public static let paper = SpectrogramSettings()

    /// Creates settings; every argument defaults to the paper's value.
    public init(sampleRate: Int = 16_000, clipSamples: Int = 16_000, windowLength: Int = 320, hopLength: Int = 160,
                frequencyBins: Int = 160, normalize: Bool = true) {
        self.sampleRate = sampleRate
        self.clipSamples = clipSamples
        self.windowLength = windowLength
        self.hopLength = hopLength
        self.frequencyBins = frequencyBins
        self.normalize = normalize
    }

    /// Number of time frames: 1 + clipSamples / hopLength (centred frames), 101 with the defaults.
    public var frameCount: Int { 1 + clipSamples / hopLength }

    /// Feature height (frequency bins) — the first spatial dimension of the N × 1 × H × W layout.
    public var height: Int { frequencyBins }
    /// Feature width (time frames) — the second spatial dimension of the N × 1 × H × W layout.
    public var width: Int { frameCount }

    /// Throws when the settings cannot describe a spectrogram (non-positive sizes, too many bins).
    public func validate() throws {
        func bad(_ reason: String) -> SpeechDataError { SpeechDataError(path: "SpectrogramSettings", reason: reason) }
        guard sampleRate > 0 else { throw bad("sampleRate must be positive, got \(sampleRate)") }
        guard clipSamples > 0, clipSamples <= 1 << 26 else { throw bad("clipSamples must be in 1...2^26, got \(clipSamples)") }
        guard windowLength >= 2, windowLength <= 1 << 20 else { throw bad("windowLength must be in 2...2^20, got \(windowLength)") }
        guard hopLength >= 1 else { throw bad("hopLength must be positive, got \(hopLength)") }
        guard frequencyBins >= 1, frequencyBins <= windowLength / 2 + 1 else {
            throw bad("frequencyBins must be in 1...\(windowLength / 2 + 1), got \(frequencyBins)")
        }
    }

    /// Canonical text of all settings plus the algorithm version, e.g. for cache keys.
    public var description: String {
        "logspec-v1 sr=\(sampleRate) clip=\(clipSamples) win=\(windowLength) hann-periodic hop=\(hopLength) "
            + "centre=zero bins=\(frequencyBins) value=log1p(|X|) normalize=\(normalize)"
    }
}
