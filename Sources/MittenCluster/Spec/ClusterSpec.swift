/// The cluster file (`mitten.yaml`), validated: what a cluster is made of and what
/// runs on it. Built by ``ClusterSpec/load(path:environment:)`` or
/// ``ClusterSpec/parse(_:file:keyLoader:)``; see docs/cluster-file.md.
public struct ClusterSpec: Sendable {
    /// The default TCP port of Control's RPC server on the Control VM.
    public static let defaultControlPort = 7647

    /// The file this spec was read from, as shown in messages.
    public var file: String
    /// The cluster's name: names its keypair and security group and tags its VMs.
    public var name: String
    /// Which cloud to talk to.
    public var cloud: CloudReference
    /// The image every VM boots from.
    public var image: ImageSpec
    /// The network the VMs attach to (nil: the cloud's default).
    public var network: String?
    /// The user's SSH key: the public half is imported as a keypair, the private half
    /// logs in for the bootstrap.
    public var sshKey: SSHKeySpec
    /// The TCP port of Control's RPC server.
    public var controlPort: Int
    /// Security groups and their rules, in file order.
    public var securityGroups: [SecurityGroupSpec]
    /// Node groups (the original's `cluster:` list), in file order; Control is one of them.
    public var nodeGroups: [NodeGroup]
    /// The task types the VMs run (the runtime's task file `tasks:`).
    public var tasks: [TaskDefinition]
    /// The `tasks:` list exactly as written, re-emitted for the VMs' task file.
    public var tasksYAML: String
    /// Extra configuration passed to tasks (`config:`), as YAML text; empty when absent.
    public var configYAML: String

    /// The node group that runs Control.
    public var controlGroup: NodeGroup {
        nodeGroups.first { $0.isControl }!  // parse() guarantees exactly one
    }

    /// The worker node groups, in file order.
    public var workerGroups: [NodeGroup] { nodeGroups.filter { !$0.isControl } }

    /// The name of the keypair mitten imports for this cluster.
    public var keypairName: String { "mitten-\(name)" }

    /// The name of the security group mitten creates so that members reach Control.
    public var clusterSecurityGroupName: String { "mitten-\(name)" }

    /// The server metadata key and value that mark a VM as this cluster's.
    public var membershipMetadata: (key: String, value: String) { ("mitten_cluster", name) }
}

/// Which cloud a cluster file names.
public enum CloudReference: Sendable, Hashable, CustomStringConvertible {
    /// A cloud from clouds.yaml, by name.
    case cloudsYAML(String)
    /// The credentials of `~/.power_mitten`, as the original used them.
    case powerMitten
    /// mitten's local cloud on loopback.
    case local

    /// The name as written in the cluster file.
    public var description: String {
        switch self {
        case .cloudsYAML(let name): name
        case .powerMitten: "power_mitten"
        case .local: "local"
        }
    }
}

/// The image the VMs boot and the user that logs in to it.
public struct ImageSpec: Sendable, Hashable {
    /// The image's name in the image service.
    public var name: String
    /// The user SSH logs in as (e.g. `debian`, `ubuntu`).
    public var loginUser: String
}

/// The user's SSH key pair.
public struct SSHKeySpec: Sendable, Hashable {
    /// The public key (ed25519).
    public var publicKey: SSHPublicKey
    /// The path of the private key file (expanded `~`).
    public var privateKeyPath: String
}

/// A security group and its ingress rules.
public struct SecurityGroupSpec: Sendable, Hashable {
    /// The group's name.
    public var name: String
    /// Its ingress rules.
    public var rules: [SecurityRule]
}

/// One ingress rule, in the original's `protocol`/`cidr`/`from`/`to` terms.
public struct SecurityRule: Sendable, Hashable, CustomStringConvertible {
    /// Where traffic may come from.
    public enum Source: Sendable, Hashable {
        /// An address range.
        case cidr(String)
        /// Members of the group itself (a remote-group rule).
        case members
    }
    /// `tcp`, `udp` or `icmp`.
    public var `protocol`: String
    /// Where traffic may come from.
    public var source: Source
    /// First port (or ICMP type); nil for all.
    public var from: Int?
    /// Last port (or ICMP code); nil for all.
    public var to: Int?

    /// Creates a rule.
    public init(protocol: String, source: Source, from: Int?, to: Int?) {
        self.protocol = `protocol`
        self.source = source
        self.from = from
        self.to = to
    }

    /// e.g. `tcp 22-22 from 0.0.0.0/0`.
    public var description: String {
        let ports = from.map { "\($0)-\(to ?? $0)" } ?? "all"
        switch source {
        case .cidr(let cidr): return "\(`protocol`) \(ports) from \(cidr)"
        case .members: return "\(`protocol`) \(ports) from members"
        }
    }
}

/// A node group: `count` VMs of one flavor named `NAME-INDEX`.
public struct NodeGroup: Sendable, Hashable {
    /// The group's name, the prefix of its VMs' names and what picks their task type.
    public var name: String
    /// The flavor its VMs boot with.
    public var flavor: String
    /// How many VMs the group should have.
    public var count: Int
    /// The line of the cluster file that declared it.
    public var line: Int

    /// True for the group that runs Control.
    public var isControl: Bool { name.lowercased() == "control" }
}

/// One task type of the cluster file, as far as provisioning needs to know it. The
/// VMs get the `tasks:` list verbatim (``ClusterSpec/tasksYAML``) and parse it with
/// the runtime's own task file reader.
public struct TaskDefinition: Sendable, Hashable {
    /// The task type's name.
    public var name: String
    /// The command line workers run.
    public var command: [String]
    /// Workers per vCPU (default 1).
    public var cpuMultiplier: Double
    /// Upper bound on workers per VM (nil: unlimited).
    public var maximumWorkers: Int?
    /// Companion services Control starts before the task's workers.
    public var services: [Companion]

    /// A companion service: its kind (Queue, Mutex, Statistics, Store) and name.
    public struct Companion: Sendable, Hashable {
        /// The service kind.
        public var kind: String
        /// The service's name.
        public var name: String
        /// Creates a companion.
        public init(kind: String, name: String) { self.kind = kind; self.name = name }
    }
}
