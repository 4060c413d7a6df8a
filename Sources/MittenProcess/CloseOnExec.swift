import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Keeps this process's descriptors out of the programs it starts.
public enum CloseOnExec {
    /// Sets FD_CLOEXEC on every open descriptor above standard error. Called right before
    /// each spawn: a descriptor opened without the flag (a listening socket, a database
    /// file) would otherwise live on in the child, so that a Control killed with -9 could
    /// not bind its port again while a service it started kept a copy of its socket.
    public static func markInheritedDescriptors() {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd") else { return }
        for entry in entries {
            guard let fd = Int32(entry), fd > 2 else { continue }
            let flags = fcntl(fd, F_GETFD)
            if flags >= 0, flags & FD_CLOEXEC == 0 { _ = fcntl(fd, F_SETFD, flags | FD_CLOEXEC) }
        }
    }
}
