import Foundation

/// Turns WAV files into the paper's features: decode (`WAVReader`), resample to `settings.sampleRate` with a
/// `KaiserSincResampler`, then `LogSpectrogram`; optionally caching each result on disk.
///
/// The cache key (`SpectrogramCache.Key`: CRC-32, Adler-32 and length) covers `settingsDescription` (every
/// spectrogram and resampler setting, versioned) followed by the file's raw bytes, so an edited file or a changed
/// setting never reuses a stale entry, wherever the file lives. A corrupt entry is recomputed and overwritten (counted
/// in `statistics.rejected`). Not thread-safe; use one instance per thread.
public final class SpeechPreprocessor {
    /// Counts of cache outcomes since creation, so callers (and tests) can see whether work was reused.
    public struct CacheStatistics: Equatable {
        /// Entries found valid and reused.
        public var hits = 0
        /// Keys with no entry (computed and stored).
        public var misses = 0
        /// Entries that failed validation (recomputed and overwritten).
        public var rejected = 0

        /// Creates counts (all zero by default).
        public init(hits: Int = 0, misses: Int = 0, rejected: Int = 0) {
            self.hits = hits
            self.misses = misses
            self.rejected = rejected
        }
    }

    /// Spectrogram settings (target rate, clip, window, hop, bins, normalisation).
    public let settings: SpectrogramSettings
    /// Resampler half-length in sinc zero crossings.
    public let zeroCrossings: Int
    /// Resampler Kaiser window β.
    public let kaiserBeta: Double
    /// The on-disk cache, if one was requested.
    public let cache: SpectrogramCache?
    /// Cache outcomes so far.
    public private(set) var statistics = CacheStatistics()

    private let spectrogram: LogSpectrogram
    private var resamplers: [Int: KaiserSincResampler] = [:]

    /// Creates a preprocessor; pass `cacheDirectory` (e.g. `SpectrogramCache.defaultDirectory()`) to keep computed
    /// spectrograms on disk.
    public init(settings: SpectrogramSettings = .paper, zeroCrossings: Int = 32, kaiserBeta: Double = 8.6,
                cacheDirectory: URL? = nil) throws {
        spectrogram = try LogSpectrogram(settings: settings)
        _ = try KaiserSincResampler(inputRate: 8000, outputRate: settings.sampleRate,
                                    zeroCrossings: zeroCrossings, kaiserBeta: kaiserBeta)   // validates parameters
        self.settings = settings
        self.zeroCrossings = zeroCrossings
        self.kaiserBeta = kaiserBeta
        cache = try cacheDirectory.map { try SpectrogramCache(directory: $0) }
    }

    /// Canonical text of every setting that affects the output; part of the cache key.
    public var settingsDescription: String {
        settings.description + " resample=kaiser-sinc-v1 zc=\(zeroCrossings) beta=\(kaiserBeta)"
    }

    /// Floats per feature map: height × width.
    public var featureCount: Int { settings.height * settings.width }

    /// Features of already-decoded audio (resampled to `settings.sampleRate` first if needed).
    public func features(for audio: WAVAudio) throws -> [Float] {
        var samples = audio.samples
        if audio.sampleRate != settings.sampleRate {
            let r: KaiserSincResampler
            if let cached = resamplers[audio.sampleRate] {
                r = cached
            } else {
                r = try KaiserSincResampler(inputRate: audio.sampleRate, outputRate: settings.sampleRate,
                                            zeroCrossings: zeroCrossings, kaiserBeta: kaiserBeta)
                resamplers[audio.sampleRate] = r
            }
            // Only the first clip's worth of output is used: resample just the input that feeds it (+ filter reach).
            let ratio = Double(audio.sampleRate) / Double(settings.sampleRate)
            let neededInput = Int((Double(settings.clipSamples) * ratio).rounded(.up))
                + Int((Double(zeroCrossings) * max(1, ratio)).rounded(.up)) + 4
            if samples.count > neededInput { samples.removeLast(samples.count - neededInput) }
            samples = r.resample(samples)
        }
        return spectrogram.compute(samples)
    }

    /// The cache key of a file with these bytes under these settings: checksums of
    /// `settingsDescription` ‖ newline ‖ `contents` (the file's path plays no part).
    public func cacheKey(forFileContents contents: Data) -> SpectrogramCache.Key {
        let prefix = Array((settingsDescription + "\n").utf8)
        return prefix.withUnsafeBytes { head in
            contents.withUnsafeBytes { body in SpectrogramCache.Key(of: [head, body]) }
        }
    }

    /// Features of the WAV file at `url`, from the cache when a valid entry exists.
    public func features(forFileAt url: URL) throws -> [Float] {
        let data = try WAVReader.readFile(url)
        guard let cache else {
            return try features(for: WAVReader.decode(data, name: url.path))
        }
        let key = cacheKey(forFileContents: data)
        switch cache.lookup(key: key, count: featureCount) {
        case .hit(let values):
            statistics.hits += 1
            return values
        case .miss:
            statistics.misses += 1
        case .corrupt:
            statistics.rejected += 1
        }
        let values = try features(for: WAVReader.decode(data, name: url.path))
        try cache.store(values, key: key)
        return values
    }
}
