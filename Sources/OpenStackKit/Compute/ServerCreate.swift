/// The body of `POST /servers`: `{"server": {...}, "os:scheduler_hints": {...}}`.
public struct ServerCreateRequest: Codable, Sendable, Equatable {
    /// The server to create.
    public var server: ServerCreate
    /// Scheduler hints (`group` for a server group).
    public var schedulerHints: SchedulerHints?

    enum CodingKeys: String, CodingKey { case server, schedulerHints = "os:scheduler_hints" }

    /// Creates a request.
    public init(server: ServerCreate, schedulerHints: SchedulerHints? = nil) {
        self.server = server
        self.schedulerHints = schedulerHints
    }
}

/// What to create.
public struct ServerCreate: Codable, Sendable, Equatable {
    /// Name.
    public var name: String
    /// Image id.
    public var imageRef: String
    /// Flavor id.
    public var flavorRef: String
    /// Keypair name.
    public var keyName: String?
    /// Security groups by name.
    public var securityGroups: [Server.SecurityGroupName]?
    /// Networks (required since 2.37).
    public var networks: Networks?
    /// Metadata.
    public var metadata: [String: String]?
    /// Base64 user data (see `UserData.encode`), at most 65,535 bytes.
    public var userData: String?
    /// Attach a config drive.
    public var configDrive: Bool?
    /// Availability zone.
    public var availabilityZone: String?

    enum CodingKeys: String, CodingKey {
        case name, imageRef, flavorRef, keyName = "key_name", securityGroups = "security_groups", networks, metadata
        case userData = "user_data", configDrive = "config_drive", availabilityZone = "availability_zone"
    }

    /// Creates a server description.
    public init(name: String, imageRef: String, flavorRef: String, keyName: String? = nil, securityGroups: [String]? = nil,
                networks: Networks? = nil, metadata: [String: String]? = nil, userData: String? = nil,
                configDrive: Bool? = nil, availabilityZone: String? = nil) {
        self.name = name
        self.imageRef = imageRef
        self.flavorRef = flavorRef
        self.keyName = keyName
        self.securityGroups = securityGroups?.map(Server.SecurityGroupName.init(name:))
        self.networks = networks
        self.metadata = metadata
        self.userData = userData
        self.configDrive = configDrive
        self.availabilityZone = availabilityZone
    }

    /// `"auto"`, `"none"`, or a list of networks/ports/fixed IPs.
    public enum Networks: Codable, Sendable, Equatable {
        /// Let Nova pick or create a network.
        case auto
        /// No network.
        case none
        /// These networks.
        case list([NetworkRequest])

        /// Decodes the string or list form.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let text = try? container.decode(String.self) {
                switch text {
                case "auto": self = .auto
                case "none": self = .none
                default: throw DecodingError.dataCorruptedError(in: container, debugDescription: "networks must be auto, none or a list")
                }
            } else {
                self = .list(try container.decode([NetworkRequest].self))
            }
        }

        /// Encodes the string or list form.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case .auto: try container.encode("auto")
            case .none: try container.encode("none")
            case .list(let list): try container.encode(list)
            }
        }
    }

    /// One requested network: by network id, port id or fixed IP.
    public struct NetworkRequest: Codable, Sendable, Equatable {
        /// Network id.
        public var uuid: String?
        /// Port id.
        public var port: String?
        /// Fixed IP.
        public var fixedIP: String?

        enum CodingKeys: String, CodingKey { case uuid, port, fixedIP = "fixed_ip" }

        /// Creates a network request.
        public init(uuid: String? = nil, port: String? = nil, fixedIP: String? = nil) {
            self.uuid = uuid
            self.port = port
            self.fixedIP = fixedIP
        }
    }
}

/// `os:scheduler_hints`.
public struct SchedulerHints: Codable, Sendable, Equatable {
    /// Server group id (anti-affinity placement).
    public var group: String?
    /// Creates hints.
    public init(group: String? = nil) { self.group = group }
}

/// The answer to `POST /servers`: `{"server": {"id": ..., "links": [...], "adminPass": ...}}`.
public struct CreatedServerEnvelope: Codable, Sendable, Equatable {
    /// The created server's id and links.
    public var server: CreatedServer
    /// Creates an envelope.
    public init(server: CreatedServer) { self.server = server }
}

/// The id of a server just created (details come from `GET /servers/{id}`).
public struct CreatedServer: Codable, Sendable, Equatable {
    /// Server id.
    public var id: String
    /// Links.
    public var links: [Link]?
    /// Creates one.
    public init(id: String, links: [Link]? = nil) {
        self.id = id
        self.links = links
    }
}
