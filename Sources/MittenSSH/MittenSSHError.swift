/// The one error type of MittenSSH: a stable `code`, a `message` that says what to do,
/// and libssh2's own last error text when libssh2 reported the failure.
///
/// Messages never contain key material or passphrases; they name files, hosts and
/// fingerprints only.
public struct MittenSSHError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, as a value callers can switch on (`error.code == .hostKeyMismatch`).
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case libraryInitFailed, connectionFailed, timedOut, handshakeFailed, hostKeyMismatch
            case authenticationFailed, agentUnavailable, unsupportedKeyType, invalidKey
            case channelFailed, sftpFailed, checksumMismatch, localFileError
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// `libssh2_init` failed (the crypto backend could not start).
        public static let libraryInitFailed = Code(.libraryInitFailed)
        /// The TCP connection could not be opened (refused, unreachable, bad address).
        public static let connectionFailed = Code(.connectionFailed)
        /// A connect, wait-for-port, command or transfer ran past its timeout.
        public static let timedOut = Code(.timedOut)
        /// The SSH handshake (key exchange) failed.
        public static let handshakeFailed = Code(.handshakeFailed)
        /// The server presented a host key other than the one mitten expected.
        public static let hostKeyMismatch = Code(.hostKeyMismatch)
        /// The server refused every key mitten offered.
        public static let authenticationFailed = Code(.authenticationFailed)
        /// The ssh-agent could not be reached or holds no identities.
        public static let agentUnavailable = Code(.agentUnavailable)
        /// The key is of a type mitten refuses (RSA, DSA, ...): use ed25519.
        public static let unsupportedKeyType = Code(.unsupportedKeyType)
        /// The key text or file could not be parsed.
        public static let invalidKey = Code(.invalidKey)
        /// A channel (exec) could not be opened or failed while running.
        public static let channelFailed = Code(.channelFailed)
        /// An SFTP operation failed.
        public static let sftpFailed = Code(.sftpFailed)
        /// The uploaded file's remote SHA-256 differs from the local one.
        public static let checksumMismatch = Code(.checksumMismatch)
        /// A local file could not be read or written.
        public static let localFileError = Code(.localFileError)

        /// The code's name, for logs and tests.
        public var description: String { base.rawValue }
    }

    /// What went wrong.
    public var code: Code
    /// What happened and what to do about it.
    public var message: String
    /// libssh2's last error message for the session, when libssh2 reported the failure.
    public var libssh2Message: String?

    /// Creates an error; `libssh2Message` is libssh2's own text when it has one.
    public init(_ code: Code, _ message: String, libssh2Message: String? = nil) {
        self.code = code
        self.message = message
        self.libssh2Message = libssh2Message
    }

    /// `code: message (libssh2: ...)`.
    public var description: String {
        var text = "\(code): \(message)"
        if let libssh2Message, !libssh2Message.isEmpty { text += " (libssh2: \(libssh2Message))" }
        return text
    }
}

extension MittenSSHError {
    /// The one reason RSA is refused, shared by every place that refuses it.
    static let rsaRefusalReason =
        "libssh2 1.10 cannot sign with RSA against current OpenSSH: it only signs ssh-rsa (SHA-1), "
        + "which OpenSSH 8.8 and later (9.2 here) refuse. Generate an ed25519 key instead "
        + "(`ssh-keygen -t ed25519`)."

    static func unsupported(keyType: String, what: String) -> MittenSSHError {
        if keyType.hasPrefix("ssh-rsa") || keyType.hasPrefix("rsa-sha2") || keyType == "RSA" {
            return MittenSSHError(.unsupportedKeyType, "\(what) is an RSA key, which mitten refuses: \(rsaRefusalReason)")
        }
        return MittenSSHError(.unsupportedKeyType, "\(what) is a \(keyType) key; mitten uses ed25519 keys only. Generate one with `ssh-keygen -t ed25519`.")
    }
}
