import Foundation
import Yams

/// The `clouds:` mappings of a `clouds.yaml` with its `secure.yaml` merged in.
struct CloudsConfiguration {
    var clouds: [String: Any]
    var sources: [String]

    /// Loads the first `clouds.yaml` (or `.yml`) found: `explicitFile` if given, else in
    /// `directories` in order; then the first `secure.yaml` found in `directories`,
    /// deep-merged over it (secure.yaml's values win, as in openstacksdk).
    static func load(directories: [String], explicitFile: String?) throws -> CloudsConfiguration {
        let candidates = (explicitFile.map { [$0] } ?? []) + directories.flatMap { ["\($0)/clouds.yaml", "\($0)/clouds.yml"] }
        var clouds: [String: Any] = [:]
        var sources: [String] = []
        if let path = candidates.first(where: { FileManager.default.fileExists(atPath: $0) }),
           let mapping = try YAMLFile.mapping(at: path) {
            clouds = mapping["clouds"] as? [String: Any] ?? [:]
            sources.append(path)
        }
        let secureCandidates = directories.flatMap { ["\($0)/secure.yaml", "\($0)/secure.yml"] }
        if let path = secureCandidates.first(where: { FileManager.default.fileExists(atPath: $0) }),
           let mapping = try YAMLFile.mapping(at: path) {
            clouds = YAMLFile.deepMerge(clouds, over: mapping["clouds"] as? [String: Any] ?? [:])
            sources.append(path)
        }
        return CloudsConfiguration(clouds: clouds, sources: sources)
    }

    /// The fields of cloud `name`: keys of its `auth:` mapping plus `auth_type`,
    /// `region_name`, `interface` and `identity_api_version`.
    func fields(forCloud name: String) throws -> CredentialFields {
        guard let cloud = clouds[name] as? [String: Any] else {
            let known = clouds.keys.sorted()
            let place = sources.isEmpty ? "no clouds.yaml was found (looked in ./, ~/.config/openstack/, /etc/openstack/)"
                : "\(sources.joined(separator: " + ")) has " + (known.isEmpty ? "no clouds" : "clouds: " + known.joined(separator: ", "))
            throw OpenStackError(code: .invalidCredentials, message: "cloud \"\(name)\" not found: \(place)", service: "identity")
        }
        var fields = CredentialFields()
        for (key, value) in cloud where key != "auth" {
            if let scalar = YAMLFile.scalar(value) { try fields.set(key: key, value: scalar) }
        }
        if let regions = cloud["regions"] as? [Any], fields.regionName == nil, let first = regions.first {
            fields.regionName = YAMLFile.scalar(first) ?? YAMLFile.scalar((first as? [String: Any])?["name"])
        }
        for (key, value) in cloud["auth"] as? [String: Any] ?? [:] {
            if let scalar = YAMLFile.scalar(value) { try fields.set(key: key, value: scalar) }
        }
        if let auth = cloud["auth"] as? [String: Any], let domain = YAMLFile.scalar(auth["domain_name"]) {
            fields.userDomainName = fields.userDomainName ?? domain
            fields.projectDomainName = fields.projectDomainName ?? domain
        }
        return fields
    }
}

/// Small helpers for reading YAML mappings with Yams.
enum YAMLFile {
    /// The top-level mapping of the YAML file at `path`, nil if the file does not exist.
    static func mapping(at path: String) throws -> [String: Any]? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw OpenStackError(code: .invalidCredentials, message: "cannot read \(path): \(error.localizedDescription)", underlying: error)
        }
        do {
            let loaded = try Yams.load(yaml: text)
            if loaded == nil { return [:] }
            guard let mapping = loaded as? [String: Any] else {
                throw OpenStackError(code: .invalidCredentials, message: "\(path) is not a YAML mapping")
            }
            return mapping
        } catch let error as OpenStackError {
            throw error
        } catch {
            throw OpenStackError(code: .invalidCredentials, message: "\(path) is not valid YAML: \(error)", underlying: error)
        }
    }

    /// A scalar YAML value as a string (numbers and booleans included).
    static func scalar(_ value: Any?) -> String? {
        switch value {
        case let string as String: return string
        case let int as Int: return String(int)
        case let double as Double: return String(double)
        case let bool as Bool: return String(bool)
        default: return nil
        }
    }

    /// `base` with `top` merged in, recursively for nested mappings; `top` wins.
    static func deepMerge(_ base: [String: Any], over top: [String: Any]) -> [String: Any] {
        var out = base
        for (key, value) in top {
            if let inner = value as? [String: Any], let existing = out[key] as? [String: Any] {
                out[key] = deepMerge(existing, over: inner)
            } else {
                out[key] = value
            }
        }
        return out
    }
}
