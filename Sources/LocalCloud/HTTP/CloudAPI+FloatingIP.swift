import Foundation

extension CloudAPI {
    /// Neutron floating IPs: allocated from the external network `public` and associated
    /// with a server's port. They are bookkeeping: the server is reached on its fixed address.
    func floatingIPs(_ request: APIRequest, path: [String]) async throws -> APIResponse {
        let projectID = credentials.projectID, publicNetwork = store.resources.publicNetwork
        func render(_ ip: FloatingIPRecord) -> [String: Any] { NeutronWire.floatingIP(ip, networkID: publicNetwork.id, projectID: projectID) }
        func notFound(_ id: String) -> APIFault { APIFault(.network, 404, "Floating IP \(id) could not be found", neutronType: "FloatingIPNotFound") }
        switch (request.method, path.count) {
        case ("GET", 1):
            let ips = await store.read { $0.floatingIPs.values.sorted { $0.created < $1.created } }.map(render)
            return .object(["floatingips": paginate(NeutronWire.filter(ips, query: request.query), request)])
        case ("GET", 2):
            guard let ip = await store.read({ $0.floatingIPs[path[1]] }) else { throw notFound(path[1]) }
            return .object(["floatingip": render(ip)])
        case ("POST", 1):
            let spec = try request.jsonObject()["floatingip"] as? [String: Any] ?? [:]
            let networkID = spec["floating_network_id"] as? String ?? ""
            guard store.resources.network(networkID)?.external == true else {
                throw APIFault(.network, 400, "Bad floatingip request: Network \(networkID) is not a valid external network.", neutronType: "BadRequest")
            }
            let portID = spec["port_id"] as? String, description = spec["description"] as? String ?? ""
            let prefix = configuration.floatingAddressPrefix
            let ip = try await store.mutate { state -> FloatingIPRecord in
                let used = Set(state.floatingIPs.values.map(\.address))
                guard let address = (10...254).map({ "\(prefix).\($0)" }).first(where: { !used.contains($0) }) else {
                    throw APIFault(.network, 409, "No more IP addresses available on network \(networkID).", neutronType: "IpAddressGenerationFailure")
                }
                var record = FloatingIPRecord(id: newUUID(), address: address, portID: nil, fixedAddress: nil, description: description,
                                              created: Date(), updated: Date())
                if let portID { try Self.associate(&record, portID: portID, in: state) }
                state.floatingIPs[record.id] = record
                return record
            }
            return .object(["floatingip": render(ip)], status: 201)
        case ("PUT", 2):
            let spec = try request.jsonObject()["floatingip"] as? [String: Any] ?? [:]
            let id = path[1]
            let ip = try await store.mutate { state -> FloatingIPRecord in
                guard var record = state.floatingIPs[id] else { throw notFound(id) }
                if let portID = spec["port_id"] as? String {
                    try Self.associate(&record, portID: portID, in: state)
                } else if spec.keys.contains("port_id") {
                    record.portID = nil
                    record.fixedAddress = nil
                }
                if let description = spec["description"] as? String { record.description = description }
                record.updated = Date()
                state.floatingIPs[id] = record
                return record
            }
            return .object(["floatingip": render(ip)])
        case ("DELETE", 2):
            let removed = try await store.mutate { $0.floatingIPs.removeValue(forKey: path[1]) != nil }
            guard removed else { throw notFound(path[1]) }
            return .empty(204)
        default: throw APIFault(.network, 405, "The method is not allowed for the requested URL.")
        }
    }

    private static func associate(_ record: inout FloatingIPRecord, portID: String, in state: CloudState) throws {
        guard let port = state.ports[portID] else {
            throw APIFault(.network, 404, "Port \(portID) could not be found.", neutronType: "PortNotFound")
        }
        if let other = state.floatingIPs.values.first(where: { $0.portID == portID && $0.id != record.id }) {
            throw APIFault(.network, 409, "Cannot associate floating IP \(record.address) (\(record.id)) with port \(portID) using fixed IP \(port.address), as that fixed IP already has a floating IP on external network \(other.id).", neutronType: "FloatingIPPortAlreadyAssociated")
        }
        record.portID = portID
        record.fixedAddress = port.address
    }
}
