import Foundation

/// Nova's response bodies (compute api-ref), rendered from the cloud's records for a
/// given microversion. They are written as api-ref JSON rather than through
/// OpenStackKit's models on purpose: the cloud must render fields OpenStackKit does not
/// model (python-openstackclient reads `OS-EXT-*`, `progress`, `hostId`, ...) and accept
/// request shapes mitten never sends. Both clients are checked against it: mitten's
/// OpenStackKit models by every `cluster` test, python-openstackclient by
/// `OpenStackClientTests`.
enum NovaWire {
    static func link(_ base: String, _ kind: String, _ id: String) -> [[String: Any]] {
        [["rel": "self", "href": "\(base)/compute/v2.1/\(kind)/\(id)"], ["rel": "bookmark", "href": "\(base)/compute/\(kind)/\(id)"]]
    }

    static func flavor(_ flavor: FixedResources.Flavor, base: String, detail: Bool, version: Microversion) -> [String: Any] {
        var body: [String: Any] = ["id": flavor.id, "name": flavor.name, "links": link(base, "flavors", flavor.id)]
        guard detail else { return body }
        body["vcpus"] = flavor.vcpus
        body["ram"] = flavor.ram
        body["disk"] = flavor.disk
        body["swap"] = version.minor >= 75 ? 0 : ""
        body["OS-FLV-EXT-DATA:ephemeral"] = 0
        body["OS-FLV-DISABLED:disabled"] = false
        body["os-flavor-access:is_public"] = true
        body["rxtx_factor"] = 1.0
        if version.minor >= 55 { body["description"] = NSNull() }
        if version.minor >= 61 { body["extra_specs"] = [String: String]() }
        return body
    }

    static func server(_ server: ServerRecord, resources: FixedResources, projectID: String, userID: String,
                       floating: [FloatingIPRecord], port: PortRecord?, base: String, version: Microversion) -> [String: Any] {
        var addresses: [[String: Any]] = []
        let mac = port?.macAddress ?? "fa:16:3e:00:00:00"
        addresses.append(["version": 4, "addr": server.address, "OS-EXT-IPS:type": "fixed", "OS-EXT-IPS-MAC:mac_addr": mac])
        for ip in floating { addresses.append(["version": 4, "addr": ip.address, "OS-EXT-IPS:type": "floating", "OS-EXT-IPS-MAC:mac_addr": mac]) }
        let flavor = resources.flavor(server.flavorID)
        var flavorBody: [String: Any] = ["id": server.flavorID, "links": link(base, "flavors", server.flavorID)]
        if version.minor >= 47, let flavor {
            flavorBody = ["original_name": flavor.name, "vcpus": flavor.vcpus, "ram": flavor.ram, "disk": flavor.disk,
                          "ephemeral": 0, "swap": 0, "extra_specs": [String: String]()]
        }
        let vmState = ["ACTIVE": "active", "BUILD": "building", "ERROR": "error", "SHUTOFF": "stopped"][server.status] ?? "active"
        var body: [String: Any] = [
            "id": server.id, "name": server.name, "status": server.status, "tenant_id": projectID, "user_id": userID,
            "metadata": server.metadata, "hostId": String(randomHexStable(projectID).prefix(56)),
            "image": ["id": server.imageID, "links": link(base, "images", server.imageID)], "flavor": flavorBody,
            "created": openStackTime(server.created), "updated": openStackTime(server.updated),
            "addresses": ["private": addresses], "accessIPv4": "", "accessIPv6": "",
            "links": link(base, "servers", server.id), "OS-DCF:diskConfig": "MANUAL",
            "OS-EXT-AZ:availability_zone": "nova", "config_drive": "", "key_name": orNull(server.keyName),
            "OS-SRV-USG:launched_at": orNull(server.launched.map { openStackTime($0) }), "OS-SRV-USG:terminated_at": NSNull(),
            "security_groups": server.securityGroups.map { ["name": $0] },
            "OS-EXT-STS:task_state": orNull(server.taskState), "OS-EXT-STS:vm_state": vmState,
            "OS-EXT-STS:power_state": server.status == "ACTIVE" ? 1 : 0, "os-extended-volumes:volumes_attached": [Any](),
        ]
        if server.status == "BUILD" || server.status == "ACTIVE" { body["progress"] = server.status == "ACTIVE" ? 100 : 0 }
        if let fault = server.fault, server.status == "ERROR" {
            body["fault"] = ["code": fault.code, "message": fault.message, "details": fault.details, "created": openStackTime(fault.created)]
        }
        if version.minor >= 9 { body["locked"] = false }
        if version.minor >= 19 { body["description"] = NSNull() }
        if version.minor >= 26 { body["tags"] = [String]() }
        if version.minor >= 63 { body["trusted_image_certificates"] = NSNull() }
        if version.minor >= 71 { body["server_groups"] = server.serverGroupID.map { [$0] } ?? [] }
        if version.minor >= 73 { body["locked_reason"] = NSNull() }
        return body
    }

    static func keypair(_ keypair: KeypairRecord, userID: String, version: Microversion, full: Bool) -> [String: Any] {
        var body: [String: Any] = ["name": keypair.name, "public_key": keypair.publicKey, "fingerprint": keypair.fingerprint]
        if version.minor >= 2 { body["type"] = keypair.type }
        if full {
            body["user_id"] = userID
            body["created_at"] = openStackTime(keypair.created)
            body["deleted"] = false
            body["deleted_at"] = NSNull()
            body["updated_at"] = NSNull()
            body["id"] = abs(keypair.name.hashValue % 100_000)
        }
        return body
    }

    static func serverGroup(_ group: ServerGroupRecord, projectID: String, userID: String, version: Microversion) -> [String: Any] {
        var body: [String: Any] = ["id": group.id, "name": group.name, "members": group.members]
        if version.minor >= 64 {
            body["policy"] = group.policy
            body["rules"] = [String: Any]()
        } else {
            body["policies"] = [group.policy]
            body["metadata"] = [String: String]()
        }
        if version.minor >= 13 {
            body["project_id"] = projectID
            body["user_id"] = userID
        }
        return body
    }
}

/// A stable hex string derived from `seed` (Nova's hostId is a hash of project and host).
func randomHexStable(_ seed: String) -> String {
    var hash: UInt64 = 1_469_598_103_934_665_603
    return (0..<8).map { round -> String in
        for byte in (seed + String(round)).utf8 { hash = (hash ^ UInt64(byte)) &* 1_099_511_628_211 }
        return String(format: "%016llx", hash)
    }.joined()
}

/// The value, or JSON null.
func orNull<T>(_ value: T?) -> Any { value.map { $0 as Any } ?? NSNull() }
