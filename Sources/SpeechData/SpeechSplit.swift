import Foundation

/// One audio file and its class index (into the owning split's `classNames`).
public struct LabeledAudioFile: Equatable {
    /// Location of the WAV file.
    public var url: URL
    /// Class index into `classNames`.
    public var label: Int

    /// Creates a labelled file reference.
    public init(url: URL, label: Int) {
        self.url = url
        self.label = label
    }
}

/// The train / validation / test partition of a speech dataset's files, before any audio is decoded.
public struct SpeechSplit: Equatable {
    /// Class names; a label is an index into this array.
    public var classNames: [String]
    /// Files used for training.
    public var train: [LabeledAudioFile]
    /// Files held out for model selection.
    public var validation: [LabeledAudioFile]
    /// Files held out for the final evaluation.
    public var test: [LabeledAudioFile]

    /// Creates a split from its parts.
    public init(classNames: [String], train: [LabeledAudioFile], validation: [LabeledAudioFile],
                test: [LabeledAudioFile]) {
        self.classNames = classNames
        self.train = train
        self.validation = validation
        self.test = test
    }
}
