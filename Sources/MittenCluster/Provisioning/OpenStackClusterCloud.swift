import Foundation
import Logging
import OpenStackKit

/// ``ClusterCloud`` on a real OpenStack (or mitten's local cloud) through OpenStackKit:
/// Nova for flavors, servers, keypairs and limits, Neutron for security groups and
/// floating IPs, Glance for images. OpenStackKit's transport retries 413/429 after
/// `Retry-After`, renews tokens, and counts requests.
public struct OpenStackClusterCloud: ClusterCloud {
    let client: OpenStackClient
    let spec: ClusterSpec
    /// Ids found or created during this run (network and security groups by name), so
    /// that each costs one lookup, not one per server or rule.
    private let ids = IDCache()

    /// A cloud for `spec`, talking through `client`.
    public init(client: OpenStackClient, spec: ClusterSpec) {
        self.client = client
        self.spec = spec
    }

    public func state() async throws -> CloudState {
        async let flavors = client.compute.flavors()
        async let images = client.image.images()
        async let limits = client.compute.limits()
        async let servers = client.compute.servers()
        async let groups = client.network.securityGroups()
        // The network's id is needed by every create: looked up here, alongside the
        // listing, rather than before the first create. A failure here is ignored (`down`
        // must work without the network); the create looks again and reports it.
        async let networkID = try? resolveNetwork()
        // The compute version document, alongside the listing (the listing's reads do not
        // wait for it; the creates that follow do).
        async let microversion = try? client.compute.microversion()
        let keypair: CloudState.Keypair?
        do {
            let found = try await client.compute.keypair(named: spec.keypairName)
            keypair = CloudState.Keypair(name: found.name, fingerprint: found.fingerprint ?? "")
        } catch let error as OpenStackError where error.status == 404 {
            keypair = nil
        }
        let flavorList = try await flavors
        var securityGroups: [CloudState.SecurityGroup] = []
        for group in try await groups {
            let rules: [SecurityGroupRule]
            if let embedded = group.rules {
                rules = embedded
            } else {
                rules = try await client.network.securityGroupRules(groupID: group.id)
            }
            securityGroups.append(.init(id: group.id, name: group.name, rules: rules.filter { $0.direction == "ingress" }.map {
                .init(protocol: $0.protocol, portMin: $0.portRangeMin, portMax: $0.portRangeMax, remoteIPPrefix: $0.remoteIPPrefix, remoteGroupID: $0.remoteGroupID)
            }))
        }
        let absolute = try await limits
        _ = await networkID
        _ = await microversion
        return CloudState(
            flavors: flavorList.map { .init(id: $0.id, name: $0.name, vcpus: $0.vcpus, ramMB: $0.ram) },
            images: try await images.map { .init(id: $0.id, name: $0.name ?? $0.id) },
            keypairs: keypair.map { [$0] } ?? [],
            securityGroups: securityGroups,
            servers: try await servers.map(Self.server),
            limits: .init(
                maxInstances: absolute.maxTotalInstances, usedInstances: absolute.totalInstancesUsed ?? 0,
                maxCores: absolute.maxTotalCores, usedCores: absolute.totalCoresUsed ?? 0,
                maxRAMMB: absolute.maxTotalRAMSize, usedRAMMB: absolute.totalRAMUsed ?? 0
            )
        )
    }

    static func server(_ server: Server) -> CloudState.Server {
        let addresses = server.addresses.keys.sorted().flatMap { network in
            (server.addresses[network] ?? []).sorted { ($0.type ?? "fixed") < ($1.type ?? "fixed") }.map(\.addr)
        }
        return .init(id: server.id, name: server.name, status: server.status, metadata: server.metadata,
                     fault: server.fault?.message, addresses: addresses, flavorID: server.flavor?.id,
                     flavorName: server.flavor?.originalName)
    }

    public func importKeypair(name: String, publicKey: SSHPublicKey) async throws {
        _ = try await client.compute.importKeypair(name: name, publicKey: publicKey.line)
    }

    public func createSecurityGroup(name: String) async throws {
        // The plan asks only for groups the listing did not show: no second lookup.
        let group = try await client.network.createSecurityGroup(named: name, description: "mitten cluster \(spec.name)")
        await ids.set("security-group/" + name, group.id)
    }

    public func createRule(group: String, rule: SecurityRule) async throws {
        let groupID: String
        if let known = await ids.get("security-group/" + group) {
            groupID = known
        } else {
            guard let found = try await client.network.securityGroups(named: group).first else {
                throw ClusterError(.cloudFailure, "security group \(group) vanished while mitten was adding a rule to it")
            }
            groupID = found.id
            await ids.set("security-group/" + group, found.id)
        }
        let remote: (String?, String?) = switch rule.source {
        case .cidr(let cidr): (cidr, nil)
        case .members: (nil, groupID)
        }
        _ = try await client.network.createSecurityGroupRule(SecurityGroupRule(
            securityGroupID: groupID, ethertype: remote.0?.contains(":") == true ? "IPv6" : "IPv4",
            protocol: rule.protocol, portRangeMin: rule.from, portRangeMax: rule.to,
            remoteIPPrefix: remote.0, remoteGroupID: remote.1
        ))
    }

    public func createServer(
        _ request: ClusterPlan.BootRequest, userData: RenderedUserData, metadata: [String: String], keyName: String, network: String?
    ) async throws -> String {
        var networks: ServerCreate.Networks?
        if network != nil, let id = try await resolveNetwork() {
            networks = .list([.init(uuid: id)])
        }
        let created = try await client.compute.createServer(ServerCreateRequest(server: ServerCreate(
            name: request.name, imageRef: request.imageID, flavorRef: request.flavor.id, keyName: keyName,
            securityGroups: request.securityGroups, networks: networks, metadata: metadata, userData: userData.base64
        )))
        return created.id
    }

    /// The id of the cluster file's network (nil: none named), looked up once per run.
    @discardableResult
    private func resolveNetwork() async throws -> String? {
        guard let network = spec.network else { return nil }
        if let known = await ids.get("network/" + network) { return known }
        let id = try await client.network.network(named: network).id
        await ids.set("network/" + network, id)
        return id
    }

    public func servers() async throws -> [CloudState.Server] {
        try await client.compute.servers().map(Self.server)
    }

    public func server(id: String) async throws -> CloudState.Server {
        Self.server(try await client.compute.server(id: id))
    }

    public func deleteServer(id: String) async throws {
        try await client.compute.deleteServer(id: id)
    }

    public func releaseFloatingIPs(serverID: String) async throws -> [String] {
        var released: [String] = []
        for address in try await client.network.floatingIPs(ofServer: serverID) {
            try await client.network.releaseFloatingIP(id: address.id)
            released.append(address.floatingIPAddress)
        }
        return released
    }
}

/// Names resolved to ids during one run.
private actor IDCache {
    private var ids: [String: String] = [:]
    func get(_ key: String) -> String? { ids[key] }
    func set(_ key: String, _ id: String) { ids[key] = id }
}
