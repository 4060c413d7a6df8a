import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// An exclusive lock on a data directory (`daemon.lock`, flock), held while a cloud serves
/// it, so two daemons never share one state.
struct DataDirectoryLock: Sendable {
    private let descriptor: Int32

    init(_ directory: URL) throws {
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw LocalCloudError(.dataDirectory, "cannot create the data directory \(directory.path): \(error.localizedDescription)")
        }
        let path = directory.appendingPathComponent("daemon.lock").path
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw LocalCloudError(.dataDirectory, "cannot open \(path): errno \(errno)") }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            throw LocalCloudError(.alreadyRunning, "another local cloud already serves \(directory.path); stop it with `mitten cloud stop`")
        }
        descriptor = fd
    }

    /// Whether some process holds the lock of this directory right now.
    static func isHeld(_ directory: URL) -> Bool {
        let fd = open(directory.appendingPathComponent("daemon.lock").path, O_RDWR | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        if flock(fd, LOCK_EX | LOCK_NB) == 0 {
            flock(fd, LOCK_UN)
            return false
        }
        return true
    }

    func release() {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}
