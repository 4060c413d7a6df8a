import NIOHTTP1
import NIOCore
import Logging
import Foundation
import Yams

/// Swift v1 credentials: the auth URL, `ACCOUNT:USER` and the key.
///
/// `resolve` looks each one up in this order: explicit values (command-line flags),
/// then the environment (`MITTEN_SWIFT_AUTH_URL`, `MITTEN_SWIFT_USER`,
/// `MITTEN_SWIFT_KEY`, then python-swiftclient's `ST_AUTH`, `ST_USER`, `ST_KEY`),
/// then `~/.power_mitten` (`swift_uri`, `swift_username`, `swift_key`).
public struct SwiftV1Credentials: Sendable, Equatable {
    /// The v1 auth URL, e.g. `http://127.0.0.1:8080/auth/v1.0`.
    public var authURL: String
    /// `ACCOUNT:USER`, e.g. `test:tester`.
    public var user: String
    /// The key (password). Never logged.
    public var key: String

    /// Creates credentials from explicit values.
    public init(authURL: String, user: String, key: String) {
        self.authURL = authURL
        self.user = user
        self.key = key
    }

    /// The environment variables read, most preferred first, per field.
    public static let environmentKeys: (authURL: [String], user: [String], key: [String]) = (
        ["MITTEN_SWIFT_AUTH_URL", "ST_AUTH"], ["MITTEN_SWIFT_USER", "ST_USER"], ["MITTEN_SWIFT_KEY", "ST_KEY"]
    )

    /// Resolves credentials field by field: flags, then environment, then the
    /// `~/.power_mitten` file (a YAML mapping; a missing file is not an error).
    public static func resolve(
        authURL: String? = nil, user: String? = nil, key: String? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        configurationFile: URL? = FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".power_mitten")
    ) throws -> SwiftV1Credentials {
        let file = try configurationFile.map(readConfiguration) ?? [:]
        func pick(_ flag: String?, _ envKeys: [String], _ fileKey: String) -> String? {
            if let flag, !flag.isEmpty { return flag }
            for name in envKeys { if let value = environment[name], !value.isEmpty { return value } }
            if let value = file[fileKey], !value.isEmpty { return value }
            return nil
        }
        let keys = environmentKeys
        let where_ = "pass --auth-url/--user/--key, set MITTEN_SWIFT_* or ST_AUTH/ST_USER/ST_KEY, or add it to ~/.power_mitten"
        guard let resolvedURL = pick(authURL, keys.authURL, "swift_uri") else {
            throw SwiftStorageError(.configuration, "no Swift auth URL: \(where_) (swift_uri)")
        }
        guard let resolvedUser = pick(user, keys.user, "swift_username") else {
            throw SwiftStorageError(.configuration, "no Swift user: \(where_) (swift_username, as ACCOUNT:USER)")
        }
        guard let resolvedKey = pick(key, keys.key, "swift_key") else {
            throw SwiftStorageError(.configuration, "no Swift key: \(where_) (swift_key)")
        }
        guard resolvedUser.contains(":") else {
            throw SwiftStorageError(.configuration, "the Swift user '\(resolvedUser)' must be ACCOUNT:USER (e.g. test:tester)")
        }
        return SwiftV1Credentials(authURL: resolvedURL, user: resolvedUser, key: resolvedKey)
    }

    /// Reads the top-level scalar keys of a `~/.power_mitten` YAML file; missing file: empty.
    static func readConfiguration(_ url: URL) throws -> [String: String] {
        guard let data = FileManager.default.contents(atPath: url.path) else { return [:] }
        let text = String(decoding: data, as: UTF8.self)
        let node: Any?
        do {
            node = try Yams.load(yaml: text)
        } catch {
            throw SwiftStorageError(.configuration, "\(url.path) is not valid YAML; fix or remove it", underlying: error)
        }
        guard let mapping = node as? [String: Any] else { return [:] }
        return mapping.compactMapValues { value in
            switch value {
            case let string as String: string
            case let int as Int: String(int)
            default: nil
            }
        }
    }
}
