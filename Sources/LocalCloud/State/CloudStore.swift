import Foundation

/// The cloud's mutable state, owned by one actor and written to `state.json` after every
/// change so that a restarted daemon finds it again.
actor CloudStore {
    private(set) var state: CloudState
    private let stateURL: URL
    let resources: FixedResources
    let configuration: LocalCloud.Configuration

    init(dataDirectory: URL, configuration: LocalCloud.Configuration) throws {
        stateURL = dataDirectory.appendingPathComponent("state.json")
        self.configuration = configuration
        resources = FixedResources(configuration: configuration)
        if let data = try? Data(contentsOf: stateURL) {
            let decoder = JSONDecoder()
            decoder.dateDecodingStrategy = .iso8601
            do { state = try decoder.decode(CloudState.self, from: data) } catch {
                throw LocalCloudError(.dataDirectory, "\(stateURL.path) is damaged (\(error)); move it away to start with an empty cloud")
            }
        } else {
            state = CloudState()
        }
        if !state.securityGroups.values.contains(where: { $0.name == "default" }) {
            let group = SecurityGroupRecord(id: newUUID(), name: "default", description: "Default security group", created: Date())
            state.securityGroups[group.id] = group
            for ethertype in ["IPv4", "IPv6"] {
                let rule = SecurityGroupRuleRecord(id: newUUID(), securityGroupID: group.id, direction: "egress", ethertype: ethertype,
                                                   proto: nil, portRangeMin: nil, portRangeMax: nil, remoteIPPrefix: nil,
                                                   remoteGroupID: nil, description: "", created: Date())
                state.securityGroupRules[rule.id] = rule
            }
        }
        try writePrivately(try JSONEncoder.sorted.encode(state), to: stateURL)
    }

    /// Writes the state atomically.
    func save() throws {
        try writePrivately(try JSONEncoder.sorted.encode(state), to: stateURL)
    }

    /// Applies a change and persists it; the change's result is returned.
    func mutate<T: Sendable>(_ change: (inout CloudState) throws -> T) throws -> T {
        let result = try change(&state)
        try save()
        return result
    }

    /// Reads the state.
    func read<T: Sendable>(_ body: (CloudState) throws -> T) rethrows -> T { try body(state) }

    // MARK: Compute usage

    /// Instances, cores and RAM in use by servers that are not being deleted.
    func usage() -> (instances: Int, cores: Int, ram: Int) {
        var result = (instances: 0, cores: 0, ram: 0)
        for server in state.servers.values {
            guard let flavor = resources.flavor(server.flavorID) else { continue }
            result.instances += 1
            result.cores += flavor.vcpus
            result.ram += flavor.ram
        }
        return result
    }
}
