import Foundation
import MittenSSH

/// A user's OpenSSH public key line (`ssh-ed25519 AAAA... comment`) as the cluster file
/// names it, checked to be a type mitten can log in with; parsing and fingerprints are
/// MittenSSH's, errors name the cluster file.
///
/// Only ed25519 is accepted. RSA is refused because libssh2 1.10, which mitten uses,
/// signs RSA logins only with `ssh-rsa` (SHA-1), which current OpenSSH servers refuse.
public struct SSHPublicKey: Sendable, Hashable {
    /// The key.
    public let key: MittenSSH.SSHPublicKey

    /// The key type, always `ssh-ed25519`.
    public var type: String { key.algorithm }
    /// The key blob (the base64 field, decoded).
    public var blob: [UInt8] { key.blob }
    /// The comment after the key, if any.
    public var comment: String { key.comment }

    /// Parses one public key line; `source` names where it came from for errors.
    public init(line: String, source: String) throws {
        let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
        let fields = trimmed.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: true)
        guard fields.count >= 2 else {
            throw ClusterError(.invalidClusterFile, "\(source): expected an OpenSSH public key line such as `ssh-ed25519 AAAA... you@host`")
        }
        let type = String(fields[0])
        if type == "ssh-rsa" || type.hasPrefix("rsa-sha2") {
            throw ClusterError(
                .unsupportedKey,
                "\(source): RSA keys cannot be used: libssh2 1.10 signs RSA logins only with ssh-rsa (SHA-1), "
                    + "which current OpenSSH refuses. Create an ed25519 key with `ssh-keygen -t ed25519` and name it here."
            )
        }
        guard type == MittenSSH.SSHPublicKey.ed25519Algorithm else {
            throw ClusterError(.unsupportedKey, "\(source): key type \(type) is not supported; use an ed25519 key (`ssh-keygen -t ed25519`)")
        }
        do {
            key = try MittenSSH.SSHPublicKey(openSSHLine: trimmed)
        } catch {
            throw ClusterError(.invalidClusterFile, "\(source): \(error.message)")
        }
    }

    /// Wraps a MittenSSH key.
    public init(_ key: MittenSSH.SSHPublicKey) { self.key = key }

    /// The key as one OpenSSH line: `ssh-ed25519 BASE64 comment`.
    public var line: String { key.openSSHLine }

    /// The MD5 fingerprint Nova shows for keypairs (`aa:bb:...`).
    public var md5Fingerprint: String { key.md5Fingerprint }

    /// The SHA-256 fingerprint OpenSSH shows (`SHA256:base64-without-padding`).
    public var sha256Fingerprint: String { key.sha256Fingerprint }
}
