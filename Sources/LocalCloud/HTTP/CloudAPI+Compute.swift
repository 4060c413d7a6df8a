import Foundation

extension CloudAPI {
    /// Nova v2.1: flavors, servers, keypairs, server groups, limits, availability zones.
    func compute(_ request: APIRequest) async throws -> APIResponse {
        var path = Array(request.path.dropFirst())     // drop "v2.1"
        if path.first == credentials.projectID { path.removeFirst() }
        guard request.path.first == "v2.1" else { throw APIFault(.compute, 404, "The resource could not be found.") }
        let v = request.microversion, base = baseURL
        switch (request.method, routeShape(path)) {
        case ("GET", "flavors"), ("GET", "flavors/detail"):
            let detail = path.count == 2
            let flavors = store.resources.flavors.map { NovaWire.flavor($0, base: base, detail: detail, version: v) }
            return .object(["flavors": paginate(flavors, request)])
        case ("GET", "flavors/*"):
            let id = path[1]
            guard let flavor = store.resources.flavor(id), flavor.id == id else {
                throw APIFault(.compute, 404, "Flavor \(id) could not be found.")
            }
            return .object(["flavor": NovaWire.flavor(flavor, base: base, detail: true, version: v)])
        case ("GET", "flavors/*/os-extra_specs"):
            let id = path[1]
            guard store.resources.flavor(id) != nil else { throw APIFault(.compute, 404, "Flavor \(id) could not be found.") }
            return .object(["extra_specs": [String: String]()])
        case ("POST", "servers"): return try await createServer(request)
        case ("GET", "servers"), ("GET", "servers/detail"):
            return try await listServers(request, detail: path.count == 2)
        case ("GET", "servers/*"):
            return .object(["server": try await renderServer(path[1], version: v)])
        case ("DELETE", "servers/*"):
            let id = path[1]
            let found = try await store.mutate { state -> Bool in
                guard state.servers[id] != nil else { return false }
                state.servers[id]?.taskState = "deleting"
                return true
            }
            guard found else { throw APIFault(.compute, 404, "Instance \(id) could not be found.") }
            let runtime = self.runtime
            Task { await runtime.delete(id) }
            return .empty(204)
        case ("GET", "servers/*/metadata"):
            return .object(["metadata": try await serverRecord(path[1]).metadata])
        case (_, "os-keypairs"), (_, "os-keypairs/*"):
            return try await keypairs(request, path: path)
        case (_, "os-server-groups"), (_, "os-server-groups/*"):
            return try await serverGroups(request, path: path)
        case ("GET", "limits"):
            return .object(["limits": ["rate": [Any](), "absolute": await absoluteLimits()]])
        case ("GET", "os-availability-zone"), ("GET", "os-availability-zone/detail"):
            return .object(["availabilityZoneInfo": [["zoneName": "nova", "zoneState": ["available": true], "hosts": NSNull()]]])
        default:
            throw APIFault(.compute, 404, "The resource could not be found.")
        }
    }

    /// The path with ids replaced by `*` (odd positions that are not keywords): the route.
    func routeShape(_ path: [String]) -> String {
        let keywords: Set = ["detail", "os-extra_specs", "metadata", "action"]
        return path.enumerated().map { index, part in index % 2 == 1 && !keywords.contains(part) ? "*" : part }.joined(separator: "/")
    }

    func serverRecord(_ id: String) async throws -> ServerRecord {
        guard let server = await store.read({ $0.servers[id] }) else { throw APIFault(.compute, 404, "Instance \(id) could not be found.") }
        return server
    }

    func renderServer(_ id: String, version: Microversion) async throws -> [String: Any] {
        await renderServer(try await serverRecord(id), version: version)
    }

    func renderServer(_ server: ServerRecord, version: Microversion) async -> [String: Any] {
        let (floating, port) = await store.read { state in
            (state.floatingIPs.values.filter { $0.portID == server.portID }, state.ports[server.portID])
        }
        return NovaWire.server(server, resources: store.resources, projectID: credentials.projectID, userID: credentials.userID,
                               floating: floating, port: port, base: baseURL, version: version)
    }

    private func listServers(_ request: APIRequest, detail: Bool) async throws -> APIResponse {
        var servers = await store.read { Array($0.servers.values) }.sorted { ($0.created, $0.id) > ($1.created, $1.id) }
        if let name = request.query["name"] {
            guard let regex = try? NSRegularExpression(pattern: name) else {
                throw APIFault(.compute, 400, "Invalid regular expression in the name filter: \(name)")
            }
            servers = servers.filter { regex.firstMatch(in: $0.name, range: NSRange($0.name.startIndex..., in: $0.name)) != nil }
        }
        if let status = request.query["status"] { servers = servers.filter { $0.status == status.uppercased() } }
        if let flavor = request.query["flavor"] { servers = servers.filter { $0.flavorID == flavor } }
        if let image = request.query["image"] { servers = servers.filter { $0.imageID == image } }
        var bodies: [[String: Any]] = []
        for server in servers {
            if detail {
                // From the listing's own snapshot: a server deleted meanwhile is listed as it
                // was, never a 404 for the whole list.
                bodies.append(await renderServer(server, version: request.microversion))
            } else {
                bodies.append(["id": server.id, "name": server.name, "links": NovaWire.link(baseURL, "servers", server.id)])
            }
        }
        return .object(["servers": paginate(bodies, request)])
    }

    /// Applies `marker` (the id after which to start) and `limit`.
    func paginate(_ items: [[String: Any]], _ request: APIRequest, key: String = "id") -> [[String: Any]] {
        var result = items
        if let marker = request.query["marker"], let index = result.firstIndex(where: { ($0[key] as? String) == marker }) {
            result = Array(result[(index + 1)...])
        }
        if let limit = request.query["limit"].flatMap(Int.init), limit >= 0 { result = Array(result.prefix(limit)) }
        return result
    }

    private func absoluteLimits() async -> [String: Any] {
        let used = await store.usage(), quotas = configuration.quotas
        let (keypairs, groups) = await store.read { ($0.keypairs.count, $0.serverGroups.count) }
        return ["maxTotalInstances": quotas.instances, "maxTotalCores": quotas.cores, "maxTotalRAMSize": quotas.ram,
                "totalInstancesUsed": used.instances, "totalCoresUsed": used.cores, "totalRAMUsed": used.ram,
                "maxServerMeta": 128, "maxImageMeta": 128, "maxPersonality": 5, "maxPersonalitySize": 10240,
                "maxTotalKeypairs": quotas.keypairs, "maxServerGroups": quotas.serverGroups, "maxServerGroupMembers": 100,
                "totalServerGroupsUsed": groups, "totalKeypairsUsed": keypairs,
                "maxSecurityGroups": -1, "maxSecurityGroupRules": -1, "maxTotalFloatingIps": -1,
                "totalSecurityGroupsUsed": 0, "totalFloatingIpsUsed": 0]
    }
}
