import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Replaces a file's contents all-or-nothing: readers (and a process restarted after a crash) see either
/// the old file or the complete new one, never a partial write under the final name.
///
/// Used for checkpoints so a run that dies mid-save keeps its last good checkpoint.
public enum AtomicFileWriter {
    /// Writes `bytes` to a uniquely named temporary file beside `url`, `fsync`s it, renames it over `url`
    /// and syncs the directory. On any failure the temporary file is removed, `url` is left as it was,
    /// and a `.io` error naming the file and the failed step is thrown.
    public static func write(_ bytes: [UInt8], to url: URL) throws {
        let name = url.lastPathComponent
        let directory = url.deletingLastPathComponent()
        let temporary = directory.appendingPathComponent(".\(name).\(UUID().uuidString).tmp")
        func failure(_ step: String, _ code: Int32) -> SafeTensorsError {
            SafeTensorsError(.io, file: name, "\(step): \(String(cString: strerror(code)))")
        }

        let descriptor = open(temporary.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw failure("cannot create temporary file in \(directory.path)", errno)
        }
        var renamed = false
        var open = true
        defer {
            if open { _ = close(descriptor) }
            if !renamed { _ = unlink(temporary.path) }
        }

        var written = 0
        try bytes.withUnsafeBytes { buffer in
            while written < buffer.count {
                let result = Foundation.write(descriptor, buffer.baseAddress! + written, buffer.count - written)
                if result < 0 {
                    let code = errno
                    if code == EINTR { continue }
                    throw failure("write failed after \(written) of \(buffer.count) bytes", code)
                }
                written += result
            }
        }
        guard fsync(descriptor) == 0 else { throw failure("fsync of temporary file failed", errno) }
        open = false
        guard close(descriptor) == 0 else { throw failure("close of temporary file failed", errno) }
        guard rename(temporary.path, url.path) == 0 else {
            throw failure("cannot rename temporary file over \(url.path)", errno)
        }
        renamed = true

        // Make the rename itself durable. Some file systems cannot sync directories; the new file is
        // already complete and in place, so that is not reported as a failure.
        let directoryDescriptor = Foundation.open(directory.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if directoryDescriptor >= 0 {
            _ = fsync(directoryDescriptor)
            _ = close(directoryDescriptor)
        }
    }
}
