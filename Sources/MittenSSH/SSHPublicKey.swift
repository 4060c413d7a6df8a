import Crypto
import Foundation

/// An ed25519 SSH public key: the form in `id_ed25519.pub`, `authorized_keys`,
/// `known_hosts` and Nova keypairs. Other key types are refused when parsed.
public struct SSHPublicKey: Sendable, Hashable, CustomStringConvertible {
    /// The only algorithm mitten uses.
    public static let ed25519Algorithm = "ssh-ed25519"

    /// The 32 raw bytes of the ed25519 public key.
    public let rawKey: [UInt8]
    /// The free-text comment after the key in a public key line (may be empty).
    public var comment: String

    /// The key's algorithm name as it appears on the wire (`ssh-ed25519`).
    public var algorithm: String { Self.ed25519Algorithm }

    /// Wraps 32 raw ed25519 public key bytes.
    public init(ed25519RawKey rawKey: some Collection<UInt8>, comment: String = "") throws(MittenSSHError) {
        guard rawKey.count == 32 else {
            throw MittenSSHError(.invalidKey, "an ed25519 public key has 32 bytes, this one has \(rawKey.count); regenerate the key.")
        }
        self.rawKey = Array(rawKey)
        self.comment = comment
    }

    /// Parses the SSH wire blob (`string "ssh-ed25519", string key`), as a server
    /// presents its host key and as the base64 field of a public key line holds it.
    public init(blob: some Collection<UInt8>, comment: String = "") throws(MittenSSHError) {
        var reader = SSHWireReader(blob, what: "the public key blob")
        let type = try reader.readText()
        guard type == Self.ed25519Algorithm else { throw MittenSSHError.unsupported(keyType: type, what: "the public key") }
        let key = try reader.readString()
        guard reader.isAtEnd else {
            throw MittenSSHError(.invalidKey, "the public key blob has trailing bytes; regenerate the key.")
        }
        try self.init(ed25519RawKey: key, comment: comment)
    }

    /// Parses an OpenSSH public key line, `ssh-ed25519 AAAA... comment`.
    /// RSA and every other type are refused with the reason.
    public init(openSSHLine line: String) throws(MittenSSHError) {
        let fields = line.trimmingCharacters(in: .whitespacesAndNewlines)
            .split(maxSplits: 2, omittingEmptySubsequences: true, whereSeparator: { $0 == " " || $0 == "\t" })
        guard fields.count >= 2 else {
            throw MittenSSHError(.invalidKey, "a public key line looks like `ssh-ed25519 AAAA... comment`; this one has \(fields.count) field(s).")
        }
        let type = String(fields[0])
        guard type == Self.ed25519Algorithm else { throw MittenSSHError.unsupported(keyType: type, what: "the public key") }
        guard let blob = Data(base64Encoded: String(fields[1])) else {
            throw MittenSSHError(.invalidKey, "the public key's second field is not base64; copy the whole line from the .pub file.")
        }
        try self.init(blob: blob, comment: fields.count > 2 ? String(fields[2]) : "")
        guard algorithm == type else {
            throw MittenSSHError(.invalidKey, "the public key line says \(type) but its blob holds \(algorithm).")
        }
    }

    /// Reads and parses a `.pub` file.
    public init(contentsOfFile path: String) throws(MittenSSHError) {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw MittenSSHError(.localFileError, "cannot read public key file \(path): \(error.localizedDescription)")
        }
        try self.init(openSSHLine: text)
    }

    /// The SSH wire blob: `string "ssh-ed25519", string rawKey`.
    public var blob: [UInt8] {
        var writer = SSHWireWriter()
        writer.writeString(algorithm)
        writer.writeString(rawKey)
        return writer.bytes
    }

    /// `ssh-ed25519 AAAA... comment` (no comment field when the comment is empty).
    public var openSSHLine: String {
        let base = "\(algorithm) \(Data(blob).base64EncodedString())"
        return comment.isEmpty ? base : "\(base) \(comment)"
    }

    /// The fingerprint as OpenSSH prints it: `SHA256:` + unpadded base64 of the blob's SHA-256.
    public var sha256Fingerprint: String {
        let digest = Data(SHA256.hash(data: blob)).base64EncodedString()
        return "SHA256:" + digest.replacingOccurrences(of: "=", with: "")
    }

    /// The MD5 fingerprint as colon-separated hex (`aa:bb:...`), the form Nova shows for keypairs.
    public var md5Fingerprint: String {
        Insecure.MD5.hash(data: blob).map { byte in
            let hex = String(byte, radix: 16)
            return hex.count == 1 ? "0" + hex : hex
        }.joined(separator: ":")
    }

    /// The public key line.
    public var description: String { openSSHLine }

    /// True when both keys are the same key, whatever their comments.
    public func sameKey(as other: SSHPublicKey) -> Bool { blob == other.blob }
}
