import Crypto
import Foundation

/// A Nova keypair.
public struct Keypair: Codable, Sendable, Equatable {
    /// Name.
    public var name: String
    /// The OpenSSH public key line.
    public var publicKey: String
    /// Nova's fingerprint (MD5, colon-separated hex, for `ssh` keys).
    public var fingerprint: String?
    /// `ssh` or `x509` (2.2+).
    public var type: String?
    /// Owner (2.10+).
    public var userID: String?

    enum CodingKeys: String, CodingKey { case name, publicKey = "public_key", fingerprint, type, userID = "user_id" }

    /// Creates a keypair.
    public init(name: String, publicKey: String, fingerprint: String? = nil, type: String? = nil, userID: String? = nil) {
        self.name = name
        self.publicKey = publicKey
        self.fingerprint = fingerprint
        self.type = type
        self.userID = userID
    }

    /// The fingerprint Nova computes for an OpenSSH public key line: MD5 of the decoded
    /// key blob as colon-separated hex. Nil when the line is not `TYPE BASE64 [comment]`.
    public static func fingerprint(ofPublicKey line: String) -> String? {
        let fields = line.split(whereSeparator: \.isWhitespace)
        guard fields.count >= 2, let blob = Data(base64Encoded: String(fields[1])) else { return nil }
        return Insecure.MD5.hash(data: blob).map { String(format: "%02x", $0) }.joined(separator: ":")
    }
}

/// `{"keypair": {...}}`: the body of `POST /os-keypairs` and of `GET /os-keypairs/{name}`.
public struct KeypairEnvelope: Codable, Sendable, Equatable {
    /// The keypair.
    public var keypair: Keypair
    /// Creates an envelope.
    public init(keypair: Keypair) { self.keypair = keypair }
}
