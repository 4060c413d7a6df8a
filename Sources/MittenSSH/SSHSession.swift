import CLibSSH2
import Crypto
import Dispatch
import Foundation
import Logging
#if canImport(Glibc)
import Glibc
#endif

/// One authenticated SSH connection to a server whose host key mitten pinned.
///
/// Open one with `SSHSession.withSession(_:logger:_:)`, which connects, verifies
/// the host key, authenticates, runs the body and always disconnects. libssh2 is
/// blocking C: every libssh2 call of a session runs on the session's own serial
/// `DispatchQueue`, never on Swift's cooperative thread pool, and the async methods
/// wait for it.
public final class SSHSession: @unchecked Sendable {
    // @unchecked Sendable: `handle`, `socket` and `isClosed` are touched only on
    // `queue` (a serial queue), so no two threads ever use them at once.

    /// Where to connect, which host key to expect and how to authenticate.
    public struct Configuration: Sendable {
        /// Host name or IP address of the server.
        public var host: String
        /// TCP port of sshd.
        public var port: Int
        /// The remote user to log in as.
        public var user: String
        /// The exact host key the server must present (no trust-on-first-use).
        public var expectedHostKey: SSHPublicKey
        /// How to authenticate.
        public var authentication: SSHAuthentication
        /// Limit for the TCP connect.
        public var connectTimeout: Duration
        /// Limit for each blocking libssh2 step (handshake, auth, SFTP calls) and the
        /// default limit for commands.
        public var operationTimeout: Duration

        /// A configuration with a 10 s connect timeout and a 60 s operation timeout.
        public init(
            host: String, port: Int = 22, user: String, expectedHostKey: SSHPublicKey,
            authentication: SSHAuthentication, connectTimeout: Duration = .seconds(10),
            operationTimeout: Duration = .seconds(60)
        ) {
            self.host = host
            self.port = port
            self.user = user
            self.expectedHostKey = expectedHostKey
            self.authentication = authentication
            self.connectTimeout = connectTimeout
            self.operationTimeout = operationTimeout
        }

        /// `user@host:port`, for messages.
        var target: String { "\(user)@\(host):\(port)" }
    }

    /// The configuration this session was opened with.
    public let configuration: Configuration
    let logger: Logger
    let queue: DispatchQueue
    let handle: OpaquePointer
    let socket: Int32
    private var isClosed = false

    private init(configuration: Configuration, logger: Logger, queue: DispatchQueue, handle: OpaquePointer, socket: Int32) {
        self.configuration = configuration
        self.logger = logger
        self.queue = queue
        self.handle = handle
        self.socket = socket
    }

    /// Connects, verifies the host key, authenticates, runs `body` with the session
    /// and disconnects, whether `body` returns or throws.
    /// With `socket` (from ``SSHPortWaiter/connectWhenReady(host:port:policy:attemptTimeout:clock:logger:)``)
    /// it logs in over that connection instead of making a new one.
    public static func withSession<Result>(
        _ configuration: Configuration, socket: SSHReadySocket? = nil, logger: Logger,
        isolation: isolated (any Actor)? = #isolation,
        _ body: (SSHSession) async throws -> sending Result
    ) async throws -> sending Result {
        let session = try await open(configuration, socket: socket?.take(), logger: logger)
        do {
            let result = try await body(session)
            await session.close()
            return result
        } catch {
            await session.close()
            throw error
        }
    }

    /// Opens an authenticated session; the caller must `close()` it.
    /// With `socket`, over that connected descriptor (owned from here on).
    static func open(_ configuration: Configuration, socket: Int32? = nil, logger: Logger) async throws -> SSHSession {
        let queue = DispatchQueue(label: "mitten.ssh.\(configuration.host):\(configuration.port)")
        return try await withCheckedThrowingContinuation { continuation in
            queue.async {
                continuation.resume(with: Result { try connect(configuration, socket: socket, logger: logger, queue: queue) })
            }
        }
    }

    /// Disconnects and frees the session. Safe to call more than once.
    func close() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            queue.async {
                if !self.isClosed {
                    self.isClosed = true
                    LibSSH2.setTimeout(self.handle, .seconds(2))
                    libssh2_session_disconnect_ex(self.handle, SSH_DISCONNECT_BY_APPLICATION, "mitten done", "")
                    libssh2_session_free(self.handle)
                    Glibc.close(self.socket)
                    self.logger.debug("ssh session closed", metadata: ["ssh.target": "\(self.configuration.target)"])
                }
                continuation.resume()
            }
        }
    }

    /// Runs `body` on the session's queue with the raw libssh2 session.
    func perform<T: Sendable>(_ body: @escaping @Sendable (OpaquePointer) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async {
                guard !self.isClosed else {
                    continuation.resume(throwing: MittenSSHError(.channelFailed, "the SSH session to \(self.configuration.target) is closed; use it only inside withSession."))
                    return
                }
                continuation.resume(with: Result { try body(self.handle) })
            }
        }
    }

    /// An error carrying libssh2's last message for this session.
    func failure(_ code: MittenSSHError.Code, _ message: String) -> MittenSSHError {
        MittenSSHError(code, message, libssh2Message: LibSSH2.lastError(handle))
    }

    /// The blocking connect sequence: TCP, handshake, host key check, authentication.
    private static func connect(_ configuration: Configuration, socket connected: Int32?, logger: Logger, queue: DispatchQueue) throws -> SSHSession {
        do {
            try LibSSH2.ensureInitialized()
        } catch {
            if let connected { Glibc.close(connected) }
            throw error
        }
        let socket = try connected ?? TCPConnection.connect(host: configuration.host, port: configuration.port, timeout: configuration.connectTimeout)
        guard let handle = libssh2_session_init_ex(nil, nil, nil, nil) else {
            Glibc.close(socket)
            throw MittenSSHError(.libraryInitFailed, "libssh2 could not allocate a session (out of memory?).")
        }
        let session = SSHSession(configuration: configuration, logger: logger, queue: queue, handle: handle, socket: socket)
        do {
            libssh2_session_set_blocking(handle, 1)
            LibSSH2.setTimeout(handle, configuration.operationTimeout)
            // Ask for the one host key type we pin, so a server with several host keys presents it.
            libssh2_session_method_pref(handle, LIBSSH2_METHOD_HOSTKEY, configuration.expectedHostKey.algorithm)
            let rc = libssh2_session_handshake(handle, socket)
            guard rc == 0 else {
                if rc == LIBSSH2_ERROR_TIMEOUT {
                    throw session.failure(.timedOut, "the SSH handshake with \(configuration.target) timed out after \(configuration.operationTimeout).")
                }
                throw session.failure(.handshakeFailed, "the SSH handshake with \(configuration.target) failed; the server must offer an \(configuration.expectedHostKey.algorithm) host key (libssh2 \(LibSSH2.version)).")
            }
            try session.verifyHostKey()
            try session.authenticate()
            logger.debug("ssh session open", metadata: ["ssh.target": "\(configuration.target)"])
            return session
        } catch {
            session.isClosed = true
            libssh2_session_disconnect_ex(handle, SSH_DISCONNECT_BY_APPLICATION, "mitten aborted", "")
            libssh2_session_free(handle)
            Glibc.close(socket)
            throw error
        }
    }

    /// Compares the raw host key blob the server presented with the pinned one.
    private func verifyHostKey() throws(MittenSSHError) {
        var length = 0
        var type: Int32 = 0
        guard let raw = libssh2_session_hostkey(handle, &length, &type) else {
            throw failure(.handshakeFailed, "\(configuration.target) presented no host key.")
        }
        let presented = Array(UnsafeBufferPointer(start: UnsafeRawPointer(raw).assumingMemoryBound(to: UInt8.self), count: length))
        let expected = configuration.expectedHostKey
        guard presented == expected.blob else {
            let presentedFingerprint = (try? SSHPublicKey(blob: presented).sha256Fingerprint)
                ?? "SHA256:" + Data(SHA256.hash(data: presented)).base64EncodedString().replacingOccurrences(of: "=", with: "")
            logger.error("ssh host key mismatch", metadata: ["ssh.target": "\(configuration.target)", "ssh.expected": "\(expected.sha256Fingerprint)", "ssh.presented": "\(presentedFingerprint)"])
            throw MittenSSHError(
                .hostKeyMismatch,
                "HOST KEY MISMATCH for \(configuration.host):\(configuration.port): expected \(expected.algorithm) \(expected.sha256Fingerprint), "
                + "the server presented \(presentedFingerprint). Nothing was sent to it. This is not the server mitten created, "
                + "or its host key was replaced: leave it for inspection and do not connect until you know why.")
        }
    }
}
