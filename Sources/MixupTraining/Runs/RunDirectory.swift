import Foundation

/// A run's folder: `config.json` (what was run), `metrics.jsonl` and `metrics.csv` (one line
/// per epoch), `last.safetensors` (the last good checkpoint) and `best.safetensors` (best
/// validation accuracy), each replaced atomically; and, unless switched off, TensorBoard event
/// files `events.out.tfevents.<unix-time>.<hostname>` (one per `run()`, appended per epoch).
public struct RunDirectory {
    /// The folder.
    public let url: URL

    /// Creates the folder (and parents) if needed.
    public init(_ url: URL) throws {
        self.url = url
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    public var configURL: URL { url.appendingPathComponent("config.json") }
    public var metricsJSONLinesURL: URL { url.appendingPathComponent("metrics.jsonl") }
    public var metricsCSVURL: URL { url.appendingPathComponent("metrics.csv") }
    public var lastCheckpointURL: URL { url.appendingPathComponent("last.safetensors") }
    public var bestCheckpointURL: URL { url.appendingPathComponent("best.safetensors") }

    /// Writes `value` as pretty, key-sorted JSON.
    public func writeJSON<T: Encodable>(_ value: T, to file: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(value).write(to: file, options: .atomic)
    }

    /// Rewrites both metrics files with `history` (so a resumed run's files stay consistent).
    public func writeMetrics(_ history: [EpochMetrics]) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let lines = try history.map { String(decoding: try encoder.encode($0), as: UTF8.self) }
        try (lines.joined(separator: "\n") + "\n").write(to: metricsJSONLinesURL, atomically: true, encoding: .utf8)
        var csv = CSVTable(header: EpochMetrics.csvColumns)
        for metrics in history { csv.append(metrics.csvCells) }
        try csv.render().write(to: metricsCSVURL, atomically: true, encoding: .utf8)
    }

    /// The TensorBoard event files in the folder, in name order (the order TensorBoard reads them).
    public func tensorBoardEventFiles() throws -> [URL] {
        try FileManager.default.contentsOfDirectory(atPath: url.path)
            .filter { $0.hasPrefix("events.out.tfevents.") }
            .sorted()
            .map { url.appendingPathComponent($0) }
    }

    /// Reads `metrics.jsonl` back (empty if absent).
    public func readMetrics() throws -> [EpochMetrics] {
        guard FileManager.default.fileExists(atPath: metricsJSONLinesURL.path) else { return [] }
        let text = try String(contentsOf: metricsJSONLinesURL, encoding: .utf8)
        return try text.split(separator: "\n").map { try JSONDecoder().decode(EpochMetrics.self, from: Data($0.utf8)) }
    }
}
