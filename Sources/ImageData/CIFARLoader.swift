import DataFiles
import Foundation

/// Loads CIFAR-10 and CIFAR-100 from their binary versions (`cifar-10-batches-bin`, `cifar-100-binary`) into an
/// `ImageDataset` of N×3×32×32 images scaled to [0, 1]. Each record is its label byte(s) followed by 3072 pixel
/// bytes: the 1024 red values row by row, then green, then blue — already NCHW.
public enum CIFARLoader {
    /// Image shape of every CIFAR record.
    public static let shape = ImageShape(channels: 3, height: 32, width: 32)

    /// CIFAR-10's class names by label (as in `batches.meta.txt`).
    public static let cifar10ClassNames = [
        "airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck",
    ]

    /// The CIFAR-10 batch files of a split, in the order they are concatenated.
    public static func cifar10FileNames(for split: ImageDatasetSplit) -> [String] {
        split == .train ? (1...5).map { "data_batch_\($0).bin" } : ["test_batch.bin"]
    }

    /// The CIFAR-100 file of a split.
    public static func cifar100FileName(for split: ImageDatasetSplit) -> String {
        split == .train ? "train.bin" : "test.bin"
    }

    /// Loads a CIFAR-10 split from the user's `cifar-10-batches-bin` directory (or its parent); throws
    /// `.missingFile` listing every expected batch file that is absent.
    public static func loadCIFAR10(directory: URL, split: ImageDatasetSplit) throws -> ImageDataset {
        let names = cifar10FileNames(for: split)
        let folder = try resolve(directory, expecting: names, subfolder: "cifar-10-batches-bin")
        var dataset = try readCIFAR10(files: names.map { folder.appendingPathComponent($0) })
        dataset.classNames = try readClassNames(folder.appendingPathComponent("batches.meta.txt"), count: 10)
            ?? cifar10ClassNames
        return dataset
    }

    /// Loads a CIFAR-100 split from the user's `cifar-100-binary` directory (or its parent) with fine or coarse
    /// labels; throws `.missingFile` naming the absent file.
    public static func loadCIFAR100(directory: URL, split: ImageDatasetSplit,
                                    labels: CIFARLabelKind = .fine) throws -> ImageDataset {
        let name = cifar100FileName(for: split)
        let folder = try resolve(directory, expecting: [name], subfolder: "cifar-100-binary")
        var dataset = try readCIFAR100(files: [folder.appendingPathComponent(name)], labels: labels)
        let namesFile = labels == .fine ? "fine_label_names.txt" : "coarse_label_names.txt"
        dataset.classNames = try readClassNames(folder.appendingPathComponent(namesFile), count: labels.classCount)
        return dataset
    }

    /// Reads and concatenates CIFAR-10 batch files (records of 1 label byte + 3072 pixel bytes).
    public static func readCIFAR10(files: [URL]) throws -> ImageDataset {
        try readRecords(files: files, labelBytes: 1, labelIndex: 0, classCount: 10)
    }

    /// Reads and concatenates CIFAR-100 files (records of coarse label, fine label, 3072 pixel bytes).
    public static func readCIFAR100(files: [URL], labels: CIFARLabelKind) throws -> ImageDataset {
        try readRecords(files: files, labelBytes: 2, labelIndex: labels == .coarse ? 0 : 1,
                        classCount: labels.classCount)
    }

    /// Shared record reader: checks each file's size is a whole number of records before reading it.
    static func readRecords(files: [URL], labelBytes: Int, labelIndex: Int, classCount: Int) throws -> ImageDataset {
        let pixelBytes = shape.pixelCount
        let recordSize = labelBytes + pixelBytes
        var sizes: [Int] = []
        for url in files {
            let size = try fileSize(url)
            guard size > 0 else {
                throw ImageDataError(.truncated, file: url.path, byteOffset: 0, "file is empty; expected "
                                     + "\(recordSize)-byte CIFAR records")
            }
            guard size % recordSize == 0 else {
                let complete = size / recordSize
                throw ImageDataError(.recordSizeMismatch, file: url.path, byteOffset: complete * recordSize,
                                     "file size \(size) is not a multiple of the \(recordSize)-byte record: "
                                     + "record \(complete) is truncated (\(size % recordSize) bytes)")
            }
            sizes.append(size)
        }
        let total = sizes.reduce(0) { $0 + $1 / recordSize }
        var pixels = [Float](repeating: 0, count: total * pixelBytes)
        var labels = [Int](repeating: 0, count: total)
        var base = 0
        let maximum: Float = 255
        for (url, size) in zip(files, sizes) {
            let data: Data
            do { data = try Data(contentsOf: url, options: .alwaysMapped) } catch {
                throw ImageDataError(.io, file: url.path, "cannot read file: \(FileReadFailure.reason(url.path, error))")
            }
            guard data.count == size else {
                throw ImageDataError(.io, file: url.path, "file changed size while reading (\(size) → \(data.count))")
            }
            let records = size / recordSize
            try data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
                let bytes = raw.bindMemory(to: UInt8.self)
                try pixels.withUnsafeMutableBufferPointer { out in
                    for r in 0..<records {
                        let offset = r * recordSize
                        let label = Int(bytes[offset + labelIndex])
                        guard label < classCount else {
                            throw ImageDataError(.labelOutOfRange, file: url.path, byteOffset: offset + labelIndex,
                                                 "label \(label) of record \(r) is outside 0..<\(classCount)")
                        }
                        labels[base + r] = label
                        let source = offset + labelBytes
                        let target = (base + r) * pixelBytes
                        for i in 0..<pixelBytes { out[target + i] = Float(bytes[source + i]) / maximum }
                    }
                }
            }
            base += records
        }
        return try ImageDataset(pixels: pixels, labels: labels, channels: shape.channels, height: shape.height,
                                width: shape.width, classCount: classCount)
    }

    /// Returns `directory` if it holds all `names`, else its `subfolder` if that does; otherwise throws
    /// listing the missing files.
    static func resolve(_ directory: URL, expecting names: [String], subfolder: String) throws -> URL {
        let fm = FileManager.default
        func missing(in folder: URL) -> [String] {
            names.filter { !fm.fileExists(atPath: folder.appendingPathComponent($0).path) }
        }
        let direct = missing(in: directory)
        if direct.isEmpty { return directory }
        let nested = directory.appendingPathComponent(subfolder)
        if direct.count == names.count, fm.fileExists(atPath: nested.path), missing(in: nested).isEmpty {
            return nested
        }
        throw ImageDataError(.missingFile, file: directory.path,
                             "missing \(direct.joined(separator: ", ")) (expected \(names.joined(separator: ", ")))")
    }

    /// Reads one class name per non-empty line, or nil if the file is absent; a wrong count is an error.
    static func readClassNames(_ url: URL, count: Int) throws -> [String]? {
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        let text: String
        do { text = try String(contentsOf: url, encoding: .utf8) } catch {
            throw ImageDataError(.io, file: url.path, "cannot read class names: \(FileReadFailure.reason(url.path, error))")
        }
        let names = text.split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
        guard names.count == count else {
            throw ImageDataError(.shapeMismatch, file: url.path, "expected \(count) class names, found \(names.count)")
        }
        return names
    }

    /// Size in bytes of a regular file, or a `.missingFile`/`.io` error naming it.
    static func fileSize(_ url: URL) throws -> Int {
        var info = stat()
        guard stat(url.path, &info) == 0 else {
            throw ImageDataError(.missingFile, file: url.path, "cannot open file: \(String(cString: strerror(errno)))")
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw ImageDataError(.io, file: url.path, "not a regular file")
        }
        return Int(info.st_size)
    }
}
