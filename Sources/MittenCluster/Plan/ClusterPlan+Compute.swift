import Foundation

extension ClusterPlan {
    /// Computes the plan for `spec` against the cloud's `state`. Missing flavors or
    /// image, a keypair of the same name with another key, and a quota the new VMs
    /// would exceed are errors, all found before anything is touched.
    public static func compute(spec: ClusterSpec, state: CloudState) throws -> ClusterPlan {
        var actions: [Action] = []
        var leftAlone: [String] = []
        var notes: [String] = []

        // Flavors and image up front, every missing one named at once.
        let missingFlavors = Set(spec.nodeGroups.map(\.flavor)).filter { name in !state.flavors.contains { $0.name == name || $0.id == name } }
        if !missingFlavors.isEmpty {
            let known = state.flavors.map(\.name).sorted().joined(separator: ", ")
            throw ClusterError(.missingFlavor, "\(spec.file): flavor \(missingFlavors.sorted().joined(separator: ", ")) does not exist in the cloud; it has: \(known.isEmpty ? "no flavors" : known)")
        }
        guard let image = state.images.first(where: { $0.name == spec.image.name }) ?? state.images.first(where: { $0.id == spec.image.name }) else {
            let known = state.images.map(\.name).sorted().joined(separator: ", ")
            throw ClusterError(.missingImage, "\(spec.file): image \(spec.image.name) does not exist in the cloud; it has: \(known.isEmpty ? "no images" : known)")
        }

        // Keypair: import, or check that the one of that name holds the same key.
        if let keypair = state.keypairs.first(where: { $0.name == spec.keypairName }) {
            guard keypair.fingerprint.lowercased() == spec.sshKey.publicKey.md5Fingerprint else {
                throw ClusterError(.keypairMismatch, "keypair \(spec.keypairName) exists with fingerprint \(keypair.fingerprint), but the key in \(spec.file) has \(spec.sshKey.publicKey.md5Fingerprint); delete that keypair (openstack keypair delete \(spec.keypairName)) or use its key")
            }
            leftAlone.append("keypair \(spec.keypairName) (\(spec.sshKey.publicKey.sha256Fingerprint))")
        } else {
            actions.append(.importKeypair(name: spec.keypairName, publicKey: spec.sshKey.publicKey))
        }

        // Security groups: the file's, then the cluster's own that opens every TCP port
        // between members: Control's RPC port and its binary relay (the next port), and the
        // shared services and task groups, which listen on ephemeral ports of their VMs.
        // Every RPC connection proves it knows the cluster secret before anything else.
        let clusterGroup = SecurityGroupSpec(
            name: spec.clusterSecurityGroupName,
            rules: [SecurityRule(protocol: "tcp", source: .members, from: 1, to: 65535)]
        )
        for group in spec.securityGroups + [clusterGroup] {
            guard let existing = state.securityGroups.first(where: { $0.name == group.name }) else {
                actions.append(.createSecurityGroup(name: group.name))
                actions += group.rules.map { .createRule(group: group.name, rule: $0) }
                continue
            }
            for rule in group.rules {
                if existing.rules.contains(where: { matches($0, rule, groupID: existing.id) }) {
                    leftAlone.append("rule \(rule) in security group \(group.name)")
                } else {
                    actions.append(.createRule(group: group.name, rule: rule))
                }
            }
            leftAlone.append("security group \(group.name)")
        }
        let groupNames = spec.securityGroups.map(\.name) + [clusterGroup.name]

        // Servers: count what exists per group, boot the rest after the highest index.
        var boots: [BootRequest] = []
        var existing: [CloudState.Server] = []
        for group in [spec.controlGroup] + spec.workerGroups {
            let pattern = "^" + NSRegularExpression.escapedPattern(for: group.name) + "-([0-9]+)$"
            let named = state.servers.compactMap { server -> (CloudState.Server, Int)? in
                guard server.name.range(of: pattern, options: .regularExpression) != nil else { return nil }
                let index = Int(server.name.split(separator: "-").last ?? "") ?? 0
                return (server, index)
            }
            let ours = named.filter { $0.0.metadata[spec.membershipMetadata.key] == spec.name }
            for (server, _) in ours where server.isFailed {
                actions.append(.deleteFailedServer(server))
            }
            let healthy = ours.filter { !$0.0.isFailed }.sorted { $0.1 < $1.1 }
            existing += healthy.map(\.0)
            leftAlone += healthy.map { "server \($0.0.name) (\($0.0.status))" }
            if healthy.count > group.count {
                notes.append("group \(group.name) has \(healthy.count) VMs, the file asks for \(group.count); `up` deletes none (delete by hand or run `down`)")
            }
            let flavor = state.flavors.first { $0.name == group.flavor } ?? state.flavors.first { $0.id == group.flavor }!
            var next = (named.map(\.1).max() ?? 0) + 1
            for _ in 0..<max(0, group.count - healthy.count) {
                let name = "\(group.name)-\(next)"
                boots.append(BootRequest(
                    name: name, group: group.name, index: next, role: spec.role(ofNode: name) ?? group.name,
                    flavor: flavor, imageID: image.id, imageName: image.name, securityGroups: groupNames
                ))
                next += 1
            }
        }
        try checkQuota(boots: boots, limits: state.limits)
        actions += boots.map(Action.boot)
        return ClusterPlan(actions: actions, leftAlone: leftAlone, notes: notes, existingServers: existing)
    }

    /// True when a rule Neutron has is the same as one the file asks for.
    static func matches(_ existing: CloudState.Rule, _ wanted: SecurityRule, groupID: String) -> Bool {
        guard existing.protocol?.lowercased() == wanted.protocol,
              existing.portMin == wanted.from, existing.portMax == wanted.to
        else { return false }
        switch wanted.source {
        case .cidr(let cidr):
            // Neutron treats "0.0.0.0/0" (and "::/0") and no prefix alike.
            func normal(_ prefix: String?) -> String? { prefix == "0.0.0.0/0" || prefix == "::/0" ? nil : prefix }
            return normal(existing.remoteIPPrefix) == normal(cidr) && existing.remoteGroupID == nil
        case .members: return existing.remoteGroupID == groupID
        }
    }

    /// Refuses a plan whose new VMs would exceed the instance, core or RAM quota.
    static func checkQuota(boots: [BootRequest], limits: CloudState.Limits) throws {
        let checks: [(String, Int?, Int, Int)] = [
            ("instances", limits.maxInstances, limits.usedInstances, boots.count),
            ("cores", limits.maxCores, limits.usedCores, boots.reduce(0) { $0 + $1.flavor.vcpus }),
            ("RAM (MB)", limits.maxRAMMB, limits.usedRAMMB, boots.reduce(0) { $0 + $1.flavor.ramMB }),
        ]
        let over = checks.compactMap { name, maximum, used, added -> String? in
            guard let maximum, maximum >= 0, used + added > maximum else { return nil }
            return "\(name): \(used) used + \(added) new > \(maximum) allowed"
        }
        if !over.isEmpty {
            throw ClusterError(.quotaExceeded, "the cluster does not fit the project's quota (\(over.joined(separator: "; "))); lower the counts or ask for more quota. Nothing was booted.")
        }
    }
}
