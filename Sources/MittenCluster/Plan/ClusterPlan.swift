/// What `plan` and `up` would do to make the cloud match a cluster file, computed
/// from the cloud's current state without touching anything.
public struct ClusterPlan: Sendable, Hashable {
    /// One change the provisioner carries out, in order.
    public enum Action: Sendable, Hashable, CustomStringConvertible {
        /// Import the user's public key under `name`.
        case importKeypair(name: String, publicKey: SSHPublicKey)
        /// Create a security group.
        case createSecurityGroup(name: String)
        /// Add an ingress rule to a security group.
        case createRule(group: String, rule: SecurityRule)
        /// Delete a server of the cluster that is in ERROR, so that it is replaced.
        case deleteFailedServer(CloudState.Server)
        /// Boot a VM.
        case boot(BootRequest)

        /// True for a security group rule (it needs its group to exist first).
        public var isRule: Bool {
            if case .createRule = self { true } else { false }
        }

        /// One line for `plan`'s output.
        public var description: String {
            switch self {
            case .importKeypair(let name, let key): "import keypair \(name) (\(key.sha256Fingerprint))"
            case .createSecurityGroup(let name): "create security group \(name)"
            case .createRule(let group, let rule): "add rule \(rule) to security group \(group)"
            case .deleteFailedServer(let server):
                "delete \(server.name) (\(server.status)\(server.fault.map { ": \($0)" } ?? "")) so that it is replaced"
            case .boot(let request): "boot \(request.name) (\(request.role), flavor \(request.flavor.name), image \(request.imageName))"
            }
        }
    }

    /// One VM to boot.
    public struct BootRequest: Sendable, Hashable {
        /// `GROUP-INDEX`.
        public var name: String
        /// The node group it belongs to.
        public var group: String
        /// Its index within the group.
        public var index: Int
        /// The task type its name selects.
        public var role: String
        /// Its flavor.
        public var flavor: CloudState.Flavor
        /// The image's id and name.
        public var imageID: String, imageName: String
        /// The security groups it joins (the file's groups and the cluster's own).
        public var securityGroups: [String]
        /// True for Control, which boots first.
        public var isControl: Bool { role == "Control" }
    }

    /// The changes, in the order the provisioner carries them out: keypair, security
    /// groups and rules, failed servers, then Control's boot before the workers'.
    public var actions: [Action]
    /// What already matches the file and is left alone, one line each.
    public var leftAlone: [String]
    /// Warnings that change nothing (e.g. more VMs than the file asks for).
    public var notes: [String]
    /// This cluster's servers that exist and are not failed.
    public var existingServers: [CloudState.Server]

    /// The VMs the plan boots, Control first.
    public var boots: [BootRequest] {
        actions.compactMap { if case .boot(let request) = $0 { request } else { nil } }
    }

    /// True when the cloud already matches the file.
    public var isEmpty: Bool { actions.isEmpty }

    /// `plan`'s text: what would be created or changed, and what is left alone.
    public var report: String {
        var lines: [String] = []
        let created = actions.filter { if case .deleteFailedServer = $0 { false } else { true } }
        let changed = actions.filter { if case .deleteFailedServer = $0 { true } else { false } }
        lines.append(created.isEmpty ? "create: nothing" : "create:")
        lines += created.map { "  + \($0)" }
        if !changed.isEmpty {
            lines.append("change:")
            lines += changed.map { "  ~ \($0)" }
        }
        lines.append(leftAlone.isEmpty ? "leave alone: nothing" : "leave alone:")
        lines += leftAlone.map { "  = \($0)" }
        lines += notes.map { "note: \($0)" }
        return lines.joined(separator: "\n")
    }
}
