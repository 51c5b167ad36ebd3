import DataFiles
import Foundation

/// The Google Speech Commands folder layout: one folder per word holding `.wav` files, plus `validation_list.txt`
/// and `testing_list.txt` naming held-out files as `word/file.wav`; every other file is training data.
///
/// Class list = sorted names of the word folders. Folders whose name starts with `_` (the `_background_noise_`
/// folder) or `.` are ignored. Both list files must exist (an absent list would silently put held-out speakers into
/// training); blank lines are skipped; a listed file that does not exist, lies outside a word folder, or appears in
/// both lists is an error naming the list file and line.
public enum SpeechCommandsLayout {
    /// Scans `root` and returns the split defined by its list files. Files within each part are ordered by class,
    /// then file name.
    public static func split(root: URL) throws -> SpeechSplit {
        let fm = FileManager.default
        let entries: [String]
        do {
            entries = try FileSystemFailure.folderEntries(root.path)
        } catch {
            throw SpeechDataError(path: root.path, reason: "cannot list directory (\(FileSystemFailure.reason(root.path, error)))")
        }
        var classNames: [String] = []
        for name in entries where !name.hasPrefix("_") && !name.hasPrefix(".") {
            var isDir: ObjCBool = false
            if fm.fileExists(atPath: root.appendingPathComponent(name).path, isDirectory: &isDir), isDir.boolValue {
                classNames.append(name)
            }
        }
        classNames.sort()
        guard !classNames.isEmpty else {
            throw SpeechDataError(path: root.path, reason: "no word folders found (expected one folder per class)")
        }
        let classIndex = Dictionary(uniqueKeysWithValues: classNames.enumerated().map { ($1, $0) })

        let validation = try readList(root.appendingPathComponent("validation_list.txt"), root: root,
                                      classIndex: classIndex)
        let testing = try readList(root.appendingPathComponent("testing_list.txt"), root: root, classIndex: classIndex)
        for (path, line) in testing {
            if let other = validation[path] {
                throw SpeechDataError(path: root.appendingPathComponent("testing_list.txt").path, line: line,
                                      reason: "'\(path)' is also listed in validation_list.txt (line \(other))")
            }
        }

        var train: [LabeledAudioFile] = [], valid: [LabeledAudioFile] = [], test: [LabeledAudioFile] = []
        for (label, word) in classNames.enumerated() {
            let folder = root.appendingPathComponent(word)
            let files: [String]
            do {
                files = try FileSystemFailure.folderEntries(folder.path)
            } catch {
                throw SpeechDataError(path: folder.path, reason: "cannot list directory (\(FileSystemFailure.reason(folder.path, error)))")
            }
            for file in files.sorted() where file.lowercased().hasSuffix(".wav") && !file.hasPrefix(".") {
                let relative = word + "/" + file
                let item = LabeledAudioFile(url: folder.appendingPathComponent(file), label: label)
                if testing[relative] != nil {
                    test.append(item)
                } else if validation[relative] != nil {
                    valid.append(item)
                } else {
                    train.append(item)
                }
            }
        }
        return SpeechSplit(classNames: classNames, train: train, validation: valid, test: test)
    }

    /// Parses one list file into relative path → 1-based line, checking each entry against the tree.
    private static func readList(_ url: URL, root: URL, classIndex: [String: Int]) throws -> [String: Int] {
        let text: String
        do {
            text = try String(contentsOf: url, encoding: .utf8)
        } catch {
            throw SpeechDataError(path: url.path, reason: "cannot read list file (\(FileReadFailure.reason(url.path, error)))")
        }
        var lines: [String: Int] = [:]
        var number = 0
        // "\r\n" is a single Character in Swift, so both line endings are separators.
        for raw in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            number += 1
            let entry = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            if entry.isEmpty { continue }
            let parts = entry.split(separator: "/", omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[1].isEmpty else {
                throw SpeechDataError(path: url.path, line: number, reason: "expected 'word/file.wav', found '\(entry)'")
            }
            guard classIndex[String(parts[0])] != nil else {
                throw SpeechDataError(path: url.path, line: number,
                                      reason: "'\(entry)' is not inside a word folder of \(root.path)")
            }
            guard FileManager.default.fileExists(atPath: root.appendingPathComponent(entry).path) else {
                throw SpeechDataError(path: url.path, line: number, reason: "listed file '\(entry)' does not exist")
            }
            if let first = lines[entry] {
                throw SpeechDataError(path: url.path, line: number, reason: "'\(entry)' is listed twice (first on line \(first))")
            }
            lines[entry] = number
        }
        return lines
    }
}
