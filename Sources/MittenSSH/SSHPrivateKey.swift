import Crypto
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// An ed25519 private key, generated with swift-crypto and stored in OpenSSH's
/// unencrypted `openssh-key-v1` format (what `ssh-keygen -t ed25519 -N ''` writes).
public struct SSHPrivateKey: Sendable {
    /// The 32-byte ed25519 seed (swift-crypto's key type is not Sendable, bytes are).
    private let seed: [UInt8]
    private var key: Curve25519.Signing.PrivateKey {
        // The seed came from a valid key, so this cannot fail.
        try! Curve25519.Signing.PrivateKey(rawRepresentation: seed)
    }
    /// The comment stored with the key (copied to the public key line).
    public var comment: String

    private static let magic = Array("openssh-key-v1".utf8) + [0]
    private static let pemHeader = "-----BEGIN OPENSSH PRIVATE KEY-----"
    private static let pemFooter = "-----END OPENSSH PRIVATE KEY-----"

    /// Generates a new random ed25519 key.
    public static func generateEd25519(comment: String = "") -> SSHPrivateKey {
        SSHPrivateKey(key: Curve25519.Signing.PrivateKey(), comment: comment)
    }

    private init(key: Curve25519.Signing.PrivateKey, comment: String) {
        self.seed = Array(key.rawRepresentation)
        self.comment = comment
    }

    /// The matching public key, carrying this key's comment.
    public var publicKey: SSHPublicKey {
        // A Curve25519 public key is always 32 bytes, so this cannot throw.
        try! SSHPublicKey(ed25519RawKey: key.publicKey.rawRepresentation, comment: comment)
    }

    /// The private key file's text: the PEM-armoured `openssh-key-v1` container,
    /// base64 wrapped at 70 columns as OpenSSH writes it; the same key always gives the
    /// same text.
    public var openSSHPEM: String {
        let publicKey = self.publicKey
        var section = SSHWireWriter()
        // The two check integers only have to match; derived from the key (not random)
        // so that the same key always gives the same file (stable cloud-init user-data).
        let check = publicKey.rawKey.prefix(4).reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        section.writeUInt32(check)
        section.writeUInt32(check)
        section.writeString(publicKey.algorithm)
        section.writeString(publicKey.rawKey)
        section.writeString(Array(key.rawRepresentation) + publicKey.rawKey)  // seed || public, as OpenSSH stores it
        section.writeString(comment)
        var pad: UInt8 = 1
        while section.bytes.count % 8 != 0 {  // cipher "none" has block size 8
            section.writeRaw([pad])
            pad += 1
        }
        var container = SSHWireWriter()
        container.writeRaw(Self.magic)
        container.writeString("none")  // cipher
        container.writeString("none")  // kdf
        container.writeString([UInt8]())  // kdf options
        container.writeUInt32(1)
        container.writeString(publicKey.blob)
        container.writeString(section.bytes)
        let base64 = Data(container.bytes).base64EncodedString()
        var lines = [Self.pemHeader]
        var index = base64.startIndex
        while index < base64.endIndex {
            let end = base64.index(index, offsetBy: 70, limitedBy: base64.endIndex) ?? base64.endIndex
            lines.append(String(base64[index..<end]))
            index = end
        }
        lines.append(Self.pemFooter)
        return lines.joined(separator: "\n") + "\n"
    }

    /// Parses an unencrypted `openssh-key-v1` ed25519 private key. RSA (PEM or
    /// OpenSSH) and other types are refused with the reason; encrypted keys are
    /// refused with a hint (load them into ssh-agent instead).
    public init(openSSHPEM text: String) throws(MittenSSHError) {
        let container = try Self.container(of: text)
        var reader = SSHWireReader(container, what: "the private key")
        _ = try reader.readRaw(count: Self.magic.count)
        let cipher = try reader.readText()
        _ = try reader.readText()  // kdf
        _ = try reader.readString()  // kdf options
        guard try reader.readUInt32() == 1 else {
            throw MittenSSHError(.invalidKey, "the private key file holds several keys; mitten expects exactly one.")
        }
        let publicBlob = try reader.readString()
        var blobReader = SSHWireReader(publicBlob, what: "the private key's public part")
        let type = try blobReader.readText()
        guard type == SSHPublicKey.ed25519Algorithm else { throw MittenSSHError.unsupported(keyType: type, what: "the private key") }
        guard cipher == "none" else {
            throw MittenSSHError(.invalidKey, "the private key is encrypted (\(cipher)); add it to ssh-agent (`ssh-add`) and let mitten use the agent.")
        }
        var section = SSHWireReader(try reader.readString(), what: "the private key")
        guard try section.readUInt32() == section.readUInt32() else {
            throw MittenSSHError(.invalidKey, "the private key's check bytes differ: the file is corrupt.")
        }
        _ = try section.readText()
        let publicRaw = try section.readString()
        let secret = try section.readString()
        let comment = try section.readText()
        guard secret.count == 64, Array(secret[32...]) == publicRaw else {
            throw MittenSSHError(.invalidKey, "the private key's secret part does not match its public key: the file is corrupt.")
        }
        do {
            seed = Array(try Curve25519.Signing.PrivateKey(rawRepresentation: secret[0..<32]).rawRepresentation)
        } catch {
            throw MittenSSHError(.invalidKey, "the private key's seed is not a valid ed25519 key.")
        }
        self.comment = comment
        guard self.publicKey.rawKey == publicRaw else {
            throw MittenSSHError(.invalidKey, "the private key's seed does not derive its stored public key: the file is corrupt.")
        }
    }

    /// Reads and parses a private key file.
    public init(contentsOfFile path: String) throws(MittenSSHError) {
        try self.init(openSSHPEM: try Self.readFile(path))
    }

    /// Writes the private key to `path` with mode 0600 and, when `publicKeyPath` is
    /// given, the public key line there with mode 0644.
    public func write(toFile path: String, publicKeyPath: String? = nil) throws(MittenSSHError) {
        try Self.writeFile(path, contents: openSSHPEM, mode: 0o600)
        if let publicKeyPath { try Self.writeFile(publicKeyPath, contents: publicKey.openSSHLine + "\n", mode: 0o644) }
    }

    /// The key type stored in a private key file (`ssh-ed25519`, `ssh-rsa`, `RSA` for
    /// old PEM RSA files, ...), read without decrypting it, so callers can refuse
    /// unsupported keys before handing the file to libssh2.
    public static func keyType(ofFile path: String) throws(MittenSSHError) -> String {
        let text = try readFile(path)
        for (marker, type) in [("BEGIN RSA PRIVATE KEY", "RSA"), ("BEGIN DSA PRIVATE KEY", "DSA"), ("BEGIN EC PRIVATE KEY", "ECDSA")]
        where text.contains(marker) { return type }
        var reader = SSHWireReader(try container(of: text), what: "the private key \(path)")
        _ = try reader.readRaw(count: magic.count)
        _ = try reader.readString()
        _ = try reader.readString()
        _ = try reader.readString()
        _ = try reader.readUInt32()
        var blob = SSHWireReader(try reader.readString(), what: "the private key \(path)")
        return try blob.readText()
    }

    private static func container(of text: String) throws(MittenSSHError) -> [UInt8] {
        let lines = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
        guard let start = lines.firstIndex(of: pemHeader), let end = lines.firstIndex(of: pemFooter), start < end else {
            if text.contains("BEGIN RSA PRIVATE KEY") { throw MittenSSHError.unsupported(keyType: "RSA", what: "the private key") }
            throw MittenSSHError(.invalidKey, "not an OpenSSH private key (no `\(pemHeader)` line); generate one with `ssh-keygen -t ed25519`.")
        }
        guard let data = Data(base64Encoded: lines[(start + 1)..<end].joined()), data.starts(with: magic) else {
            throw MittenSSHError(.invalidKey, "the OpenSSH private key's body is not valid openssh-key-v1 base64.")
        }
        return Array(data)
    }

    static func readFile(_ path: String) throws(MittenSSHError) -> String {
        do { return try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw MittenSSHError(.localFileError, "cannot read key file \(path): \(error.localizedDescription)")
        }
    }

    /// Writes through open(2) with the mode given at creation and fchmod, so a private
    /// key is never readable by others, not even for a moment.
    static func writeFile(_ path: String, contents: String, mode: mode_t) throws(MittenSSHError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
        guard fd >= 0 else {
            throw MittenSSHError(.localFileError, "cannot write key file \(path) (errno \(errno)); check that its directory exists and is writable.")
        }
        defer { close(fd) }
        let bytes = Array(contents.utf8)
        guard fchmod(fd, mode) == 0, bytes.withUnsafeBytes({ Glibc.write(fd, $0.baseAddress, $0.count) }) == bytes.count else {
            throw MittenSSHError(.localFileError, "cannot write key file \(path) (errno \(errno)).")
        }
    }
}
