import Foundation

/// A TensorBoard event file being written, `events.out.tfevents.<unix-time>.<hostname>` in a run
/// directory. Events are buffered in memory and appended by `flush()` (the loop flushes once per
/// epoch), so per-step scalars cost no file I/O per step. The file, headed by the
/// `brain.Event:2` record, is created by the first flush; a later writer in the same directory
/// (a resumed run) starts its own file, and TensorBoard merges the files of a directory.
public final class TensorBoardEventFile {
    /// The event file (it exists once something was flushed).
    public let url: URL
    private let writer: TFRecordWriter
    private let header: [UInt8]
    private var pending: [[UInt8]] = []
    private var started = false

    /// A writer of a new event file in `directory`, named after `date` and `hostname` (a numeric
    /// suffix keeps it apart from an existing file of the same second and host).
    public init(directory: URL, date: Date = Date(), hostname: String = TensorBoardEventFile.hostname) {
        let base = "events.out.tfevents.\(Int64(date.timeIntervalSince1970.rounded(.down))).\(hostname)"
        var name = base
        var suffix = 1
        while FileManager.default.fileExists(atPath: directory.appendingPathComponent(name).path) {
            name = "\(base).\(suffix)"
            suffix += 1
        }
        url = directory.appendingPathComponent(name)
        writer = TFRecordWriter(url: url)
        let header = TensorBoardEvent(wallTime: date.timeIntervalSince1970, step: 0,
                                      content: .fileVersion(TensorBoardEvent.currentFileVersion))
        self.header = header.encoded()
    }

    /// Queues one event of `scalars` at `step` (nothing is queued for an empty list).
    public func add(_ scalars: [TensorBoardScalar], step: Int, date: Date = Date()) {
        guard !scalars.isEmpty else { return }
        pending.append(TensorBoardEvent(wallTime: date.timeIntervalSince1970, step: Int64(step),
                                        content: .scalars(scalars)).encoded())
    }

    /// Whether events are queued that `flush()` would write.
    public var hasPendingEvents: Bool { !pending.isEmpty }

    /// Appends the queued events to the file (the first flush creates it and writes the header
    /// first) and empties the queue; does nothing when nothing is queued.
    public func flush() throws {
        guard !pending.isEmpty else { return }
        try writer.append(started ? pending : [header] + pending)
        started = true
        pending = []
    }

    /// This machine's host name (from `gethostname`, without DNS), `/` replaced so it stays one
    /// path component; `localhost` if it cannot be read.
    public static var hostname: String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "localhost" }
        let name = String(cString: buffer).replacingOccurrences(of: "/", with: "_")
        return name.isEmpty ? "localhost" : name
    }
}
