import Foundation

/// Neutron v2.0 response bodies (network api-ref), rendered from the cloud's records.
enum NeutronWire {
    static func common(_ id: String, projectID: String, created: Date) -> [String: Any] {
        ["id": id, "project_id": projectID, "tenant_id": projectID, "created_at": openStackTime(created),
         "updated_at": openStackTime(created), "revision_number": 1, "tags": [String](), "description": ""]
    }

    static func network(_ network: FixedResources.Network, projectID: String) -> [String: Any] {
        var body = common(network.id, projectID: projectID, created: Date(timeIntervalSince1970: 1_767_225_600))
        body.merge(["name": network.name, "status": "ACTIVE", "admin_state_up": true, "shared": false, "router:external": network.external,
                    "subnets": [network.subnetID], "mtu": 1500, "port_security_enabled": true, "availability_zones": ["nova"],
                    "availability_zone_hints": [String](), "ipv4_address_scope": NSNull(), "ipv6_address_scope": NSNull(),
                    "is_default": network.external, "provider:network_type": "local"]) { $1 }
        return body
    }

    static func subnet(_ network: FixedResources.Network, projectID: String) -> [String: Any] {
        var body = common(network.subnetID, projectID: projectID, created: Date(timeIntervalSince1970: 1_767_225_600))
        body.merge(["name": network.subnetName, "network_id": network.id, "cidr": network.cidr, "ip_version": 4,
                    "gateway_ip": network.gateway, "allocation_pools": [["start": network.poolStart, "end": network.poolEnd]],
                    "enable_dhcp": !network.external, "dns_nameservers": [String](), "host_routes": [Any](),
                    "ipv6_ra_mode": NSNull(), "ipv6_address_mode": NSNull(), "subnetpool_id": NSNull(), "service_types": [String]()]) { $1 }
        return body
    }

    static func port(_ port: PortRecord, projectID: String) -> [String: Any] {
        var body = common(port.id, projectID: projectID, created: port.created)
        body.merge(["name": "", "network_id": port.networkID, "mac_address": port.macAddress, "status": "ACTIVE", "admin_state_up": true,
                    "fixed_ips": [["subnet_id": port.subnetID, "ip_address": port.address]], "device_id": port.deviceID,
                    "device_owner": "compute:nova", "security_groups": port.securityGroupIDs, "binding:vnic_type": "normal",
                    "port_security_enabled": true, "allowed_address_pairs": [Any](), "extra_dhcp_opts": [Any]()]) { $1 }
        return body
    }

    static func rule(_ rule: SecurityGroupRuleRecord, projectID: String) -> [String: Any] {
        var body = common(rule.id, projectID: projectID, created: rule.created)
        body.merge(["security_group_id": rule.securityGroupID, "direction": rule.direction, "ethertype": rule.ethertype,
                    "protocol": orNull(rule.proto), "port_range_min": orNull(rule.portRangeMin), "port_range_max": orNull(rule.portRangeMax),
                    "remote_ip_prefix": orNull(rule.remoteIPPrefix), "remote_group_id": orNull(rule.remoteGroupID),
                    "remote_address_group_id": NSNull(), "normalized_cidr": orNull(rule.remoteIPPrefix), "description": rule.description]) { $1 }
        return body
    }

    static func securityGroup(_ group: SecurityGroupRecord, rules: [SecurityGroupRuleRecord], projectID: String) -> [String: Any] {
        var body = common(group.id, projectID: projectID, created: group.created)
        body.merge(["name": group.name, "description": group.description, "stateful": true, "shared": false,
                    "security_group_rules": rules.filter { $0.securityGroupID == group.id }.map { rule($0, projectID: projectID) }]) { $1 }
        return body
    }

    static func floatingIP(_ ip: FloatingIPRecord, networkID: String, projectID: String) -> [String: Any] {
        var body = common(ip.id, projectID: projectID, created: ip.created)
        body.merge(["floating_ip_address": ip.address, "floating_network_id": networkID, "router_id": orNull(ip.portID.map { _ in "local-router" }),
                    "port_id": orNull(ip.portID), "fixed_ip_address": orNull(ip.fixedAddress),
                    "status": ip.portID == nil ? "DOWN" : "ACTIVE", "description": ip.description, "port_details": NSNull(),
                    "port_forwardings": [Any](), "dns_domain": "", "dns_name": "", "qos_policy_id": NSNull(),
                    "updated_at": openStackTime(ip.updated)]) { $1 }
        return body
    }

    static var extensions: [[String: Any]] { [
        ("security-group", "security-group"), ("external-net", "Neutron external network"), ("router", "Neutron L3 Router"),
        ("quotas", "Quota management support"), ("port-security", "Port Security"), ("standard-attr-description", "standard-attr-description"),
        ("project-id", "project_id field enabled"),
    ].map { ["alias": $0.0, "name": $0.1, "description": $0.1, "updated": "2020-01-01T00:00:00-00:00", "links": [Any]()] } }

    /// Keeps the items whose top-level fields equal every filter in the query (Neutron's
    /// `?name=x&router:external=true` filtering); paging and field selection keys are ignored.
    static func filter(_ items: [[String: Any]], query: [String: String]) -> [[String: Any]] {
        let ignored: Set = ["limit", "marker", "fields", "sort_key", "sort_dir", "page_reverse"]
        return items.filter { item in
            query.allSatisfy { key, wanted in
                if ignored.contains(key) { return true }
                guard let value = item[key] else { return false }
                switch value {
                case let bool as Bool: return String(bool).lowercased() == wanted.lowercased()
                case is NSNull: return wanted.isEmpty || wanted == "None"
                case let list as [Any]: return list.contains { "\($0)" == wanted }
                default: return "\(value)" == wanted
                }
            }
        }
    }
}
