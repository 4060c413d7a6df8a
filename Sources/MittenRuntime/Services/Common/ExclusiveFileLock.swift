#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An exclusive `flock` on `NAME.lock` next to a service's database, held while the
/// service has it open, so that two processes never serve the same name from one
/// file (each would keep its own in-memory state). The kernel drops the lock when
/// the holder dies, even by `kill -9`.
public final class ExclusiveFileLock: Sendable {
    private let descriptor: Int32

    /// Takes the lock, retrying for up to `patience` (a restarted service may start
    /// while its predecessor is still exiting). Throws ``RuntimeError/Code-swift.struct/serviceRunning``
    /// when another process keeps holding it.
    public init(path: String, patience: Duration = .seconds(10)) throws {
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw RuntimeError(.dataDirectoryUnusable, "cannot open the lock file \(path) (errno \(errno)); check the permissions of the data directory or pass another --data-dir")
        }
        let deadline = ContinuousClock.now + patience
        while flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
            guard errno == EWOULDBLOCK || errno == EINTR, ContinuousClock.now < deadline else {
                let holder = Self.readHolder(descriptor)
                close(descriptor)
                throw RuntimeError(.serviceRunning, "another process\(holder.map { " (pid \($0))" } ?? "") has \(path) locked: the service is already running; stop that process first, or use another --data-dir")
            }
            usleep(50_000)
        }
        _ = ftruncate(descriptor, 0)
        let pid = "\(getpid())\n"
        _ = pid.withCString { pwrite(descriptor, $0, strlen($0), 0) }
        self.descriptor = descriptor
    }

    deinit {
        close(descriptor)
    }

    private static func readHolder(_ descriptor: Int32) -> Int32? {
        var buffer = [UInt8](repeating: 0, count: 32)
        let count = pread(descriptor, &buffer, buffer.count, 0)
        guard count > 0 else { return nil }
        return Int32(String(decoding: buffer[0..<count].filter { (48...57).contains($0) }, as: UTF8.self))
    }
}
