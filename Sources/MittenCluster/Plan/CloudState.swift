/// What the plan needs to know of a cloud, as plain values. The provisioner fills
/// it from OpenStackKit's listings; tests build it by hand.
public struct CloudState: Sendable, Hashable {
    /// Flavors by name and id.
    public var flavors: [Flavor]
    /// Images by name and id.
    public var images: [Image]
    /// Keypairs of the user.
    public var keypairs: [Keypair]
    /// Security groups of the project, with their rules.
    public var securityGroups: [SecurityGroup]
    /// Every server of the project (not only this cluster's).
    public var servers: [Server]
    /// The project's absolute limits.
    public var limits: Limits

    /// Creates a state; everything defaults to empty and unlimited.
    public init(
        flavors: [Flavor] = [], images: [Image] = [], keypairs: [Keypair] = [],
        securityGroups: [SecurityGroup] = [], servers: [Server] = [], limits: Limits = Limits()
    ) {
        self.flavors = flavors
        self.images = images
        self.keypairs = keypairs
        self.securityGroups = securityGroups
        self.servers = servers
        self.limits = limits
    }

    /// A flavor: its size decides quota use.
    public struct Flavor: Sendable, Hashable {
        public var id: String, name: String, vcpus: Int, ramMB: Int
        /// Creates a flavor.
        public init(id: String, name: String, vcpus: Int, ramMB: Int) {
            self.id = id; self.name = name; self.vcpus = vcpus; self.ramMB = ramMB
        }
    }

    /// An image.
    public struct Image: Sendable, Hashable {
        public var id: String, name: String
        /// Creates an image.
        public init(id: String, name: String) { self.id = id; self.name = name }
    }

    /// A keypair, known by name and Nova's MD5 fingerprint.
    public struct Keypair: Sendable, Hashable {
        public var name: String, fingerprint: String
        /// Creates a keypair.
        public init(name: String, fingerprint: String) { self.name = name; self.fingerprint = fingerprint }
    }

    /// A security group with its ingress rules.
    public struct SecurityGroup: Sendable, Hashable {
        public var id: String, name: String, rules: [Rule]
        /// Creates a group.
        public init(id: String, name: String, rules: [Rule]) { self.id = id; self.name = name; self.rules = rules }
    }

    /// An ingress rule as Neutron stores it.
    public struct Rule: Sendable, Hashable {
        public var `protocol`: String?, portMin: Int?, portMax: Int?, remoteIPPrefix: String?, remoteGroupID: String?
        /// Creates a rule.
        public init(protocol: String?, portMin: Int?, portMax: Int?, remoteIPPrefix: String?, remoteGroupID: String?) {
            self.protocol = `protocol`; self.portMin = portMin; self.portMax = portMax
            self.remoteIPPrefix = remoteIPPrefix; self.remoteGroupID = remoteGroupID
        }
    }

    /// A server, as far as the plan cares.
    public struct Server: Sendable, Hashable {
        public var id: String, name: String, status: String, metadata: [String: String]
        /// The server's fault message when it is in ERROR.
        public var fault: String?
        /// The server's fixed or floating addresses.
        public var addresses: [String]
        /// The flavor id it booted with (Nova before microversion 2.47).
        public var flavorID: String?
        /// The flavor's name at boot (Nova 2.47 and later embed it instead of the id).
        public var flavorName: String?
        /// Creates a server.
        public init(
            id: String, name: String, status: String, metadata: [String: String] = [:],
            fault: String? = nil, addresses: [String] = [], flavorID: String? = nil, flavorName: String? = nil
        ) {
            self.id = id; self.name = name; self.status = status; self.metadata = metadata
            self.fault = fault; self.addresses = addresses; self.flavorID = flavorID; self.flavorName = flavorName
        }

        /// True when the server failed or is going away.
        public var isFailed: Bool { ["ERROR", "DELETED", "SOFT_DELETED"].contains(status.uppercased()) }
    }

    /// Absolute limits; a maximum of -1 (or nil) means unlimited.
    public struct Limits: Sendable, Hashable {
        public var maxInstances: Int?, usedInstances: Int
        public var maxCores: Int?, usedCores: Int
        public var maxRAMMB: Int?, usedRAMMB: Int
        /// Creates limits; the defaults are unlimited with nothing used.
        public init(
            maxInstances: Int? = nil, usedInstances: Int = 0, maxCores: Int? = nil, usedCores: Int = 0,
            maxRAMMB: Int? = nil, usedRAMMB: Int = 0
        ) {
            self.maxInstances = maxInstances; self.usedInstances = usedInstances
            self.maxCores = maxCores; self.usedCores = usedCores
            self.maxRAMMB = maxRAMMB; self.usedRAMMB = usedRAMMB
        }
    }
}
