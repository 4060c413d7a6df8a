import CLibSSH2
#if canImport(Glibc)
import Glibc
#endif

/// Process-wide libssh2 state: `libssh2_init` runs exactly once, thread-safely (a
/// Swift `static let` is initialised once under a lock), and is never undone, since
/// other sessions may be running; `libssh2_exit` is left to process exit.
enum LibSSH2 {
    private static let initResult: Int32 = {
        // libssh2 writes to sockets without MSG_NOSIGNAL: a server that hangs up would
        // otherwise kill the process with SIGPIPE instead of failing the call.
        signal(SIGPIPE, SIG_IGN)
        return libssh2_init(0)
    }()

    /// Initialises libssh2 on first use; throws if its crypto backend failed to start.
    static func ensureInitialized() throws(MittenSSHError) {
        guard initResult == 0 else {
            throw MittenSSHError(.libraryInitFailed, "libssh2_init failed (\(initResult)); check that libssh2 and its crypto library are installed.")
        }
    }

    /// The version of the libssh2 library linked at run time.
    static var version: String { libssh2_version(0).map { String(cString: $0) } ?? "unknown" }

    /// libssh2's last error message for a session, if any.
    static func lastError(_ session: OpaquePointer) -> String? {
        var message: UnsafeMutablePointer<CChar>?
        var length: Int32 = 0
        let code = libssh2_session_last_error(session, &message, &length, 0)
        guard code != 0, let message else { return nil }
        return "\(String(cString: message)) [\(code)]"
    }

    /// libssh2's last error code for a session (0 when none).
    static func lastErrorCode(_ session: OpaquePointer) -> Int32 {
        libssh2_session_last_errno(session)
    }

    /// `libssh2_session_set_timeout` in whole milliseconds (at least 1: 0 means "never").
    static func setTimeout(_ session: OpaquePointer, _ timeout: Duration) {
        libssh2_session_set_timeout(session, max(1, timeout.milliseconds))
    }

    // Function-like or parenthesised macros Swift does not import.
    static let channelWindowDefault: UInt32 = 2 * 1024 * 1024
    static let channelPacketDefault: UInt32 = 32768
    static let stderrStream: Int32 = 1  // SSH_EXTENDED_DATA_STDERR
}

extension Duration {
    /// The duration in whole milliseconds, rounded down.
    var milliseconds: Int {
        let (seconds, attoseconds) = components
        return Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000)
    }
}
