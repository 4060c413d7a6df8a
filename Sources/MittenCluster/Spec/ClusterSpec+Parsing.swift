import Foundation
import Yams

extension ClusterSpec {
    /// Reads and validates a cluster file. `environment` supplies `HOME` for `~` paths.
    public static func load(path: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> ClusterSpec {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ClusterError(.unreadableFile, "cannot read the cluster file \(path): \(error.localizedDescription); pass another with -f")
        }
        let home = environment["HOME"] ?? NSHomeDirectory()
        let base = (path as NSString).deletingLastPathComponent
        return try parse(text, file: path, home: home) { keyPath in
            let full = keyPath.hasPrefix("/") ? keyPath : (base.isEmpty ? keyPath : base + "/" + keyPath)
            return try String(contentsOfFile: full, encoding: .utf8)
        }
    }

    /// Validates cluster file text. `readFile` reads the public key file (injected so
    /// tests need no files); paths starting with `~/` are expanded with `home`.
    public static func parse(
        _ text: String,
        file: String,
        home: String = NSHomeDirectory(),
        readFile: (String) throws -> String
    ) throws -> ClusterSpec {
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: text) else {
                throw ClusterError(.invalidClusterFile, "\(file):1: the file is empty; expected a mapping with name, cloud, image, ssh_key, cluster and tasks")
            }
            root = node
        } catch let error as YamlError {
            throw ClusterError(.invalidClusterFile, "\(file): not valid YAML: \(Self.describe(error))")
        }
        let top = try YAMLReader(file: file, path: "", node: root).mapping(allowed: [
            "name", "cloud", "image", "network", "ssh_key", "control_port", "security_groups", "cluster", "tasks", "config",
        ])

        let nameReader = try top.required("name", "the cluster's name (letters, digits and -)")
        let name = try nameReader.string()
        guard name.range(of: "^[A-Za-z0-9][A-Za-z0-9-]{0,62}$", options: .regularExpression) != nil else {
            throw nameReader.error("expected letters, digits and - (at most 63, not starting with -), found \(nameReader.found)")
        }

        let cloudReader = try top.required("cloud", "a clouds.yaml cloud name, power_mitten or local")
        let cloudName = try cloudReader.string()
        let cloud: CloudReference = switch cloudName {
        case "local": .local
        case "power_mitten": .powerMitten
        default: .cloudsYAML(cloudName)
        }

        let imageMap = try top.required("image", "a mapping with name and login_user").mapping(allowed: ["name", "login_user"])
        let image = ImageSpec(
            name: try imageMap.required("name", "the image's name").string(),
            loginUser: try imageMap.required("login_user", "the user SSH logs in as, e.g. debian").string()
        )
        let network = try top.optional("network")?.string()
        let sshKey = try parseSSHKey(try top.required("ssh_key", "a mapping with public (and private)"), home: home, readFile: readFile)
        let controlPort = try top.optional("control_port")?.int(in: 1...65534) ?? defaultControlPort
        let securityGroups = try top.optional("security_groups").map(parseSecurityGroups) ?? []
        let (tasks, tasksYAML) = try parseTasks(try top.required("tasks", "a list of task types"))
        let clusterReader = try top.required("cluster", "a list of node groups {name, flavor, count}")
        let groups = try parseNodeGroups(clusterReader, tasks: tasks)
        let configYAML = try top.optional("config").map { reader -> String in
            _ = try reader.mapping(allowed: nil)
            return try Yams.serialize(node: reader.node)
        } ?? ""

        return ClusterSpec(
            file: file, name: name, cloud: cloud, image: image, network: network, sshKey: sshKey,
            controlPort: controlPort, securityGroups: securityGroups, nodeGroups: groups,
            tasks: tasks, tasksYAML: tasksYAML, configYAML: configYAML
        )
    }

    private static func describe(_ error: YamlError) -> String {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _), .composer(_, let problem, let mark, _):
            return "line \(mark.line), column \(mark.column): \(problem)"
        default:
            return "\(error)"
        }
    }

    private static func expand(_ path: String, home: String) -> String {
        path.hasPrefix("~/") ? home + path.dropFirst(1) : path
    }

    private static func parseSSHKey(_ reader: YAMLReader, home: String, readFile: (String) throws -> String) throws -> SSHKeySpec {
        let map = try reader.mapping(allowed: ["public", "private"])
        let publicReader = try map.required("public", "an ed25519 public key line or the path of a .pub file")
        let value = try publicReader.string()
        let line: String
        var publicPath: String?
        if value.hasPrefix("ssh-") || value.hasPrefix("ecdsa-") || value.hasPrefix("rsa-") {
            line = value
        } else {
            let path = expand(value, home: home)
            publicPath = path
            do {
                line = try readFile(path)
            } catch {
                throw publicReader.error("cannot read the public key file \(path); expected an ed25519 public key line or a readable .pub file")
            }
        }
        let key: SSHPublicKey
        do {
            key = try SSHPublicKey(line: line, source: "\(reader.file):\(publicReader.line): `\(publicReader.path)`")
        }
        let privatePath: String
        if let privateReader = map.optional("private") {
            privatePath = expand(try privateReader.string(), home: home)
        } else if let publicPath, publicPath.hasSuffix(".pub") {
            privatePath = String(publicPath.dropLast(4))
        } else {
            throw reader.error("missing `private`; expected the path of the private key file (needed for the SSH bootstrap)")
        }
        return SSHKeySpec(publicKey: key, privateKeyPath: privatePath)
    }

    private static func parseSecurityGroups(_ reader: YAMLReader) throws -> [SecurityGroupSpec] {
        let map = try reader.mapping(allowed: nil)
        return try map.entries.map { entry in
            let groupReader = YAMLReader(file: reader.file, path: "security_groups.\(entry.key)", node: entry.value, line: entry.line)
            let rules = try groupReader.list().map(parseRule)
            return SecurityGroupSpec(name: entry.key, rules: rules)
        }
    }

    private static func parseRule(_ reader: YAMLReader) throws -> SecurityRule {
        let map = try reader.mapping(allowed: ["protocol", "cidr", "from", "to"])
        let protocolReader = try map.required("protocol", "tcp, udp or icmp")
        let proto = try protocolReader.string().lowercased()
        guard ["tcp", "udp", "icmp"].contains(proto) else {
            throw protocolReader.error("expected tcp, udp or icmp, found \(protocolReader.found)")
        }
        let cidrReader = try map.required("cidr", "an address range such as 0.0.0.0/0")
        let cidr = try cidrReader.string()
        guard cidr.range(of: #"^[0-9A-Fa-f:.]+/[0-9]{1,3}$"#, options: .regularExpression) != nil else {
            throw cidrReader.error("expected an address range such as 10.0.0.0/8, found \(cidrReader.found)")
        }
        let range = proto == "icmp" ? -1...255 : 1...65535
        let from = try map.optional("from")?.int(in: range)
        let to = try map.optional("to")?.int(in: range)
        if let from, let to, to < from, let toReader = map.optional("to") {
            throw toReader.error("expected a port not below `from` (\(from)), found \(to)")
        }
        return SecurityRule(protocol: proto, source: .cidr(cidr), from: from, to: to ?? from)
    }
}
