/// A Nova server as `GET /servers/{id}` and `GET /servers/detail` return it (the fields
/// mitten uses; unknown fields are ignored). Public and Codable so that an
/// OpenStack-compatible server can produce the same JSON.
public struct Server: Codable, Sendable, Equatable, Identifiable {
    /// Server id (UUID).
    public var id: String
    /// Name.
    public var name: String
    /// `BUILD`, `ACTIVE`, `ERROR`, `SHUTOFF`, `DELETED`, ...
    public var status: String
    /// Owning project.
    public var tenantID: String?
    /// Owning user.
    public var userID: String?
    /// Metadata key/value pairs.
    public var metadata: [String: String]
    /// The image (nil when booted from a volume: Nova sends `""`).
    public var image: ImageReference?
    /// The flavor (`id` before 2.47, `original_name` and sizes since).
    public var flavor: FlavorReference?
    /// Addresses by network name.
    public var addresses: [String: [Address]]
    /// The keypair's name.
    public var keyName: String?
    /// Security groups by name.
    public var securityGroups: [SecurityGroupName]?
    /// Why the server is in ERROR.
    public var fault: Fault?
    /// `OS-EXT-STS:task_state`.
    public var taskState: String?
    /// `OS-EXT-STS:vm_state`.
    public var vmState: String?
    /// `OS-EXT-AZ:availability_zone`.
    public var availabilityZone: String?
    /// Creation time, ISO 8601.
    public var created: String?
    /// Last update, ISO 8601.
    public var updated: String?

    enum CodingKeys: String, CodingKey {
        case id, name, status, tenantID = "tenant_id", userID = "user_id", metadata, image, flavor, addresses
        case keyName = "key_name", securityGroups = "security_groups", fault, taskState = "OS-EXT-STS:task_state"
        case vmState = "OS-EXT-STS:vm_state", availabilityZone = "OS-EXT-AZ:availability_zone", created, updated
    }

    /// Creates a server.
    public init(id: String, name: String, status: String, tenantID: String? = nil, userID: String? = nil,
                metadata: [String: String] = [:], image: ImageReference? = nil, flavor: FlavorReference? = nil,
                addresses: [String: [Address]] = [:], keyName: String? = nil, securityGroups: [SecurityGroupName]? = nil,
                fault: Fault? = nil, taskState: String? = nil, vmState: String? = nil, availabilityZone: String? = nil,
                created: String? = nil, updated: String? = nil) {
        self.id = id
        self.name = name
        self.status = status
        self.tenantID = tenantID
        self.userID = userID
        self.metadata = metadata
        self.image = image
        self.flavor = flavor
        self.addresses = addresses
        self.keyName = keyName
        self.securityGroups = securityGroups
        self.fault = fault
        self.taskState = taskState
        self.vmState = vmState
        self.availabilityZone = availabilityZone
        self.created = created
        self.updated = updated
    }

    /// Decodes a server; `image: ""` (boot from volume) becomes nil.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        name = try c.decode(String.self, forKey: .name)
        status = try c.decode(String.self, forKey: .status)
        tenantID = try c.decodeIfPresent(String.self, forKey: .tenantID)
        userID = try c.decodeIfPresent(String.self, forKey: .userID)
        metadata = try c.decodeIfPresent([String: String].self, forKey: .metadata) ?? [:]
        image = try? c.decodeIfPresent(ImageReference.self, forKey: .image)
        flavor = try c.decodeIfPresent(FlavorReference.self, forKey: .flavor)
        addresses = try c.decodeIfPresent([String: [Address]].self, forKey: .addresses) ?? [:]
        keyName = try c.decodeIfPresent(String.self, forKey: .keyName)
        securityGroups = try c.decodeIfPresent([SecurityGroupName].self, forKey: .securityGroups)
        fault = try c.decodeIfPresent(Fault.self, forKey: .fault)
        taskState = try c.decodeIfPresent(String.self, forKey: .taskState)
        vmState = try c.decodeIfPresent(String.self, forKey: .vmState)
        availabilityZone = try c.decodeIfPresent(String.self, forKey: .availabilityZone)
        created = try c.decodeIfPresent(String.self, forKey: .created)
        updated = try c.decodeIfPresent(String.self, forKey: .updated)
    }

    /// A reference to an image: its id (and links).
    public struct ImageReference: Codable, Sendable, Equatable {
        /// Image id.
        public var id: String
        /// Creates a reference.
        public init(id: String) { self.id = id }
    }

    /// The flavor as shown in a server: by id (before 2.47) or embedded (2.47+).
    public struct FlavorReference: Codable, Sendable, Equatable {
        /// Flavor id (before 2.47).
        public var id: String?
        /// Flavor name at boot (2.47+).
        public var originalName: String?
        /// vCPUs (2.47+).
        public var vcpus: Int?
        /// RAM in MiB (2.47+).
        public var ram: Int?
        /// Disk in GiB (2.47+).
        public var disk: Int?

        enum CodingKeys: String, CodingKey { case id, originalName = "original_name", vcpus, ram, disk }

        /// Creates a reference.
        public init(id: String? = nil, originalName: String? = nil, vcpus: Int? = nil, ram: Int? = nil, disk: Int? = nil) {
            self.id = id
            self.originalName = originalName
            self.vcpus = vcpus
            self.ram = ram
            self.disk = disk
        }
    }

    /// One address of a server on a network.
    public struct Address: Codable, Sendable, Equatable {
        /// The IP address.
        public var addr: String
        /// 4 or 6.
        public var version: Int
        /// `fixed` or `floating`.
        public var type: String?
        /// MAC address.
        public var macAddress: String?

        enum CodingKeys: String, CodingKey { case addr, version, type = "OS-EXT-IPS:type", macAddress = "OS-EXT-IPS-MAC:mac_addr" }

        /// Creates an address.
        public init(addr: String, version: Int, type: String? = nil, macAddress: String? = nil) {
            self.addr = addr
            self.version = version
            self.type = type
            self.macAddress = macAddress
        }
    }

    /// `{"name": "default"}`.
    public struct SecurityGroupName: Codable, Sendable, Equatable {
        /// The group's name.
        public var name: String
        /// Creates one.
        public init(name: String) { self.name = name }
    }

    /// Why a server is in ERROR: Nova's `fault`.
    public struct Fault: Codable, Sendable, Equatable {
        /// HTTP-like code (500 ...).
        public var code: Int?
        /// Nova's message, shown to users verbatim.
        public var message: String
        /// A trace (admins only).
        public var details: String?
        /// When it happened.
        public var created: String?

        /// Creates a fault.
        public init(code: Int? = nil, message: String, details: String? = nil, created: String? = nil) {
            self.code = code
            self.message = message
            self.details = details
            self.created = created
        }
    }
}

/// `{"server": {...}}`.
public struct ServerEnvelope: Codable, Sendable, Equatable {
    /// The server.
    public var server: Server
    /// Creates an envelope.
    public init(server: Server) { self.server = server }
}

/// `{"servers": [...], "servers_links": [...]}`.
public struct ServerList: Codable, Sendable, Equatable {
    /// The servers.
    public var servers: [Server]
    /// Pagination links (`rel: next`).
    public var serversLinks: [Link]?

    enum CodingKeys: String, CodingKey { case servers, serversLinks = "servers_links" }

    /// Creates a list.
    public init(servers: [Server], serversLinks: [Link]? = nil) {
        self.servers = servers
        self.serversLinks = serversLinks
    }
}

/// A link: `{"href": ..., "rel": "next"}`.
public struct Link: Codable, Sendable, Equatable {
    /// Target.
    public var href: String
    /// Relation (`self`, `bookmark`, `next`).
    public var rel: String
    /// Creates a link.
    public init(href: String, rel: String) {
        self.href = href
        self.rel = rel
    }
}
