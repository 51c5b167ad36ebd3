import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Exclusive ownership of a run directory: an `flock` on its `.lock` file, which records the
/// owner's pid. Released when the value is deallocated (or the process ends, even by `kill -9`).
public final class RunDirectoryLock {
    /// The lock file.
    public let file: URL
    private let descriptor: Int32

    /// Locks `file` without waiting; throws naming the holder's pid when another owner has it.
    init(file: URL, directory: URL) throws {
        self.file = file
        let fd = open(file.path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw RunDirectoryError("\(file.path): cannot open the run directory's lock file: \(String(cString: strerror(errno)))")
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let code = errno
            let holder = (try? String(contentsOf: file, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
            close(fd)
            guard code == EAGAIN else {
                throw RunDirectoryError("\(file.path): cannot lock the run directory: \(String(cString: strerror(code)))")
            }
            throw RunDirectoryError("\(directory.path) is in use by process \(holder.flatMap { $0.isEmpty ? nil : $0 } ?? "(unknown pid)") "
                                    + "(it holds \(file.lastPathComponent)); wait for it to finish or choose another --run-dir")
        }
        descriptor = fd
        let pid = Array("\(getpid())\n".utf8)
        if ftruncate(fd, 0) != 0 || pid.withUnsafeBytes({ pwrite(fd, $0.baseAddress, $0.count, 0) }) != pid.count {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw RunDirectoryError("\(file.path): cannot record this process in the lock file: \(reason)")
        }
    }

    deinit { close(descriptor) }
}
