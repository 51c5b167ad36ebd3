import Foundation

/// What a run directory's `config.json` holds: everything needed to re-run the run and to check
/// that a `--resume` continues the same run — the command's canonical arguments and every option
/// by name, the data files with content hashes, the resolved dataset and model, the full training
/// configuration, and the environment (tool version, OpenBLAS core, threads, plugins).
///
/// Library runs (a `TrainingLoop` given a `RunDirectory`) record only `training`; the command line
/// fills the rest.
public struct RunRecord: Codable, Equatable, Sendable {
    /// The format tag of this layout.
    public static let currentFormat = "mixuplab-run-1"

    /// Always `currentFormat` for records this version writes.
    public var format: String = RunRecord.currentFormat
    /// The subcommand that made the run (e.g. `train`).
    public var command: String?
    /// The subcommand's canonical argument vector (without the run-directory options): `mixuplab
    /// <command> <arguments…>` re-runs it; `--config config.json` does so.
    public var arguments: [String]?
    /// Every option of the command by long name (defaults included, unset optional ones absent), as
    /// text; `--resume` compares these.
    public var options: [String: String]?
    /// The resolved dataset kind (e.g. `tabular`, `fashion-mnist`).
    public var dataset: String?
    /// The data files read, with content hashes.
    public var data: [DataFileRecord]?
    /// The model as built (kind, widths, activation).
    public var model: String?
    /// Whether image batches were augmented.
    public var augments: Bool?
    /// Method, α, η, optimizer, schedule, seed, epochs, batch size, loss, threads.
    public var training: TrainingConfiguration
    /// Where the run ran.
    public var environment: RunEnvironment?

    /// A record of the training configuration alone (what a library run writes).
    public init(training: TrainingConfiguration) { self.training = training }

    /// Reads a record from `url`; an old `config.json` that holds only a training configuration is
    /// read as such. Errors name the file and the cause.
    public static func read(from url: URL) throws -> RunRecord {
        let bytes: Data
        do { bytes = try Data(contentsOf: url) } catch {
            throw RunDirectoryError.wrapping(error, url.path, "cannot read the run record")
        }
        do {
            let record = try JSONDecoder().decode(RunRecord.self, from: bytes)
            guard record.format == currentFormat else {
                throw RunDirectoryError("\(url.path): run record format '\(record.format)' is not '\(currentFormat)'")
            }
            return record
        } catch let error as RunDirectoryError {
            throw error
        } catch {
            if let legacy = try? JSONDecoder().decode(TrainingConfiguration.self, from: bytes) {
                var record = RunRecord(training: legacy)
                record.format = "legacy"
                return record
            }
            throw RunDirectoryError.wrapping(error, url.path, "not a MixupLab run record")
        }
    }

    /// The settings that differ between this record (`recorded`) and `current`, as
    /// `key: recorded → current` lines; keys in `mutable` (options that may change on resume) and
    /// `training.epochs` are not compared. Empty when `current` continues the same run.
    public func differences(from current: RunRecord, ignoring mutable: Set<String> = []) -> [String] {
        var out: [String] = []
        func compare(_ key: String, _ a: String?, _ b: String?) {
            if a != b { out.append("\(key): \(a ?? "(absent)") → \(b ?? "(absent)")") }
        }
        if let mine = options, let theirs = current.options {
            for key in Set(mine.keys).union(theirs.keys).subtracting(mutable).sorted() {
                compare("--\(key)", mine[key], theirs[key])
            }
        }
        if dataset != nil || current.dataset != nil { compare("dataset", dataset, current.dataset) }
        if let mine = data, let theirs = current.data {
            let a = Dictionary(mine.map { ($0.role, $0) }, uniquingKeysWith: { x, _ in x })
            let b = Dictionary(theirs.map { ($0.role, $0) }, uniquingKeysWith: { x, _ in x })
            for role in Set(a.keys).union(b.keys).sorted() {
                compare("data \(role) (\(b[role]?.path ?? a[role]?.path ?? ""))", a[role]?.fingerprint, b[role]?.fingerprint)
            }
        }
        if model != nil && current.model != nil { compare("model", model, current.model) }
        if augments != nil && current.augments != nil { compare("augmentation", augments.map(String.init), current.augments.map(String.init)) }
        var a = training, b = current.training
        a.epochs = 0; b.epochs = 0
        if a != b {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            func fields(_ c: TrainingConfiguration) -> [String: String] {
                guard let data = try? encoder.encode(c),
                      let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return [:] }
                return object.mapValues { value in
                    guard JSONSerialization.isValidJSONObject(value),
                          let data = try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys]) else { return "\(value)" }
                    return String(decoding: data, as: UTF8.self)
                }
            }
            let fa = fields(a), fb = fields(b)
            for key in Set(fa.keys).union(fb.keys).sorted() { compare("training.\(key)", fa[key], fb[key]) }
            if fa == fb { out.append("training: the configurations differ") }
        }
        return out
    }
}

/// One data file (or folder) a run read: its role (`data`, `test-data`, `data-dir`), path, size
/// and a content hash, so a resume on changed data is refused.
public struct DataFileRecord: Codable, Equatable, Sendable {
    /// Which option named it.
    public var role: String
    /// The path as given.
    public var path: String
    /// Total bytes (all files of a folder).
    public var bytes: Int
    /// Files hashed (1 for a file).
    public var files: Int
    /// `fnv1a64:<hex>` over the bytes (a folder: over each file's relative path, size and bytes,
    /// in path order); `sampled-fnv1a64:` when a large folder was hashed on its first and last
    /// 1 MB per file.
    public var hash: String

    /// A record from its parts.
    public init(role: String, path: String, bytes: Int, files: Int, hash: String) {
        self.role = role
        self.path = path
        self.bytes = bytes
        self.files = files
        self.hash = hash
    }

    /// What identifies the content (hash and size; not the path, so moved data still resumes).
    public var fingerprint: String { "\(hash), \(bytes) bytes in \(files) file\(files == 1 ? "" : "s")" }
}

/// The machine and build a run ran on.
public struct RunEnvironment: Codable, Equatable, Sendable {
    /// The mixuplab version.
    public var toolVersion: String
    /// OpenBLAS's kernel family (`openblas_get_corename()`, e.g. `Haswell`); numbers can differ across cores.
    public var openBLASCore: String
    /// Compute threads (kernels; OpenBLAS unless `blasThreads`).
    public var threads: Int
    /// OpenBLAS threads when different.
    public var blasThreads: Int?
    /// Plugin libraries loaded, in order.
    public var plugins: [String]

    /// An environment from its parts.
    public init(toolVersion: String, openBLASCore: String, threads: Int, blasThreads: Int?, plugins: [String]) {
        self.toolVersion = toolVersion
        self.openBLASCore = openBLASCore
        self.threads = threads
        self.blasThreads = blasThreads
        self.plugins = plugins
    }
}
