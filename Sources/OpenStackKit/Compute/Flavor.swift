/// A Nova flavor as `GET /flavors/detail` returns it.
public struct Flavor: Codable, Sendable, Equatable, Identifiable {
    /// Flavor id.
    public var id: String
    /// Name, e.g. `m1.small`.
    public var name: String
    /// vCPUs.
    public var vcpus: Int
    /// RAM in MiB.
    public var ram: Int
    /// Root disk in GiB.
    public var disk: Int
    /// Ephemeral disk in GiB.
    public var ephemeral: Int?
    /// Whether every project may use it.
    public var isPublic: Bool?
    /// Description (2.55+).
    public var description: String?

    enum CodingKeys: String, CodingKey {
        case id, name, vcpus, ram, disk, ephemeral = "OS-FLV-EXT-DATA:ephemeral", isPublic = "os-flavor-access:is_public"
        case description
    }

    /// Creates a flavor.
    public init(id: String, name: String, vcpus: Int, ram: Int, disk: Int, ephemeral: Int? = nil, isPublic: Bool? = nil,
                description: String? = nil) {
        self.id = id
        self.name = name
        self.vcpus = vcpus
        self.ram = ram
        self.disk = disk
        self.ephemeral = ephemeral
        self.isPublic = isPublic
        self.description = description
    }
}

/// `{"flavors": [...]}`.
public struct FlavorList: Codable, Sendable, Equatable {
    /// The flavors.
    public var flavors: [Flavor]
    /// Creates a list.
    public init(flavors: [Flavor]) { self.flavors = flavors }
}
