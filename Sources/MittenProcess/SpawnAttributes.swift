import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The attributes every program mitten starts gets: signal dispositions the parent changed
/// (ServiceLifecycle ignores SIGTERM/SIGINT to catch them, SIGPIPE is ignored for
/// sockets) reset to their defaults, an empty signal mask, and optionally a new session.
public enum SpawnAttributes {
    /// Signals whose disposition is reset to the default in the child.
    public static let defaultedSignals: [Int32] = [SIGINT, SIGTERM, SIGHUP, SIGPIPE, SIGQUIT, SIGUSR1, SIGUSR2, SIGCHLD]

    /// glibc's POSIX_SPAWN_SETSID (a GNU extension the Swift overlay does not export).
    private static let setSID: Int32 = 0x80

    /// Sets up `attributes`, which the caller has initialized and destroys.
    public static func configure(_ attributes: inout posix_spawnattr_t, newSession: Bool = false) {
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in defaultedSignals { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var mask = sigset_t()
        sigemptyset(&mask)
        posix_spawnattr_setsigmask(&attributes, &mask)
        var flags = Int32(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK)
        if newSession { flags |= setSID }
        posix_spawnattr_setflags(&attributes, Int16(flags))
    }
}
