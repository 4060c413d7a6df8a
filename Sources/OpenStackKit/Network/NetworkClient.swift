import Foundation
import NIOHTTP1

/// Neutron (network API v2.0): networks, security groups and rules, ports, floating
/// IPs. Get one from `OpenStackClient.network`.
public struct NetworkClient: Sendable {
    let client: OpenStackClient
    static let service = "network"

    init(client: OpenStackClient) { self.client = client }

    func decode<T: Decodable>(_ type: T.Type, _ path: String, method: HTTPMethod = .GET, query: [(String, String)] = [],
                              body: [UInt8]? = nil) async throws -> T {
        try await client.decode(type, service: Self.service, method: method, path: "/v2.0" + path, query: query, body: body)
    }

    /// Networks, optionally only those named `name` or only external ones.
    public func networks(named name: String? = nil, external: Bool? = nil) async throws -> [Network] {
        var query: [(String, String)] = []
        if let name { query.append(("name", name)) }
        if let external { query.append(("router:external", external ? "true" : "false")) }
        return try await decode(NetworkList.self, "/networks", query: query).networks
            .filter { name == nil || $0.name == name }
    }

    /// The one network named `name`; `notFound` (listing the names) or `conflict` when
    /// several share the name.
    public func network(named name: String) async throws -> Network {
        let found = try await networks(named: name)
        if found.count == 1 { return found[0] }
        if found.count > 1 {
            throw OpenStackError(code: .conflict, message: "\(found.count) networks are named \"\(name)\"; use a network id (\(found.map(\.id).joined(separator: ", ")))",
                                 service: Self.service)
        }
        let all = try await networks().map(\.name).sorted()
        throw OpenStackError(code: .notFound, message: "no network named \"\(name)\"; networks: \(all.isEmpty ? "none" : all.joined(separator: ", "))",
                             service: Self.service)
    }

    /// Security groups, optionally by name.
    public func securityGroups(named name: String? = nil) async throws -> [SecurityGroup] {
        try await decode(SecurityGroupList.self, "/security-groups", query: name.map { [("name", $0)] } ?? []).securityGroups
            .filter { name == nil || $0.name == name }
    }

    /// The security group named `name`, created (with `description`) if missing.
    public func ensureSecurityGroup(named name: String, description: String = "") async throws -> SecurityGroup {
        if let existing = try await securityGroups(named: name).first { return existing }
        return try await createSecurityGroup(named: name, description: description)
    }

    /// Creates a security group named `name` (Neutron allows several of one name: call
    /// this for a group known to be missing, else ``ensureSecurityGroup(named:description:)``).
    public func createSecurityGroup(named name: String, description: String = "") async throws -> SecurityGroup {
        let body = try OpenStackClient.encode(SecurityGroupCreateRequest(securityGroup: .init(name: name, description: description)))
        return try await decode(SecurityGroupEnvelope.self, "/security-groups", method: .POST, body: body).securityGroup
    }

    /// Deletes a security group.
    public func deleteSecurityGroup(id: String) async throws {
        _ = try await client.send(service: Self.service, method: .DELETE, path: "/v2.0/security-groups/\(id)")
    }

    /// The rules of security group `groupID`.
    public func securityGroupRules(groupID: String) async throws -> [SecurityGroupRule] {
        try await decode(SecurityGroupRuleList.self, "/security-group-rules", query: [("security_group_id", groupID)]).securityGroupRules
    }

    /// Creates `rule` idempotently: when Neutron answers 409 because an identical rule
    /// exists, that rule is returned instead of an error.
    public func createSecurityGroupRule(_ rule: SecurityGroupRule) async throws -> SecurityGroupRule {
        var request = rule
        request.id = nil
        let body = try OpenStackClient.encode(SecurityGroupRuleEnvelope(securityGroupRule: request))
        do {
            return try await decode(SecurityGroupRuleEnvelope.self, "/security-group-rules", method: .POST, body: body).securityGroupRule
        } catch let error as OpenStackError where error.status == 409 {
            if let existing = try await securityGroupRules(groupID: rule.securityGroupID).first(where: { $0.isSameRule(as: request) }) {
                return existing
            }
            throw error
        }
    }

    /// The ports of server `serverID`.
    public func ports(ofServer serverID: String) async throws -> [Port] {
        try await decode(PortList.self, "/ports", query: [("device_id", serverID)]).ports
    }

    /// Allocates a floating IP from external network `networkID`. Not retried after it
    /// may have reached Neutron (a retry could allocate two).
    public func allocateFloatingIP(networkID: String) async throws -> FloatingIP {
        let body = try OpenStackClient.encode(FloatingIPUpdateRequest(floatingIP: .init(floatingNetworkID: networkID)))
        return try await decode(FloatingIPEnvelope.self, "/floatingips", method: .POST, body: body).floatingIP
    }

    /// Associates floating IP `id` with the (first) port of server `serverID`.
    public func associateFloatingIP(id: String, toServer serverID: String) async throws -> FloatingIP {
        guard let port = try await ports(ofServer: serverID).first else {
            throw OpenStackError(code: .notFound, message: "server \(serverID) has no port to attach a floating IP to; is it on a network?",
                                 service: Self.service)
        }
        let body = try OpenStackClient.encode(FloatingIPUpdateRequest(floatingIP: .init(portID: port.id)))
        return try await decode(FloatingIPEnvelope.self, "/floatingips/\(id)", method: .PUT, body: body).floatingIP
    }

    /// Disassociates floating IP `id` (it stays allocated to the project).
    public func disassociateFloatingIP(id: String) async throws -> FloatingIP {
        let body = try OpenStackClient.encode(FloatingIPUpdateRequest(floatingIP: .init(portID: nil)))
        return try await decode(FloatingIPEnvelope.self, "/floatingips/\(id)", method: .PUT, body: body).floatingIP
    }

    /// Releases floating IP `id` back to the pool. One already gone is not an error.
    public func releaseFloatingIP(id: String) async throws {
        do {
            _ = try await client.send(service: Self.service, method: .DELETE, path: "/v2.0/floatingips/\(id)")
        } catch let error as OpenStackError where error.status == 404 {}
    }

    /// The floating IPs associated with server `serverID`'s ports.
    public func floatingIPs(ofServer serverID: String) async throws -> [FloatingIP] {
        var found: [FloatingIP] = []
        for port in try await ports(ofServer: serverID) {
            found += try await decode(FloatingIPList.self, "/floatingips", query: [("port_id", port.id)]).floatingIPs
        }
        return found
    }
}

extension OpenStackClient {
    /// The network (Neutron) client.
    public var network: NetworkClient { NetworkClient(client: self) }
}
