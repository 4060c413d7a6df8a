/// A Nova server group (placement policy for a set of servers).
public struct ServerGroup: Codable, Sendable, Equatable, Identifiable {
    /// Group id.
    public var id: String
    /// Name.
    public var name: String
    /// The policy (2.64+), e.g. `anti-affinity`.
    public var policy: String?
    /// The policies (before 2.64).
    public var policies: [String]?
    /// Member server ids.
    public var members: [String]?

    /// Creates a group.
    public init(id: String, name: String, policy: String? = nil, policies: [String]? = nil, members: [String]? = nil) {
        self.id = id
        self.name = name
        self.policy = policy
        self.policies = policies
        self.members = members
    }

    /// The policy whichever form the server used.
    public var effectivePolicy: String? { policy ?? policies?.first }
}

/// `{"server_group": {...}}`.
public struct ServerGroupEnvelope: Codable, Sendable, Equatable {
    /// The group.
    public var serverGroup: ServerGroup
    enum CodingKeys: String, CodingKey { case serverGroup = "server_group" }
    /// Creates an envelope.
    public init(serverGroup: ServerGroup) { self.serverGroup = serverGroup }
}

/// `{"server_groups": [...]}`.
public struct ServerGroupList: Codable, Sendable, Equatable {
    /// The groups.
    public var serverGroups: [ServerGroup]
    enum CodingKeys: String, CodingKey { case serverGroups = "server_groups" }
    /// Creates a list.
    public init(serverGroups: [ServerGroup]) { self.serverGroups = serverGroups }
}

/// The body of `POST /os-server-groups`.
public struct ServerGroupCreateRequest: Codable, Sendable, Equatable {
    /// What to create.
    public struct Group: Codable, Sendable, Equatable {
        /// Name.
        public var name: String
        /// Policy (2.64+).
        public var policy: String?
        /// Policies (before 2.64).
        public var policies: [String]?
        /// Creates the group description.
        public init(name: String, policy: String? = nil, policies: [String]? = nil) {
            self.name = name
            self.policy = policy
            self.policies = policies
        }
    }

    /// The group.
    public var serverGroup: Group
    enum CodingKeys: String, CodingKey { case serverGroup = "server_group" }
    /// Creates a request.
    public init(serverGroup: Group) { self.serverGroup = serverGroup }
}
