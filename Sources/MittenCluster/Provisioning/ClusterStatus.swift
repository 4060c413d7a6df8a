import Foundation

/// What `mitten cluster status` shows: one row per VM of the cluster with its role,
/// cloud status, flavor and addresses, plus the runtime's view (services registered
/// from that VM) when Control answers.
public struct ClusterStatus: Sendable, Codable, Hashable {
    /// One VM.
    public struct Row: Sendable, Codable, Hashable {
        public var name: String
        public var role: String
        public var status: String
        public var flavor: String
        public var addresses: [String]
        /// Services registered with Control from this VM (nil: Control not asked or unreachable).
        public var registered: [String]?
        /// Nova's fault message for a VM in ERROR.
        public var fault: String?
    }

    /// The cluster's name.
    public var cluster: String
    /// The VMs, Control first, then by group order and index.
    public var rows: [Row]
    /// Groups that have fewer VMs than the file asks for: `name: have/want`.
    public var missing: [String]

    /// Builds the status from the cloud's listing; `registered` maps a VM's address to
    /// the names of services registered from it.
    public init(spec: ClusterSpec, state: CloudState, registered: [String: [String]]? = nil) {
        let members = state.servers.filter { $0.metadata[spec.membershipMetadata.key] == spec.name }
        let order = [spec.controlGroup.name.lowercased()] + spec.workerGroups.map { $0.name.lowercased() }
        func sortKey(_ server: CloudState.Server) -> (Int, Int, String) {
            let parts = server.name.split(separator: "-")
            let group = parts.dropLast().joined(separator: "-").lowercased()
            return (order.firstIndex(of: group) ?? order.count, Int(parts.last ?? "") ?? 0, server.name)
        }
        let sorted = members.sorted { sortKey($0) < sortKey($1) }
        self.cluster = spec.name
        self.rows = sorted.map { server in
            Row(
                name: server.name,
                role: spec.role(ofNode: server.name) ?? "?",
                status: server.status,
                flavor: server.flavorName ?? state.flavors.first { $0.id == server.flavorID }?.name ?? server.flavorID ?? "?",
                addresses: server.addresses,
                registered: registered.map { table in server.addresses.flatMap { table[$0] ?? [] } },
                fault: server.fault
            )
        }
        self.missing = spec.nodeGroups.compactMap { group in
            let have = sorted.filter { !$0.isFailed && RoleMatching.taskType(forServerName: $0.name, among: [group.name]) != nil }.count
            return have < group.count ? "\(group.name): \(have)/\(group.count)" : nil
        }
    }

    /// What the table shows of a VM's registered services: their names while they are
    /// short, else how many (`--json` always lists the names).
    static func summary(of names: [String]) -> String {
        if names.isEmpty { return "-" }
        let joined = names.sorted().joined(separator: ",")
        return joined.count <= 40 ? joined : "\(names.count) services"
    }

    /// A text table with columns sized to their widest entry.
    public var table: String {
        let header = ["NAME", "ROLE", "STATUS", "FLAVOR", "ADDRESSES", "REGISTERED"]
        let body = rows.map { row in
            [row.name, row.role, row.status + (row.fault.map { " (\($0))" } ?? ""), row.flavor,
             row.addresses.joined(separator: ","), row.registered.map { Self.summary(of: $0) } ?? "?"]
        }
        let widths = header.indices.map { column in ([header] + body).map { $0[column].count }.max() ?? 0 }
        let lines = ([header] + body).map { cells in
            zip(cells, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }.joined(separator: "  ")
                .replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
        }
        let summary = missing.isEmpty ? [] : ["missing: " + missing.joined(separator: ", ")]
        return (lines + summary).joined(separator: "\n")
    }
}
