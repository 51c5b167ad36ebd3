import Foundation
import SpeechData

extension SpeechPreparation {
    /// The record of `preprocessor`'s settings for a model trained on the `dataset` layout.
    public init(_ dataset: String, _ preprocessor: SpeechPreprocessor) {
        self.init(dataset: dataset, settings: preprocessor.settings, zeroCrossings: preprocessor.zeroCrossings,
                  kaiserBeta: preprocessor.kaiserBeta)
    }

    /// A preprocessor computing spectrograms exactly as in training (cached in `cacheDirectory` if given).
    public func makePreprocessor(cacheDirectory: URL?) throws -> SpeechPreprocessor {
        try settings.validate()
        return try SpeechPreprocessor(settings: settings, zeroCrossings: zeroCrossings, kaiserBeta: kaiserBeta,
                                      cacheDirectory: cacheDirectory)
    }
}
