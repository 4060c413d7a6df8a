import Foundation
import Logging
import Yams

/// `~/.power_mitten`: the original's YAML mapping of cloud credentials. Every key is
/// optional for local work; cloud commands call ``requireCloudCredentials()``. Keys
/// mitten does not know are kept in ``options`` and passed to tasks.
///
/// Keys: `openstack_auth_url`, `openstack_tenant`, `openstack_username`,
/// `openstack_api_key` (secret), `swift_uri`, `swift_username` (`ACCOUNT:USER`),
/// `swift_key` (secret).
public struct MittenConfiguration: Sendable, Equatable {
    /// The keys the original required for cloud work, in its order.
    public static let cloudKeys = ["openstack_auth_url", "openstack_tenant", "openstack_username", "openstack_api_key", "swift_uri", "swift_username", "swift_key"]
    /// Keys whose values are secrets.
    public static let secretKeys: Set<String> = ["openstack_api_key", "swift_key"]

    /// The file read, or nil when none existed.
    public var path: String?
    /// Known keys' values.
    public var credentials: [String: String] = [:]
    /// Every other key, for tasks.
    public var options: [String: String] = [:]

    /// An empty configuration (no file).
    public init() {}

    /// `~/.power_mitten`.
    public static func defaultPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        (environment["HOME"] ?? NSHomeDirectory()) + "/.power_mitten"
    }

    /// Loads `path`. A missing file is fine unless `required` (an explicit `--configuration`).
    /// A malformed file is an error naming the file and line. A file holding secrets that
    /// group or others can read gets a warning on `logger`.
    public static func load(path: String, required: Bool = false, logger: Logger) throws -> MittenConfiguration {
        guard let (node, text) = try YAMLFile.read(path: path) else {
            if required { throw RuntimeError(.configuration, "\(path): no such file; --configuration must name a readable file") }
            return MittenConfiguration()
        }
        var configuration = try parse(node, text: text, path: path)
        configuration.path = path
        var info = stat()
        if stat(path, &info) == 0, info.st_mode & 0o044 != 0, configuration.credentials.keys.contains(where: secretKeys.contains) {
            logger.warning("\(path) holds secrets but is readable by group or others; run `chmod 600 \(path)`")
        }
        return configuration
    }

    /// Parses a document (exposed for tests).
    public static func parse(_ text: String, path: String) throws -> MittenConfiguration {
        var configuration = try parse(try YAMLFile.compose(text, path: path), text: text, path: path)
        configuration.path = path
        return configuration
    }

    private static func parse(_ node: Node?, text: String, path: String) throws -> MittenConfiguration {
        var configuration = MittenConfiguration()
        guard let node else { return configuration }
        guard let mapping = node.mapping else { throw YAMLFile.error(path, node, "expected a mapping of keys to values") }
        for (key, value) in mapping {
            guard let name = key.scalar?.string else { throw YAMLFile.error(path, key, "keys must be plain strings") }
            guard let scalar = value.scalar?.string else { throw YAMLFile.error(path, value, "the value of \(name) must be a single value, not a list or mapping") }
            if cloudKeys.contains(name) {
                configuration.credentials[name] = scalar
            } else {
                configuration.options[name] = scalar
            }
        }
        return configuration
    }

    /// Throws `missing KEY in FILE` for the first cloud key that is absent.
    public func requireCloudCredentials() throws {
        for key in Self.cloudKeys where credentials[key]?.isEmpty ?? true {
            throw RuntimeError(.configuration, "missing \(key) in \(path ?? "~/.power_mitten")")
        }
    }
}
