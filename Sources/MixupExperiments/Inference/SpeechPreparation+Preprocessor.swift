import Foundation
import SpeechData

extension SpeechPreparation {
    /// The record of `preprocessor`'s settings for a model trained on the `dataset` layout.
    public init(_ dataset: String, _ preprocessor: SpeechPreprocessor) {
        let s = preprocessor.settings
        self.init(dataset: dataset, sampleRate: s.sampleRate, clipSamples: s.clipSamples, windowLength: s.windowLength,
                  hopLength: s.hopLength, frequencyBins: s.frequencyBins, normalize: s.normalize,
                  zeroCrossings: preprocessor.zeroCrossings, kaiserBeta: preprocessor.kaiserBeta)
    }

    /// A preprocessor computing spectrograms exactly as in training (cached in `cacheDirectory` if given).
    public func makePreprocessor(cacheDirectory: URL?) throws -> SpeechPreprocessor {
        let settings = SpectrogramSettings(sampleRate: sampleRate, clipSamples: clipSamples, windowLength: windowLength,
                                           hopLength: hopLength, frequencyBins: frequencyBins, normalize: normalize)
        try settings.validate()
        return try SpeechPreprocessor(settings: settings, zeroCrossings: zeroCrossings, kaiserBeta: kaiserBeta,
                                      cacheDirectory: cacheDirectory)
    }
}
