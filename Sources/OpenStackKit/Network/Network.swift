/// A Neutron network.
public struct Network: Codable, Sendable, Equatable, Identifiable {
    /// Network id.
    public var id: String
    /// Name.
    public var name: String
    /// `ACTIVE`, `DOWN`, ...
    public var status: String?
    /// Subnet ids.
    public var subnets: [String]?
    /// Whether floating IPs come from it (`router:external`).
    public var isExternal: Bool?
    /// Shared between projects.
    public var shared: Bool?
    /// Owning project.
    public var projectID: String?

    enum CodingKeys: String, CodingKey {
        case id, name, status, subnets, isExternal = "router:external", shared, projectID = "project_id"
    }

    /// Creates a network.
    public init(id: String, name: String, status: String? = nil, subnets: [String]? = nil, isExternal: Bool? = nil,
                shared: Bool? = nil, projectID: String? = nil) {
        self.id = id
        self.name = name
        self.status = status
        self.subnets = subnets
        self.isExternal = isExternal
        self.shared = shared
        self.projectID = projectID
    }
}

/// `{"networks": [...]}`.
public struct NetworkList: Codable, Sendable, Equatable {
    /// The networks.
    public var networks: [Network]
    /// Creates a list.
    public init(networks: [Network]) { self.networks = networks }
}

/// A Neutron port (a server's attachment to a network).
public struct Port: Codable, Sendable, Equatable, Identifiable {
    /// One fixed IP of a port.
    public struct FixedIP: Codable, Sendable, Equatable {
        /// Subnet id.
        public var subnetID: String?
        /// The address.
        public var ipAddress: String
        enum CodingKeys: String, CodingKey { case subnetID = "subnet_id", ipAddress = "ip_address" }
        /// Creates a fixed IP.
        public init(subnetID: String? = nil, ipAddress: String) {
            self.subnetID = subnetID
            self.ipAddress = ipAddress
        }
    }

    /// Port id.
    public var id: String
    /// Network id.
    public var networkID: String
    /// The server (device) it belongs to.
    public var deviceID: String?
    /// Fixed IPs.
    public var fixedIPs: [FixedIP]?
    /// Status.
    public var status: String?

    enum CodingKeys: String, CodingKey { case id, networkID = "network_id", deviceID = "device_id", fixedIPs = "fixed_ips", status }

    /// Creates a port.
    public init(id: String, networkID: String, deviceID: String? = nil, fixedIPs: [FixedIP]? = nil, status: String? = nil) {
        self.id = id
        self.networkID = networkID
        self.deviceID = deviceID
        self.fixedIPs = fixedIPs
        self.status = status
    }
}

/// `{"ports": [...]}`.
public struct PortList: Codable, Sendable, Equatable {
    /// The ports.
    public var ports: [Port]
    /// Creates a list.
    public init(ports: [Port]) { self.ports = ports }
}
