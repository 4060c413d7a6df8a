import Foundation
import Testing
import Yams
@testable import MittenCluster

@Suite struct CloudInitTests {
    let workspace = ClusterWorkspace(directory: Fixtures.temporaryDirectory())

    @Test func embeddedTemplatesMatchTheTemplatesFolder() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("templates")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".mustache") }
        #expect(Set(files) == Set(EmbeddedTemplates.byName.keys), "run scripts/embed-templates")
        for file in files {
            let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
            #expect(text == EmbeddedTemplates.byName[file]! + "\n", "\(file) differs from its embedded copy: run scripts/embed-templates")
        }
    }

    /// Parses rendered user-data as YAML and returns the write_files by path.
    func writeFiles(_ userData: String) throws -> (Node, [String: (content: String, permissions: String)]) {
        #expect(userData.hasPrefix("#cloud-config\n"))
        let root = try #require(try Yams.compose(yaml: userData))
        var files: [String: (String, String)] = [:]
        for entry in root["write_files"]?.array() ?? [] {
            files[entry["path"]!.string!] = (entry["content"]!.string!, entry["permissions"]!.string!)
        }
        return (root, files)
    }

    @Test(arguments: [
        ("Control-1", "Control", nil as String?),
        ("Lister-1", "Lister", "127.0.0.5:7647"),
        ("Checksummer-12", "Checksummer", "10.0.0.3:7647"),
    ])
    func rendersEveryNodeKind(_ node: String, _ role: String, _ control: String?) throws {
        let spec = try Fixtures.spec()
        let data = try spec.bootData(node: node, controlAddress: control ?? "ignored:1", workspace: workspace)
        #expect(data.role == role)
        let text = try UserDataRenderer().render(data)
        let (root, files) = try writeFiles(text)

        let secret = try workspace.secret()
        #expect(files["/etc/mitten/secret"]?.content == secret + "\n")
        #expect(files["/etc/mitten/secret"]?.permissions == "0600")
        #expect(files["/etc/mitten/control"]?.content == control.map { $0 + "\n" })
        #expect(files["/etc/mitten/control"].map { $0.permissions == "0600" } ?? true)
        #expect(files["/etc/mitten/node"]?.content == node + "\n")
        // The task file the VM gets parses back to the same task types.
        let taskFile = try VMTaskFile.parse(try #require(files["/etc/mitten/mitten.yaml"]?.content), file: "vm")
        #expect(taskFile.tasks == spec.tasks)
        #expect(taskFile.cluster == "checksums" && taskFile.controlPort == 7647)
        #expect(files["/etc/mitten/config.yaml"]?.content.contains("root: /data") == true)
        let unit = try #require(files["/etc/systemd/system/mitten.service"]?.content)
        #expect(unit.contains("ExecStart=/usr/local/bin/mitten startup\n"))
        #expect(unit.contains("Restart=always") && unit.contains("RestartPreventExitStatus=78"))
        let start = try #require(files["/etc/mitten/start.sh"])
        #expect(start.permissions == "0755")
        #expect(start.content.contains("systemctl enable mitten") && start.content.contains("MITTEN_DAEMONIZED=1 setsid") && start.content.contains("startup --daemon"))
        #expect(start.content.contains("${MITTEN_ROOT:-${MITTEN_SERVER_ROOT:-}}"))
        // The host key cloud-init installs is the one the workspace keeps for this node.
        let hostKey = try workspace.hostKey(for: node)
        #expect(root["ssh_keys"]?["ed25519_private"]?.string == hostKey.openSSHPrivateKey)
        #expect(root["ssh_keys"]?["ed25519_public"]?.string == hostKey.publicLine)
        #expect(root["ssh_authorized_keys"]?.array().first?.string == Fixtures.userKey.publicLine)
        #expect(root["runcmd"]?.array().count == 1)
    }

    @Test func maskedRenderingHidesSecretsOnly() throws {
        let spec = try Fixtures.spec()
        let data = try spec.bootData(node: "Lister-1", controlAddress: "127.0.0.5:7647", workspace: workspace)
        let masked = try UserDataRenderer().render(data, maskSecrets: true)
        let secret = try workspace.secret()
        #expect(!masked.contains(secret))
        #expect(!masked.contains("BEGIN OPENSSH PRIVATE KEY"))
        #expect(masked.contains("masked, --show-secrets shows it"))
        #expect(masked.contains(data.hostKey.publicLine))
        _ = try writeFiles(masked)
    }

    @Test func aNameMatchingNoTaskTypeIsRefused() throws {
        let spec = try Fixtures.spec()
        #expect(throws: ClusterError.self) { try spec.bootData(node: "Nobody-1", controlAddress: "x:1", workspace: workspace) }
    }

    @Test func theWorkspaceKeepsSecretAndHostKeysStable() throws {
        let first = try workspace.secret()
        #expect(first.count == 64)
        #expect(try workspace.secret() == first)
        let key = try workspace.hostKey(for: "Lister-1")
        #expect(try workspace.hostKey(for: "Lister-1").publicLine == key.publicLine)
        #expect(try workspace.hostKey(for: "Lister-2").publicLine != key.publicLine)
        let mode = try FileManager.default.attributesOfItem(atPath: workspace.directory + "/secret")[.posixPermissions] as? NSNumber
        #expect(mode?.intValue == 0o600)
    }

    @Test func aLooseSecretFileIsRefused() throws {
        _ = try workspace.secret()
        chmod(workspace.directory + "/secret", 0o644)
        #expect { try workspace.secret() } throws: { ($0 as? ClusterError)?.message.contains("chmod 600") == true }
    }
}
