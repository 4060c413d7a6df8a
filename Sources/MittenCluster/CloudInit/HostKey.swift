import Crypto
import Foundation

/// An ed25519 SSH host key that mitten generates for one VM and hands to cloud-init
/// (`ssh_keys`), so that it can later verify exactly that key instead of trusting
/// whatever key the VM shows first.
public struct HostKey: Sendable {
    /// The 32-byte ed25519 seed (kept as bytes: Crypto's key type is not Sendable).
    let seed: [UInt8]

    /// The private key the seed stands for.
    var privateKey: Curve25519.Signing.PrivateKey {
        // A 32-byte seed is always a valid ed25519 private key.
        try! Curve25519.Signing.PrivateKey(rawRepresentation: seed)
    }
    /// The comment written into both key files, e.g. `Checksummer-2`.
    public let comment: String

    /// Generates a new random host key.
    public init(comment: String) {
        self.seed = [UInt8](Curve25519.Signing.PrivateKey().rawRepresentation)
        self.comment = comment
    }

    /// Re-creates a host key from the private key file this type wrote.
    public init(openSSHPrivateKey text: String) throws {
        let body = text.split(separator: "\n")
            .filter { !$0.hasPrefix("-----") }
            .joined()
        guard let data = Data(base64Encoded: body) else {
            throw ClusterError(.unreadableFile, "the stored host key is not an OpenSSH private key; delete it so mitten makes a new one")
        }
        var reader = SSHWireReader([UInt8](data.dropFirst(Self.magic.count)))
        // cipher, kdf, kdf options, key count, public key, private section
        guard data.starts(with: Self.magic),
              reader.readString() == Array("none".utf8), reader.readString() == Array("none".utf8),
              reader.readString() != nil, reader.readUInt32() == 1, reader.readString() != nil,
              let section = reader.readString()
        else {
            throw ClusterError(.unreadableFile, "the stored host key is not an unencrypted OpenSSH ed25519 key; delete it so mitten makes a new one")
        }
        var inner = SSHWireReader(section)
        guard let check1 = inner.readUInt32(), inner.readUInt32() == check1,
              inner.readString() == Array("ssh-ed25519".utf8), inner.readString() != nil,
              let secret = inner.readString(), secret.count == 64,
              let comment = inner.readString()
        else {
            throw ClusterError(.unreadableFile, "the stored host key's private section is malformed; delete it so mitten makes a new one")
        }
        let seed = Array(secret[0..<32])
        guard (try? Curve25519.Signing.PrivateKey(rawRepresentation: seed).publicKey.rawRepresentation).map(Array.init) == Array(secret[32...]) else {
            throw ClusterError(.unreadableFile, "the stored host key's seed does not match its public key; delete it so mitten makes a new one")
        }
        self.seed = seed
        self.comment = String(decoding: comment, as: UTF8.self)
    }

    private static let magic = Array("openssh-key-v1".utf8) + [0]

    /// The public half as an ``SSHPublicKey`` (for known_hosts and verification).
    public var publicKey: SSHPublicKey {
        SSHPublicKey(ed25519: [UInt8](privateKey.publicKey.rawRepresentation), comment: comment)
    }

    /// The public key line, as cloud-init's `ssh_keys.ed25519_public` wants it.
    public var publicLine: String { publicKey.line }

    /// The private key in OpenSSH's own format (`-----BEGIN OPENSSH PRIVATE KEY-----`),
    /// unencrypted, as cloud-init's `ssh_keys.ed25519_private` and sshd want it.
    public var openSSHPrivateKey: String {
        let publicRaw = [UInt8](privateKey.publicKey.rawRepresentation)
        let publicBlob = publicKey.blob
        var section = SSHWireWriter()
        // Two equal check integers; derived from the key so the file is reproducible.
        let check = publicRaw.prefix(4).reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        section.writeUInt32(check)
        section.writeUInt32(check)
        section.writeString(Array("ssh-ed25519".utf8))
        section.writeString(publicRaw)
        section.writeString([UInt8](privateKey.rawRepresentation) + publicRaw)
        section.writeString(Array(comment.utf8))
        var pad: UInt8 = 1
        while section.bytes.count % 8 != 0 {
            section.bytes.append(pad)
            pad += 1
        }
        var file = SSHWireWriter()
        file.bytes = Self.magic
        file.writeString(Array("none".utf8))
        file.writeString(Array("none".utf8))
        file.writeString([])
        file.writeUInt32(1)
        file.writeString(publicBlob)
        file.writeString(section.bytes)
        let base64 = Data(file.bytes).base64EncodedString()
        var lines = ["-----BEGIN OPENSSH PRIVATE KEY-----"]
        var rest = Substring(base64)
        while !rest.isEmpty {
            lines.append(String(rest.prefix(70)))
            rest = rest.dropFirst(70)
        }
        lines.append("-----END OPENSSH PRIVATE KEY-----")
        return lines.joined(separator: "\n") + "\n"
    }
}
