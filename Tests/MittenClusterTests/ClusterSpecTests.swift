import Foundation
import Testing
@testable import MittenCluster

@Suite struct ClusterSpecTests {
    @Test func parsesTheExampleShape() throws {
        let spec = try Fixtures.spec()
        #expect(spec.name == "checksums")
        #expect(spec.cloud == .local)
        #expect(spec.image == ImageSpec(name: "debian-12", loginUser: "debian"))
        #expect(spec.network == "private")
        #expect(spec.sshKey.privateKeyPath == "/home/u/.ssh/id_ed25519")
        #expect(spec.controlPort == 7647)
        #expect(spec.nodeGroups.map(\.name) == ["Control", "Lister", "Checksummer"])
        #expect(spec.nodeGroups.map(\.count) == [1, 1, 3])
        #expect(spec.controlGroup.name == "Control")
        #expect(spec.tasks.map(\.name) == ["Lister", "Checksummer"])
        #expect(spec.tasks[0].command == ["/bin/sh", "-c", "find /data -type f | mitten queue push files"])
        #expect(spec.tasks[0].services == [TaskDefinition.Companion(kind: "Queue", name: "files")])
        #expect(spec.tasks[0].maximumWorkers == 1)
        #expect(spec.tasks[1].command == ["mitten", "queue", "work", "files"])
        #expect(spec.tasks[1].cpuMultiplier == 2)
        #expect(spec.securityGroups == [SecurityGroupSpec(name: "ssh", rules: [SecurityRule(protocol: "tcp", source: .cidr("0.0.0.0/0"), from: 22, to: 22)])])
        #expect(spec.configYAML.contains("root: /data"))
        #expect(spec.tasksYAML.contains("name: Checksummer"))
    }

    @Test(arguments: [
        ("cloud", "cloud: openstack-prod", CloudReference.cloudsYAML("openstack-prod")),
        ("cloud", "cloud: power_mitten", CloudReference.powerMitten),
        ("cloud", "cloud: local", CloudReference.local),
    ])
    func cloudReferences(_ key: String, _ line: String, _ expected: CloudReference) throws {
        let text = Fixtures.clusterFile().replacingOccurrences(of: "cloud: local", with: line)
        #expect(try Fixtures.spec(text).cloud == expected)
    }

    /// Each case breaks one thing; the error must name the file, the line and the key
    /// and say what was expected.
    @Test(arguments: [
        ("name: checksums", "name: bad_name!", "mitten.yaml:1: `name`: expected letters, digits and -"),
        ("  login_user: debian\n", "", "mitten.yaml:3: `image.login_user`: missing; expected the user SSH logs in as"),
        ("{name: Lister, flavor: m1.small, count: 1}", "{name: Lister, flavor: m1.small, count: two}",
         "mitten.yaml:15: `cluster[1].count`: expected a whole number, found \"two\""),
        ("{name: Lister, flavor: m1.small, count: 1}", "{name: Lister, flavor: m1.small, count: -1}",
         "mitten.yaml:15: `cluster[1].count`: expected a whole number from 0 to 10000, found -1"),
        ("{name: Control, flavor: m1.small, count: 1}", "{name: Control, flavor: m1.small, count: 2}",
         "mitten.yaml:14: `cluster[0].count`: expected 1: a cluster has exactly one Control"),
        ("{name: Lister, flavor: m1.small, count: 1}", "{name: Listerine, flavor: m1.small, count: 1}",
         "mitten.yaml:15: `cluster[1].name`: node group Listerine matches no task type; expected one of: Control, Lister, Checksummer"),
        ("{name: Lister, flavor: m1.small, count: 1}", "{name: Lister, flavour: m1.small, count: 1}",
         "mitten.yaml:15: `cluster[1].flavour`: unknown key; expected one of: count, flavor, name"),
        ("  - {name: Control, flavor: m1.small, count: 1}\n", "",
         "`cluster`: expected a node group named Control with count 1"),
        ("protocol: tcp", "protocol: sctp", "mitten.yaml:12: `security_groups.ssh[0].protocol`: expected tcp, udp or icmp, found \"sctp\""),
        ("cidr: 0.0.0.0/0", "cidr: everywhere", "mitten.yaml:12: `security_groups.ssh[0].cidr`: expected an address range"),
        ("from: 22, to: 22", "from: 22, to: 21", "mitten.yaml:12: `security_groups.ssh[0].to`: expected a port not below `from` (22), found 21"),
        ("    cpu_multiplier: 2", "    cpu_multiplier: 0", "mitten.yaml:24: `tasks[1].cpu_multiplier`: expected a number greater than 0, found \"0\""),
        ("    maximum_workers: 1", "    maximum_workers: lots", "mitten.yaml:20: `tasks[0].maximum_workers`: expected a whole number, found \"lots\""),
        ("  - name: Checksummer\n", "  - name: Lister\n", "mitten.yaml:22: `tasks[1].name`: task type Lister is declared twice"),
        ("  - name: Checksummer\n", "  - name: control\n", "mitten.yaml:22: `tasks[1].name`: Control is built in"),
        ("    command: [mitten, queue, work, files]", "    command: []", "mitten.yaml:23: `tasks[1].command`: expected at least the program to run"),
        ("    command: [mitten, queue, work, files]", "    command: mitten queue work", "mitten.yaml:23: `tasks[1].command`: expected the command line as a list (argv)"),
        ("{kind: Queue, name: files}", "{kind: Queue}", "mitten.yaml:21: `tasks[0].services[0].name`: missing; expected the service's name"),
        ("image:\n", "imag:\n", "mitten.yaml:3: `imag`: unknown key; expected one of:"),
        ("network: private", "network: [a, b]", "mitten.yaml:6: `network`: expected a text value, found a list"),
        ("cluster:\n", "control_port: 99999\ncluster:\n", "mitten.yaml:13: `control_port`: expected a whole number from 1 to 65534, found 99999"),
        ("name: checksums", "name: [checksums", "mitten.yaml: not valid YAML: line"),
    ])
    func invalidFilesSayWhereAndWhat(_ original: String, _ replacement: String, _ expected: String) {
        let text = Fixtures.clusterFile().replacingOccurrences(of: original, with: replacement)
        #expect(text != Fixtures.clusterFile(), "the case must change the file")
        do {
            _ = try Fixtures.spec(text)
            Issue.record("expected an error containing \(expected)")
        } catch let error as ClusterError {
            #expect(error.code == .invalidClusterFile)
            #expect(error.message.contains(expected), "\(error.message)")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func rsaKeysAreRefusedWithTheReason() {
        let rsa = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7 user@host"
        let text = Fixtures.clusterFile().replacingOccurrences(of: Fixtures.userKey.publicLine, with: rsa)
        #expect {
            try Fixtures.spec(text)
        } throws: { error in
            guard let error = error as? ClusterError else { return false }
            return error.code == .unsupportedKey && error.message.contains("libssh2 1.10")
                && error.message.contains("mitten.yaml:8") && error.message.contains("ssh-keygen -t ed25519")
        }
    }

    @Test func publicKeyFromAFileAndPrivatePathFromIt() throws {
        let text = Fixtures.clusterFile()
            .replacingOccurrences(of: "  public: \(Fixtures.userKey.publicLine)\n  private: ~/.ssh/id_ed25519", with: "  public: ~/.ssh/cluster.pub")
        let spec = try ClusterSpec.parse(text, file: "mitten.yaml", home: "/home/u") { path in
            #expect(path == "/home/u/.ssh/cluster.pub")
            return Fixtures.userKey.publicLine + "\n"
        }
        #expect(spec.sshKey.publicKey == (try SSHPublicKey(line: Fixtures.userKey.publicLine, source: "test")))
        #expect(spec.sshKey.privateKeyPath == "/home/u/.ssh/cluster")
    }

    @Test func anUnreadableKeyFileIsNamed() {
        let text = Fixtures.clusterFile()
            .replacingOccurrences(of: "  public: \(Fixtures.userKey.publicLine)", with: "  public: /nowhere/key.pub")
        #expect {
            try Fixtures.spec(text)
        } throws: { error in
            (error as? ClusterError)?.message.contains("mitten.yaml:8: `ssh_key.public`: cannot read the public key file /nowhere/key.pub") == true
        }
    }
}

@Suite struct ExampleClusterFileTests {
    /// examples/cluster.yaml stays valid (its key path is read from a generated key here).
    @Test func theExampleParses() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("examples/cluster.yaml").path
        let spec = try ClusterSpec.parse(try String(contentsOfFile: path, encoding: .utf8), file: path, home: "/home/u") { keyPath in
            #expect(keyPath == "/home/u/.ssh/id_ed25519.pub")
            return Fixtures.userKey.publicLine
        }
        #expect(spec.cloud == .local)
        #expect(spec.nodeGroups.map(\.name) == ["Control", "Lister", "Checksummer"])
        #expect(spec.tasks.map(\.name) == ["Lister", "Checksummer"])
        #expect(spec.sshKey.privateKeyPath == "/home/u/.ssh/id_ed25519")
    }
}
