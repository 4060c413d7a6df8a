/// `openstack/latest/meta_data.json` from the metadata service: who this VM is.
public struct InstanceMetadata: Codable, Sendable, Equatable {
    /// The server's name (mitten reads its role from it).
    public var name: String
    /// The server's id.
    public var uuid: String
    /// Metadata set at create time.
    public var meta: [String: String]?
    /// Availability zone.
    public var availabilityZone: String?
    /// Hostname.
    public var hostname: String?
    /// Project id.
    public var projectID: String?
    /// Public keys by keypair name.
    public var publicKeys: [String: String]?

    enum CodingKeys: String, CodingKey {
        case name, uuid, meta, availabilityZone = "availability_zone", hostname, projectID = "project_id"
        case publicKeys = "public_keys"
    }

    /// Creates metadata.
    public init(name: String, uuid: String, meta: [String: String]? = nil, availabilityZone: String? = nil,
                hostname: String? = nil, projectID: String? = nil, publicKeys: [String: String]? = nil) {
        self.name = name
        self.uuid = uuid
        self.meta = meta
        self.availabilityZone = availabilityZone
        self.hostname = hostname
        self.projectID = projectID
        self.publicKeys = publicKeys
    }
}
