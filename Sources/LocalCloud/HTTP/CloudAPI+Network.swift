import Foundation

extension CloudAPI {
    /// Neutron v2.0: networks, subnets, ports (read-only), security groups and rules,
    /// floating IPs, extensions.
    func network(_ request: APIRequest) async throws -> APIResponse {
        guard request.path.first == "v2.0" else { throw APIFault(.network, 404, "The resource could not be found.") }
        var path = Array(request.path.dropFirst())
        if let last = path.last, last.hasSuffix(".json") { path[path.count - 1] = String(last.dropLast(5)) }
        let projectID = credentials.projectID, resources = store.resources
        func list(_ key: String, _ items: [[String: Any]]) -> APIResponse {
            .object([key: paginate(NeutronWire.filter(items, query: request.query), request)])
        }
        func one(_ key: String, _ items: [[String: Any]], id: String, type: String, message: String) throws -> APIResponse {
            guard let item = items.first(where: { ($0["id"] as? String) == id }) else { throw APIFault(.network, 404, message, neutronType: type) }
            return .object([key: item])
        }
        switch (request.method, routeShape(path)) {
        case ("GET", "extensions"): return .object(["extensions": NeutronWire.extensions])
        case ("GET", "networks"): return list("networks", resources.networks.map { NeutronWire.network($0, projectID: projectID) })
        case ("GET", "networks/*"):
            let id = path[1]
            return try one("network", resources.networks.map { NeutronWire.network($0, projectID: projectID) }, id: id,
                           type: "NetworkNotFound", message: "Network \(id) could not be found.")
        case ("GET", "subnets"): return list("subnets", resources.networks.map { NeutronWire.subnet($0, projectID: projectID) })
        case ("GET", "subnets/*"):
            let id = path[1]
            return try one("subnet", resources.networks.map { NeutronWire.subnet($0, projectID: projectID) }, id: id,
                           type: "SubnetNotFound", message: "Subnet \(id) could not be found.")
        case ("GET", "ports"), ("GET", "ports/*"):
            let ports = await store.read { $0.ports.values.sorted { $0.created < $1.created } }.map { NeutronWire.port($0, projectID: projectID) }
            if path.count == 1 { return list("ports", ports) }
            return try one("port", ports, id: path[1], type: "PortNotFound", message: "Port \(path[1]) could not be found.")
        case (_, "security-groups"), (_, "security-groups/*"): return try await securityGroups(request, path: path)
        case (_, "security-group-rules"), (_, "security-group-rules/*"): return try await securityGroupRules(request, path: path)
        case (_, "floatingips"), (_, "floatingips/*"): return try await floatingIPs(request, path: path)
        default: throw APIFault(.network, 404, "The resource could not be found.")
        }
    }

    private func securityGroups(_ request: APIRequest, path: [String]) async throws -> APIResponse {
        let projectID = credentials.projectID
        let (groups, rules) = await store.read { (Array($0.securityGroups.values).sorted { $0.created < $1.created }, Array($0.securityGroupRules.values)) }
        let rendered = groups.map { NeutronWire.securityGroup($0, rules: rules, projectID: projectID) }
        switch (request.method, path.count) {
        case ("GET", 1): return .object(["security_groups": paginate(NeutronWire.filter(rendered, query: request.query), request)])
        case ("GET", 2):
            guard let group = rendered.first(where: { ($0["id"] as? String) == path[1] }) else {
                throw APIFault(.network, 404, "Security group \(path[1]) does not exist", neutronType: "SecurityGroupNotFound")
            }
            return .object(["security_group": group])
        case ("POST", 1):
            let spec = try request.jsonObject()["security_group"] as? [String: Any] ?? [:]
            guard let name = spec["name"] as? String, name.count <= 255 else {
                throw APIFault(.network, 400, "Invalid input for operation: 'name' is required.", neutronType: "HTTPBadRequest")
            }
            let group = SecurityGroupRecord(id: newUUID(), name: name, description: spec["description"] as? String ?? "", created: Date())
            let egress = ["IPv4", "IPv6"].map {
                SecurityGroupRuleRecord(id: newUUID(), securityGroupID: group.id, direction: "egress", ethertype: $0, proto: nil, portRangeMin: nil,
                                        portRangeMax: nil, remoteIPPrefix: nil, remoteGroupID: nil, description: "", created: Date())
            }
            try await store.mutate { state in
                state.securityGroups[group.id] = group
                for rule in egress { state.securityGroupRules[rule.id] = rule }
            }
            return .object(["security_group": NeutronWire.securityGroup(group, rules: egress, projectID: projectID)], status: 201)
        case ("DELETE", 2):
            let id = path[1]
            try await store.mutate { state in
                guard let group = state.securityGroups[id] else {
                    throw APIFault(.network, 404, "Security group \(id) does not exist", neutronType: "SecurityGroupNotFound")
                }
                if group.name == "default" { throw APIFault(.network, 409, "Removing default security group not allowed.", neutronType: "SecurityGroupCannotRemoveDefault") }
                if state.ports.values.contains(where: { $0.securityGroupIDs.contains(id) }) {
                    throw APIFault(.network, 409, "Security Group \(id) in use.", neutronType: "SecurityGroupInUse")
                }
                state.securityGroups[id] = nil
                state.securityGroupRules = state.securityGroupRules.filter { $0.value.securityGroupID != id }
            }
            return .empty(204)
        default: throw APIFault(.network, 405, "The method is not allowed for the requested URL.")
        }
    }

    private func securityGroupRules(_ request: APIRequest, path: [String]) async throws -> APIResponse {
        let projectID = credentials.projectID
        switch (request.method, path.count) {
        case ("GET", 1), ("GET", 2):
            let rules = await store.read { $0.securityGroupRules.values.sorted { $0.created < $1.created } }.map { NeutronWire.rule($0, projectID: projectID) }
            if path.count == 1 { return .object(["security_group_rules": paginate(NeutronWire.filter(rules, query: request.query), request)]) }
            guard let rule = rules.first(where: { ($0["id"] as? String) == path[1] }) else {
                throw APIFault(.network, 404, "Security group rule \(path[1]) does not exist", neutronType: "SecurityGroupRuleNotFound")
            }
            return .object(["security_group_rule": rule])
        case ("POST", 1):
            let spec = try request.jsonObject()["security_group_rule"] as? [String: Any] ?? [:]
            let rule = try parseRule(spec)
            let stored = try await store.mutate { state -> SecurityGroupRuleRecord in
                guard state.securityGroups[rule.securityGroupID] != nil else {
                    throw APIFault(.network, 404, "Security group \(rule.securityGroupID) does not exist", neutronType: "SecurityGroupNotFound")
                }
                if let existing = state.securityGroupRules.values.first(where: { $0.sameTraffic(as: rule) }) {
                    throw APIFault(.network, 409, "Security group rule already exists. Rule id is \(existing.id).", neutronType: "SecurityGroupRuleExists")
                }
                state.securityGroupRules[rule.id] = rule
                return rule
            }
            return .object(["security_group_rule": NeutronWire.rule(stored, projectID: projectID)], status: 201)
        case ("DELETE", 2):
            let removed = try await store.mutate { $0.securityGroupRules.removeValue(forKey: path[1]) != nil }
            guard removed else { throw APIFault(.network, 404, "Security group rule \(path[1]) does not exist", neutronType: "SecurityGroupRuleNotFound") }
            return .empty(204)
        default: throw APIFault(.network, 405, "The method is not allowed for the requested URL.")
        }
    }

    private func parseRule(_ spec: [String: Any]) throws -> SecurityGroupRuleRecord {
        func bad(_ message: String) -> APIFault { APIFault(.network, 400, "Invalid input for operation: \(message)", neutronType: "InvalidInput") }
        guard let group = spec["security_group_id"] as? String else { throw bad("'security_group_id' is required.") }
        let direction = spec["direction"] as? String ?? ""
        guard ["ingress", "egress"].contains(direction) else { throw bad("direction must be ingress or egress, not '\(direction)'.") }
        let ethertype = spec["ethertype"] as? String ?? "IPv4"
        guard ["IPv4", "IPv6"].contains(ethertype) else { throw bad("ethertype must be IPv4 or IPv6.") }
        let proto = (spec["protocol"] as? String).map { $0.lowercased() } ?? (spec["protocol"] as? Int).map(String.init)
        if let proto, !["tcp", "udp", "icmp", "icmpv6", "any"].contains(proto), Int(proto) == nil {
            throw APIFault(.network, 400, "Security group rule protocol \(proto) not supported.", neutronType: "SecurityGroupRuleInvalidProtocol")
        }
        let low = spec["port_range_min"] as? Int, high = spec["port_range_max"] as? Int
        if let low, let high, low > high, proto != "icmp" {
            throw APIFault(.network, 400, "For TCP/UDP protocols, port_range_min must be <= port_range_max", neutronType: "SecurityGroupInvalidPortRange")
        }
        let prefix = spec["remote_ip_prefix"] as? String
        if let prefix, prefix.split(separator: "/").count > 2 || prefix.isEmpty { throw bad("'\(prefix)' is not a valid IP subnet.") }
        return SecurityGroupRuleRecord(id: newUUID(), securityGroupID: group, direction: direction, ethertype: ethertype,
                                       proto: proto == "any" ? nil : proto, portRangeMin: low, portRangeMax: high, remoteIPPrefix: prefix,
                                       remoteGroupID: spec["remote_group_id"] as? String, description: spec["description"] as? String ?? "",
                                       created: Date())
    }
}
