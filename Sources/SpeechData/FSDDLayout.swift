import Foundation
import SeededRandom

/// The Free Spoken Digit Dataset layout: a flat folder of `{digit}_{speaker}_{index}.wav` files, classes "0"…"9".
///
/// Official test split: index 0–4 of every (digit, speaker); the rest is training, from which a validation subset is
/// carved by a seeded Fisher–Yates shuffle (not stratified). Accepts either the dataset root holding `recordings/`
/// or the recordings folder itself. A `.wav` whose name does not follow the pattern is an error naming it.
public enum FSDDLayout {
    /// The parts of an FSDD file name.
    public struct FileName: Equatable {
        /// The spoken digit, 0–9 (the class label).
        public var digit: Int
        /// Speaker name (may itself contain underscores).
        public var speaker: String
        /// Recording index within (digit, speaker).
        public var index: Int

        /// Creates a parsed name from its parts.
        public init(digit: Int, speaker: String, index: Int) {
            self.digit = digit
            self.speaker = speaker
            self.index = index
        }
    }

    /// Recording indices that form the official test split.
    public static let testIndices = 0...4

    /// Parses `"7_jackson_32.wav"`; nil when the name does not follow `{digit}_{speaker}_{index}.wav`.
    public static func parse(fileName: String) -> FileName? {
        guard fileName.lowercased().hasSuffix(".wav") else { return nil }
        let stem = fileName.dropLast(4)
        let parts = stem.split(separator: "_", omittingEmptySubsequences: false)
        guard parts.count >= 3, parts[0].count == 1, let digit = Int(parts[0]), (0...9).contains(digit),
              let index = Int(parts[parts.count - 1]), index >= 0, !parts[parts.count - 1].hasPrefix("+") else { return nil }
        let speaker = parts[1..<(parts.count - 1)].joined(separator: "_")
        guard !speaker.isEmpty else { return nil }
        return FileName(digit: digit, speaker: speaker, index: index)
    }

    /// Lists `directory` and splits it: test = indices 0–4, validation = a seeded `validationFraction` of the rest
    /// (rounded to the nearest file), train = the remainder. Each part is sorted by file name.
    /// `validationCount`, when given, holds out exactly that many training recordings instead of the fraction.
    public static func split<G: RandomNumberGenerator>(directory: URL, validationFraction: Double = 0.1,
                                                       validationCount: Int? = nil,
                                                       using rng: inout G) throws -> SpeechSplit {
        guard validationFraction >= 0 && validationFraction < 1 else {
            throw SpeechDataError(path: directory.path,
                                  reason: "validation fraction must be in [0, 1), got \(validationFraction)")
        }
        let fm = FileManager.default
        var folder = directory
        var isDir: ObjCBool = false
        guard fm.fileExists(atPath: directory.path, isDirectory: &isDir) else {
            throw SpeechDataError(path: directory.path, reason: "no such directory (give the FSDD folder or its recordings/)")
        }
        guard isDir.boolValue else {
            throw SpeechDataError(path: directory.path, reason: "is a file, not a directory (give the FSDD folder or its recordings/)")
        }
        let nested = directory.appendingPathComponent("recordings")
        if fm.fileExists(atPath: nested.path, isDirectory: &isDir), isDir.boolValue { folder = nested }
        let names: [String]
        do {
            names = try fm.contentsOfDirectory(atPath: folder.path).sorted()
        } catch {
            throw SpeechDataError(path: folder.path, reason: "cannot list directory (\(error))")
        }
        var train: [(String, LabeledAudioFile)] = [], test: [LabeledAudioFile] = []
        for name in names where name.lowercased().hasSuffix(".wav") && !name.hasPrefix(".") {
            guard let parsed = parse(fileName: name) else {
                throw SpeechDataError(path: folder.appendingPathComponent(name).path,
                                      reason: "file name does not follow {digit}_{speaker}_{index}.wav")
            }
            let item = LabeledAudioFile(url: folder.appendingPathComponent(name), label: parsed.digit)
            if testIndices.contains(parsed.index) { test.append(item) } else { train.append((name, item)) }
        }
        guard !train.isEmpty || !test.isEmpty else {
            throw SpeechDataError(path: folder.path, reason: "no FSDD .wav files found")
        }
        let validationCount = validationCount ?? Int((validationFraction * Double(train.count)).rounded())
        guard validationCount >= 0, validationCount < train.count else {
            throw SpeechDataError(path: folder.path, reason: "a validation hold-out of \(validationCount) leaves no training "
                                  + "recordings (there are \(train.count)); choose a smaller --validation-size")
        }
        rng.shuffle(&train)
        var validation = Array(train[0..<validationCount])
        var rest = Array(train[validationCount...])
        validation.sort { $0.0 < $1.0 }
        rest.sort { $0.0 < $1.0 }
        return SpeechSplit(classNames: (0...9).map(String.init), train: rest.map(\.1),
                           validation: validation.map(\.1), test: test)
    }
}
