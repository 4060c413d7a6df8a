import MittenSSH

/// An ed25519 SSH host key that mitten generates for one VM and hands to cloud-init
/// (`ssh_keys`), so that it can later verify exactly that key instead of trusting
/// whatever key the VM shows first. The key material is MittenSSH's.
public struct HostKey: Sendable {
    /// The private key.
    public let key: SSHPrivateKey

    /// The comment written into both key files, e.g. `Checksummer-2`.
    public var comment: String { key.comment }

    /// Generates a new random host key.
    public init(comment: String) {
        key = SSHPrivateKey.generateEd25519(comment: comment)
    }

    /// Re-creates a host key from the private key file this type wrote.
    public init(openSSHPrivateKey text: String) throws {
        do {
            key = try SSHPrivateKey(openSSHPEM: text)
        } catch {
            throw ClusterError(.unreadableFile, "the stored host key cannot be used (\(error.message)); delete it so mitten makes a new one")
        }
    }

    /// The public half as an ``SSHPublicKey`` (for known_hosts and verification).
    public var publicKey: SSHPublicKey { SSHPublicKey(key.publicKey) }

    /// The public key line, as cloud-init's `ssh_keys.ed25519_public` wants it.
    public var publicLine: String { publicKey.line }

    /// The private key in OpenSSH's own format (`-----BEGIN OPENSSH PRIVATE KEY-----`),
    /// unencrypted, as cloud-init's `ssh_keys.ed25519_private` and sshd want it; the same
    /// key always gives the same text.
    public var openSSHPrivateKey: String { key.openSSHPEM }
}
