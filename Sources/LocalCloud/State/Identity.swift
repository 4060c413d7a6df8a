import Crypto
import Foundation

/// The single user, project and application credential of the local cloud, generated on
/// first start and kept (mode 0600) in `credentials.json` in the data directory.
public struct LocalCloudCredentials: Codable, Sendable, Equatable {
    /// The user's name.
    public var username: String
    /// The user's id.
    public var userID: String
    /// The user's password.
    public var password: String
    /// The project's name.
    public var projectName: String
    /// The project's id.
    public var projectID: String
    /// The domain of both (`Default`, id `default`).
    public var domainName: String
    /// The domain id.
    public var domainID: String
    /// An application credential bound to the project.
    public var applicationCredentialID: String
    /// The application credential's name.
    public var applicationCredentialName: String
    /// The application credential's secret.
    public var applicationCredentialSecret: String

    static func generate() -> LocalCloudCredentials {
        LocalCloudCredentials(
            username: "mitten", userID: randomHex(16), password: randomHex(12),
            projectName: "mitten", projectID: randomHex(16), domainName: "Default", domainID: "default",
            applicationCredentialID: randomHex(16), applicationCredentialName: "mitten-local",
            applicationCredentialSecret: randomHex(24))
    }

    /// Loads the credentials of a data directory, creating them on first use.
    static func loadOrCreate(in directory: URL) throws -> LocalCloudCredentials {
        let url = directory.appendingPathComponent("credentials.json")
        if let data = try? Data(contentsOf: url) {
            do { return try JSONDecoder().decode(LocalCloudCredentials.self, from: data) } catch {
                throw LocalCloudError(.dataDirectory, "\(url.path) is damaged; delete it to generate new credentials")
            }
        }
        let credentials = generate()
        let data = try JSONEncoder.sorted.encode(credentials)
        try writePrivately(data, to: url)
        return credentials
    }
}

/// Random lowercase hex of `bytes` random bytes.
func randomHex(_ bytes: Int) -> String {
    var generator = SystemRandomNumberGenerator()
    return (0..<bytes).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
}

/// A new random UUID string in lowercase, as OpenStack prints them.
func newUUID() -> String { UUID().uuidString.lowercased() }

/// Writes a file atomically with mode 0600.
func writePrivately(_ data: Data, to url: URL) throws {
    let temporary = url.appendingPathExtension("tmp")
    guard FileManager.default.createFile(atPath: temporary.path, contents: data, attributes: [.posixPermissions: 0o600]) else {
        throw LocalCloudError(.dataDirectory, "cannot write \(temporary.path); check the data directory's permissions")
    }
    if rename(temporary.path, url.path) != 0 {
        throw LocalCloudError(.dataDirectory, "cannot replace \(url.path): errno \(errno)")
    }
}

extension JSONEncoder {
    /// An encoder with sorted keys and ISO 8601 dates.
    static var sorted: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }
}

/// Issued tokens and their expiry (in memory: a restarted daemon makes clients
/// re-authenticate, as an expired token would).
actor TokenStore {
    private var tokens: [String: Date] = [:]
    private let lifetime: TimeInterval

    init(lifetime: TimeInterval) { self.lifetime = lifetime }

    /// Issues a token; returns it with its issue and expiry times.
    func issue(now: Date = Date()) -> (id: String, issued: Date, expires: Date) {
        let id = "lc" + randomHex(32)
        let expires = now.addingTimeInterval(lifetime)
        tokens[id] = expires
        if tokens.count > 10_000 { tokens = tokens.filter { $0.value > now } }
        return (id, now, expires)
    }

    /// Whether the token was issued here and has not expired.
    func isValid(_ id: String, now: Date = Date()) -> Bool {
        guard let expires = tokens[id] else { return false }
        return expires > now
    }
}

/// Hex MD5 fingerprint of an OpenSSH public key (`aa:bb:...`), as Nova computes it; nil when
/// the key is not `TYPE BASE64 [comment]`.
func sshFingerprint(ofPublicKey line: String) -> (fingerprint: String, type: String)? {
    let parts = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
    guard parts.count >= 2, let blob = Data(base64Encoded: String(parts[1])), blob.count > 11 else { return nil }
    let algorithm = String(parts[0])
    guard algorithm.hasPrefix("ssh-") || algorithm.hasPrefix("ecdsa-") || algorithm.hasPrefix("sk-") else { return nil }
    let digest = Insecure.MD5.hash(data: blob)
    let fingerprint = digest.map { String(format: "%02x", $0) }.joined(separator: ":")
    return (fingerprint, "ssh")
}
