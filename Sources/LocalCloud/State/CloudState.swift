import Foundation

/// Everything the cloud must remember across daemon restarts, persisted as JSON in the
/// data directory (`state.json`). Flavors, images and networks are fixed and not stored.
struct CloudState: Codable, Sendable {
    var servers: [String: ServerRecord] = [:]
    var keypairs: [String: KeypairRecord] = [:]
    var securityGroups: [String: SecurityGroupRecord] = [:]
    var securityGroupRules: [String: SecurityGroupRuleRecord] = [:]
    var ports: [String: PortRecord] = [:]
    var floatingIPs: [String: FloatingIPRecord] = [:]
    var serverGroups: [String: ServerGroupRecord] = [:]
}

/// A server: what Nova knows, plus the local processes that make it real.
struct ServerRecord: Codable, Sendable {
    var id: String
    var name: String
    var status: String              // BUILD, ACTIVE, ERROR, SHUTOFF
    var taskState: String?          // spawning, deleting
    var flavorID: String
    var imageID: String
    var keyName: String?
    var metadata: [String: String]
    var securityGroups: [String]    // names
    var address: String
    var portID: String
    var created: Date
    var updated: Date
    var launched: Date?
    var fault: FaultRecord?
    var userData: String?           // base64, as sent
    var serverGroupID: String?
    var processes: ProcessRecord = .init()
}

/// The PIDs and process groups a server owns.
struct ProcessRecord: Codable, Sendable, Equatable {
    /// The sshd's PID (it runs in its own session, so it is also its process group).
    var sshdPID: Int32?
    /// The runcmd shell's PID (its own session and process group).
    var runcmdPID: Int32?
}

/// A server fault as Nova shows it.
struct FaultRecord: Codable, Sendable {
    var code: Int
    var message: String
    var details: String
    var created: Date
}

struct KeypairRecord: Codable, Sendable {
    var name: String
    var publicKey: String
    var fingerprint: String
    var type: String
    var created: Date
}

struct SecurityGroupRecord: Codable, Sendable {
    var id: String
    var name: String
    var description: String
    var created: Date
}

struct SecurityGroupRuleRecord: Codable, Sendable, Equatable {
    var id: String
    var securityGroupID: String
    var direction: String
    var ethertype: String
    var proto: String?
    var portRangeMin: Int?
    var portRangeMax: Int?
    var remoteIPPrefix: String?
    var remoteGroupID: String?
    var description: String
    var created: Date

    /// Whether two rules allow the same traffic (Neutron refuses such a duplicate).
    func sameTraffic(as other: SecurityGroupRuleRecord) -> Bool {
        securityGroupID == other.securityGroupID && direction == other.direction && ethertype == other.ethertype
            && proto == other.proto && portRangeMin == other.portRangeMin && portRangeMax == other.portRangeMax
            && remoteIPPrefix == other.remoteIPPrefix && remoteGroupID == other.remoteGroupID
    }
}

struct PortRecord: Codable, Sendable {
    var id: String
    var networkID: String
    var subnetID: String
    var deviceID: String
    var macAddress: String
    var address: String
    var securityGroupIDs: [String]
    var created: Date
}

struct FloatingIPRecord: Codable, Sendable {
    var id: String
    var address: String
    var portID: String?
    var fixedAddress: String?
    var description: String
    var created: Date
    var updated: Date
}

struct ServerGroupRecord: Codable, Sendable {
    var id: String
    var name: String
    var policy: String
    var members: [String]
}
