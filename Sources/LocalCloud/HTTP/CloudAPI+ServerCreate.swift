import Foundation

extension CloudAPI {
    /// `POST /servers`: validates like Nova, checks quotas, allocates an address and a
    /// port, records the server in BUILD and starts its boot.
    func createServer(_ request: APIRequest) async throws -> APIResponse {
        let body = try request.jsonObject()
        guard let spec = body["server"] as? [String: Any] else { throw APIFault(.compute, 400, "Invalid input for field/attribute server. Value: None. 'server' is a required property") }
        guard let name = spec["name"] as? String, !name.trimmingCharacters(in: .whitespaces).isEmpty, name.count <= 255 else {
            throw APIFault(.compute, 400, "Invalid input for field/attribute name. 'name' must be a non-empty string of at most 255 characters")
        }
        let resources = store.resources
        let flavorRef = spec["flavorRef"].map { "\($0)" } ?? ""
        guard let flavor = resources.flavor(flavorRef.split(separator: "/").last.map(String.init) ?? flavorRef) else {
            throw APIFault(.compute, 400, "Flavor \(flavorRef) could not be found.")
        }
        let imageRef = (spec["imageRef"] as? String) ?? ""
        guard let image = resources.image(imageRef.split(separator: "/").last.map(String.init) ?? imageRef) else {
            throw APIFault(.compute, 400, "Image \(imageRef) could not be found.")
        }
        var userData: String?
        if let text = spec["user_data"] as? String {
            guard text.utf8.count <= 65535 else {
                throw APIFault(.compute, 400, "Invalid input for field/attribute user_data. Value: <\(text.utf8.count) bytes>. is too long (at most 65535 characters)")
            }
            guard Data(base64Encoded: text, options: .ignoreUnknownCharacters) != nil else {
                throw APIFault(.compute, 400, "User data needs to be valid base 64.")
            }
            userData = text
        }
        var metadata: [String: String] = [:]
        for (key, value) in spec["metadata"] as? [String: Any] ?? [:] {
            guard let text = value as? String, key.count <= 255, text.count <= 255 else {
                throw APIFault(.compute, 400, "Invalid input for field/attribute metadata. Metadata keys and values must be strings of at most 255 characters")
            }
            metadata[key] = text
        }
        let keyName = spec["key_name"] as? String
        let groupNames = (spec["security_groups"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
        let hints = body["os:scheduler_hints"] as? [String: Any] ?? body["OS-SCH-HNT:scheduler_hints"] as? [String: Any] ?? [:]
        let groupHint = hints["group"] as? String
        if let networks = spec["networks"] as? [[String: Any]] {
            for network in networks {
                if let id = network["uuid"] as? String, resources.network(id)?.id != resources.privateNetwork.id {
                    throw APIFault(.compute, 400, "Network \(id) could not be found. The local cloud attaches servers to the network 'private'.")
                }
            }
        }
        let projectID = credentials.projectID
        let server = try await store.mutate { state -> ServerRecord in
            if let keyName, state.keypairs[keyName] == nil { throw APIFault(.compute, 400, "Invalid key_name provided.") }
            var groupIDs: [String] = [], names: [String] = []
            for group in groupNames.isEmpty ? ["default"] : groupNames {
                guard let record = state.securityGroups.values.first(where: { $0.id == group || $0.name == group }) else {
                    throw APIFault(.compute, 400, "Security group \(group) not found for project \(projectID).")
                }
                groupIDs.append(record.id)
                names.append(record.name)
            }
            if let groupHint, state.serverGroups[groupHint] == nil {
                throw APIFault(.compute, 400, "Invalid input for field/attribute group. Server group \(groupHint) could not be found.")
            }
            return try self.reserveServer(&state, name: name, flavor: flavor, image: image, keyName: keyName, metadata: metadata,
                                          groupNames: names, groupIDs: groupIDs, userData: userData, serverGroup: groupHint)
        }
        await runtime.startBoot(server.id)
        var response = APIResponse.object(["server": [
            "id": server.id, "links": NovaWire.link(baseURL, "servers", server.id), "OS-DCF:diskConfig": "MANUAL",
            "security_groups": server.securityGroups.map { ["name": $0] }, "adminPass": randomHex(6),
        ]], status: 202)
        response.headers.append(("Location", "\(baseURL)/compute/v2.1/servers/\(server.id)"))
        return response
    }

    /// Quota check, address and port allocation, and the BUILD record, in one state change.
    private func reserveServer(_ state: inout CloudState, name: String, flavor: FixedResources.Flavor, image: FixedResources.Image,
                                           keyName: String?, metadata: [String: String], groupNames: [String], groupIDs: [String],
                                           userData: String?, serverGroup: String?) throws -> ServerRecord {
        let quotas = configuration.quotas
        var used = (instances: 0, cores: 0, ram: 0)
        for server in state.servers.values {
            guard let f = store.resources.flavor(server.flavorID) else { continue }
            used = (used.instances + 1, used.cores + f.vcpus, used.ram + f.ram)
        }
        for (resource, requested, inUse, limit) in [("instances", 1, used.instances, quotas.instances), ("cores", flavor.vcpus, used.cores, quotas.cores),
                                                    ("ram", flavor.ram, used.ram, quotas.ram)] where inUse + requested > limit {
            throw APIFault(.compute, 403, "Quota exceeded for \(resource): Requested \(requested), but already used \(inUse) of \(limit) \(resource)")
        }
        let taken = Set(state.ports.values.map(\.address))
        guard let address = (configuration.firstHost...254).lazy.map({ "\(self.configuration.fixedAddressPrefix).\($0)" })
            .first(where: { !taken.contains($0) && canBind(host: $0, port: self.configuration.sshPort) }) else {
            throw APIFault(.compute, 500, "No free address is left on the private network (\(configuration.fixedAddressPrefix).0/24).")
        }
        let now = Date(), id = newUUID()
        let network = store.resources.privateNetwork
        let port = PortRecord(id: newUUID(), networkID: network.id, subnetID: network.subnetID, deviceID: id,
                              macAddress: "fa:16:3e:" + (0..<3).map { _ in String(format: "%02x", UInt8.random(in: 0...255)) }.joined(separator: ":"),
                              address: address, securityGroupIDs: groupIDs, created: now)
        state.ports[port.id] = port
        let server = ServerRecord(id: id, name: name, status: "BUILD", taskState: "spawning", flavorID: flavor.id, imageID: image.id,
                                  keyName: keyName, metadata: metadata, securityGroups: groupNames, address: address, portID: port.id,
                                  created: now, updated: now, launched: nil, fault: nil, userData: userData, serverGroupID: serverGroup)
        state.servers[id] = server
        if let serverGroup { state.serverGroups[serverGroup]?.members.append(id) }
        return server
    }

    /// `os-keypairs`: list, import (public key required), get, delete.
    func keypairs(_ request: APIRequest, path: [String]) async throws -> APIResponse {
        let v = request.microversion, userID = credentials.userID
        switch (request.method, path.count) {
        case ("GET", 1):
            let keypairs = await store.read { $0.keypairs.values.sorted { $0.name < $1.name } }
            return .object(["keypairs": keypairs.map { ["keypair": NovaWire.keypair($0, userID: userID, version: v, full: false)] }])
        case ("GET", 2):
            guard let keypair = await store.read({ $0.keypairs[path[1]] }) else { throw APIFault(.compute, 404, "Keypair \(path[1]) not found for user \(userID)") }
            return .object(["keypair": NovaWire.keypair(keypair, userID: userID, version: v, full: true)])
        case ("DELETE", 2):
            let removed = try await store.mutate { $0.keypairs.removeValue(forKey: path[1]) != nil }
            guard removed else { throw APIFault(.compute, 404, "Keypair \(path[1]) not found for user \(userID)") }
            return .empty(v.minor >= 2 ? 204 : 202)
        case ("POST", 1):
            let body = try request.jsonObject()
            guard let spec = body["keypair"] as? [String: Any], let name = spec["name"] as? String else {
                throw APIFault(.compute, 400, "Invalid input for field/attribute keypair. 'name' is a required property")
            }
            guard (1...255).contains(name.count), name.allSatisfy({ $0.isLetter || $0.isNumber || " _-.@".contains($0) }) else {
                throw APIFault(.compute, 400, "Keypair data is invalid: Keypair name contains unsafe characters")
            }
            guard let publicKey = spec["public_key"] as? String else {
                throw APIFault(.compute, 400, "The local cloud only imports keypairs: pass public_key (generate one with ssh-keygen -t ed25519)")
            }
            guard let fingerprint = sshFingerprint(ofPublicKey: publicKey.trimmingCharacters(in: .whitespacesAndNewlines))?.fingerprint else {
                throw APIFault(.compute, 400, "Keypair data is invalid: failed to generate fingerprint")
            }
            let limit = configuration.quotas.keypairs
            let keypair = try await store.mutate { state -> KeypairRecord in
                guard state.keypairs[name] == nil else { throw APIFault(.compute, 409, "Key pair '\(name)' already exists.") }
                guard state.keypairs.count < limit else { throw APIFault(.compute, 403, "Quota exceeded, too many key pairs.") }
                let record = KeypairRecord(name: name, publicKey: publicKey.trimmingCharacters(in: .whitespacesAndNewlines),
                                           fingerprint: fingerprint, type: (spec["type"] as? String) ?? "ssh", created: Date())
                state.keypairs[name] = record
                return record
            }
            var rendered = NovaWire.keypair(keypair, userID: userID, version: v, full: false)
            rendered["user_id"] = userID
            return .object(["keypair": rendered], status: v.minor >= 2 ? 201 : 200)
        default:
            throw APIFault(.compute, 405, "The method is not allowed for the requested URL.")
        }
    }

    /// `os-server-groups`: list, create, get, delete. Policies are recorded, not enforced
    /// (every local server runs on this one host).
    func serverGroups(_ request: APIRequest, path: [String]) async throws -> APIResponse {
        let v = request.microversion, projectID = credentials.projectID, userID = credentials.userID
        switch (request.method, path.count) {
        case ("GET", 1):
            let groups = await store.read { Array($0.serverGroups.values) }.sorted { $0.name < $1.name }
            return .object(["server_groups": paginate(groups.map { NovaWire.serverGroup($0, projectID: projectID, userID: userID, version: v) }, request)])
        case ("GET", 2):
            guard let group = await store.read({ $0.serverGroups[path[1]] }) else { throw APIFault(.compute, 404, "Instance group \(path[1]) could not be found.") }
            return .object(["server_group": NovaWire.serverGroup(group, projectID: projectID, userID: userID, version: v)])
        case ("DELETE", 2):
            let removed = try await store.mutate { $0.serverGroups.removeValue(forKey: path[1]) != nil }
            guard removed else { throw APIFault(.compute, 404, "Instance group \(path[1]) could not be found.") }
            return .empty(204)
        case ("POST", 1):
            let body = try request.jsonObject()
            guard let spec = body["server_group"] as? [String: Any], let name = spec["name"] as? String, !name.isEmpty else {
                throw APIFault(.compute, 400, "Invalid input for field/attribute server_group. 'name' is a required property")
            }
            let policy = (spec["policy"] as? String) ?? (spec["policies"] as? [String])?.first ?? ""
            guard ["anti-affinity", "affinity", "soft-anti-affinity", "soft-affinity"].contains(policy) else {
                throw APIFault(.compute, 400, "Invalid input for field/attribute policy. Value: \(policy). It must be one of anti-affinity, affinity, soft-anti-affinity, soft-affinity")
            }
            let limit = configuration.quotas.serverGroups
            let group = try await store.mutate { state -> ServerGroupRecord in
                guard state.serverGroups.count < limit else { throw APIFault(.compute, 403, "Quota exceeded, too many server groups.") }
                let record = ServerGroupRecord(id: newUUID(), name: name, policy: policy, members: [])
                state.serverGroups[record.id] = record
                return record
            }
            return .object(["server_group": NovaWire.serverGroup(group, projectID: projectID, userID: userID, version: v)])
        default:
            throw APIFault(.compute, 405, "The method is not allowed for the requested URL.")
        }
    }
}
