import Foundation
import Mustache

/// Renders a VM's cloud-init user-data from the templates compiled into the binary
/// (the same text as the repository's templates/ folder).
public struct UserDataRenderer: Sendable {
    /// The exit status `mitten startup` uses for a configuration it cannot run (a VM
    /// name that matches no task type); the systemd unit does not restart on it.
    public static let configurationExitStatus: Int32 = 78

    private let userData: MustacheTemplate
    private let unit: MustacheTemplate
    private let startScript: MustacheTemplate

    /// Parses the embedded templates.
    public init() throws {
        self.userData = try Self.template("user-data.mustache")
        self.unit = try Self.template("mitten.service.mustache")
        self.startScript = try Self.template("start.sh.mustache")
    }

    private static func template(_ name: String) throws -> MustacheTemplate {
        guard let text = EmbeddedTemplates.byName[name] else {
            throw ClusterError(.templateFailure, "template \(name) is not compiled in; run scripts/embed-templates")
        }
        do {
            return try MustacheTemplate(string: text)
        } catch {
            throw ClusterError(.templateFailure, "template \(name) does not parse: \(error)")
        }
    }

    /// The `#cloud-config` text for one VM. With `maskSecrets`, the cluster secret and
    /// the host's private key are replaced by a note saying they were masked.
    public func render(_ data: NodeBootData, maskSecrets: Bool = false) -> String {
        let common: [String: Any] = [
            "node": data.node, "role": data.role, "cluster": data.cluster,
            "configurationExitStatus": Int(Self.configurationExitStatus),
        ]
        let hostKey = maskSecrets ? "(the node's ed25519 host key: masked, --show-secrets shows it)" : data.hostKey.openSSHPrivateKey
        let secret = maskSecrets ? "(the cluster secret: masked, --show-secrets shows it)" : data.secret
        var values = common
        values["version"] = MittenClusterVersion.current
        values["hostKeyPrivate"] = Self.indent(hostKey, by: 4)
        values["hostKeyPublic"] = data.hostKey.publicLine
        values["authorizedKey"] = data.authorizedKey.line
        values["secret"] = secret
        if let control = data.controlAddress { values["controlAddress"] = control }
        values["taskFile"] = Self.indent(data.taskFile, by: 6)
        values["configFile"] = Self.indent(data.configFile.isEmpty ? "{}\n" : data.configFile, by: 6)
        values["unit"] = Self.indent(unit.render(common), by: 6)
        values["startScript"] = Self.indent(startScript.render(common), by: 6)
        return userData.render(values)
    }

    /// Indents every non-empty line by `width` spaces, for a YAML block scalar;
    /// drops the final newline (the template's own line break ends the block).
    static func indent(_ text: String, by width: Int) -> String {
        let pad = String(repeating: " ", count: width)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        while lines.last?.isEmpty == true { lines.removeLast() }
        return lines.map { $0.isEmpty ? "" : pad + $0 }.joined(separator: "\n")
    }
}

/// The version rendered files mention; kept equal to `MittenRuntime.version` by a test.
public enum MittenClusterVersion {
    /// The version string.
    public static let current = "0.1.0"
}
