import Crypto
import Foundation

/// A user's OpenSSH public key line (`ssh-ed25519 AAAA... comment`), checked to be a
/// type mitten can log in with.
///
/// Only ed25519 is accepted. RSA is refused because libssh2 1.10, which mitten uses,
/// signs RSA logins only with `ssh-rsa` (SHA-1), which current OpenSSH servers refuse.
public struct SSHPublicKey: Sendable, Hashable {
    /// The key type, always `ssh-ed25519`.
    public let type: String
    /// The key blob (the base64 field, decoded).
    public let blob: [UInt8]
    /// The comment after the key, if any.
    public let comment: String

    /// Parses one public key line; `source` names where it came from for errors.
    public init(line: String, source: String) throws {
        let fields = line.trimmingCharacters(in: .whitespacesAndNewlines)
            .split(separator: " ", maxSplits: 2, omittingEmptySubsequences: true)
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
        guard type == "ssh-ed25519" else {
            throw ClusterError(.unsupportedKey, "\(source): key type \(type) is not supported; use an ed25519 key (`ssh-keygen -t ed25519`)")
        }
        guard let data = Data(base64Encoded: String(fields[1])) else {
            throw ClusterError(.invalidClusterFile, "\(source): the key's base64 field does not decode")
        }
        let blob = [UInt8](data)
        var reader = SSHWireReader(blob)
        guard let embeddedType = reader.readString(), String(decoding: embeddedType, as: UTF8.self) == type,
              let key = reader.readString(), key.count == 32, reader.isAtEnd
        else {
            throw ClusterError(.invalidClusterFile, "\(source): the key blob is not a valid ssh-ed25519 key")
        }
        self.type = type
        self.blob = blob
        self.comment = fields.count > 2 ? String(fields[2]) : ""
    }

    /// Creates a key from its raw 32-byte ed25519 public key.
    public init(ed25519 raw: [UInt8], comment: String = "") {
        var writer = SSHWireWriter()
        writer.writeString(Array("ssh-ed25519".utf8))
        writer.writeString(raw)
        self.type = "ssh-ed25519"
        self.blob = writer.bytes
        self.comment = comment
    }

    /// The key as one OpenSSH line: `ssh-ed25519 BASE64 comment`.
    public var line: String {
        let base = "\(type) \(Data(blob).base64EncodedString())"
        return comment.isEmpty ? base : "\(base) \(comment)"
    }

    /// The MD5 fingerprint Nova shows for keypairs (`aa:bb:...`).
    public var md5Fingerprint: String {
        Insecure.MD5.hash(data: blob).map { String(format: "%02x", $0) }.joined(separator: ":")
    }

    /// The SHA-256 fingerprint OpenSSH shows (`SHA256:base64-without-padding`).
    public var sha256Fingerprint: String {
        let digest = Data(SHA256.hash(data: blob)).base64EncodedString()
        return "SHA256:" + digest.replacingOccurrences(of: "=", with: "")
    }
}

/// Reads the SSH wire format's length-prefixed strings.
struct SSHWireReader {
    private let bytes: [UInt8]
    private var offset = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// True when every byte has been read.
    var isAtEnd: Bool { offset == bytes.count }

    /// A 32-bit big-endian integer, or nil at the end.
    mutating func readUInt32() -> UInt32? {
        guard offset + 4 <= bytes.count else { return nil }
        defer { offset += 4 }
        return bytes[offset..<offset + 4].reduce(0) { $0 << 8 | UInt32($1) }
    }

    /// A length-prefixed string, or nil when it runs past the end.
    mutating func readString() -> [UInt8]? {
        guard let length = readUInt32().map(Int.init), offset + length <= bytes.count else { return nil }
        defer { offset += length }
        return Array(bytes[offset..<offset + length])
    }
}

/// Writes the SSH wire format's integers and length-prefixed strings.
struct SSHWireWriter {
    /// What has been written.
    var bytes: [UInt8] = []

    /// Appends a 32-bit big-endian integer.
    mutating func writeUInt32(_ value: UInt32) {
        bytes += [UInt8(value >> 24 & 0xff), UInt8(value >> 16 & 0xff), UInt8(value >> 8 & 0xff), UInt8(value & 0xff)]
    }

    /// Appends a length-prefixed string.
    mutating func writeString(_ value: [UInt8]) {
        writeUInt32(UInt32(value.count))
        bytes += value
    }
}
