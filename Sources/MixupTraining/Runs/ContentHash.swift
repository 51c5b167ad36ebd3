import Foundation

/// FNV-1a, 64 bits, over the bytes of files: the content fingerprint of `DataFileRecord`. Not
/// cryptographic — it detects changed or different data, which is all a run record needs.
public struct ContentHash: Sendable {
    /// The running hash value.
    public private(set) var value: UInt64 = 0xCBF2_9CE4_8422_2325

    /// A fresh hash.
    public init() {}

    /// Adds `bytes`.
    public mutating func add(_ bytes: UnsafeRawBufferPointer) {
        var h = value
        for byte in bytes { h = (h ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        value = h
    }

    /// Adds the UTF-8 bytes of `text` followed by a 0 byte (so concatenations stay distinct).
    public mutating func add(_ text: String) {
        var bytes = Array(text.utf8)
        bytes.append(0)
        bytes.withUnsafeBytes { add($0) }
    }

    /// The value as 16 hex digits.
    public var hex: String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }

    /// Folders whose files total more than this are hashed on the first `sampleBytes` of each file
    /// (with every path and size), so a 2 GB speech corpus costs seconds, not minutes.
    public static let fullFolderLimit = 256 << 20
    /// Bytes read per file of a sampled folder.
    public static let sampleBytes = 64 << 10

    /// The record of the file or folder at `path`, named by the option `role` that gave it.
    public static func record(role: String, path: String) throws -> DataFileRecord {
        let url = URL(fileURLWithPath: path)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw RunDirectoryError("\(path): cannot hash --\(role) for the run record: no such file or folder")
        }
        var hash = ContentHash()
        if !isDirectory.boolValue {
            let size = try hash.addFile(url, limit: nil)
            return DataFileRecord(role: role, path: path, bytes: size, files: 1, hash: "fnv1a64:" + hash.hex)
        }
        guard let walker = FileManager.default.enumerator(at: url, includingPropertiesForKeys: [.isRegularFileKey, .fileSizeKey],
                                                          options: [.skipsHiddenFiles]) else {
            throw RunDirectoryError("\(path): cannot list --\(role) for the run record")
        }
        var files: [(relative: String, url: URL, size: Int)] = []
        for case let file as URL in walker {
            let values = try? file.resourceValues(forKeys: [.isRegularFileKey, .fileSizeKey])
            guard values?.isRegularFile == true else { continue }
            let relative = String(file.standardizedFileURL.path.dropFirst(url.standardizedFileURL.path.count))
            files.append((relative, file, values?.fileSize ?? 0))
        }
        files.sort { $0.relative.utf8.lexicographicallyPrecedes($1.relative.utf8) }
        let total = files.reduce(0) { $0 + $1.size }
        let sampled = total > fullFolderLimit
        for file in files {
            hash.add(file.relative)
            hash.add(String(file.size))
            _ = try hash.addFile(file.url, limit: sampled ? sampleBytes : nil)
        }
        return DataFileRecord(role: role, path: path, bytes: total, files: files.count,
                              hash: (sampled ? "sampled-fnv1a64:" : "fnv1a64:") + hash.hex)
    }

    /// Adds the bytes of `url` (at most `limit`), reading 1 MB at a time; returns the bytes read.
    private mutating func addFile(_ url: URL, limit: Int?) throws -> Int {
        let handle: FileHandle
        do { handle = try FileHandle(forReadingFrom: url) } catch {
            throw RunDirectoryError.wrapping(error, url.path, "cannot read data to hash for the run record")
        }
        defer { try? handle.close() }
        var done = 0
        while limit.map({ done < $0 }) ?? true {
            let want = min(1 << 20, (limit ?? Int.max) - done)
            let chunk: Data?
            do { chunk = try handle.read(upToCount: want) } catch {
                throw RunDirectoryError.wrapping(error, url.path, "cannot read data to hash for the run record")
            }
            guard let chunk, !chunk.isEmpty else { break }
            chunk.withUnsafeBytes { add($0) }
            done += chunk.count
        }
        return done
    }
}
