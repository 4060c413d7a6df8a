/// A Neutron security group.
public struct SecurityGroup: Codable, Sendable, Equatable, Identifiable {
    /// Group id.
    public var id: String
    /// Name.
    public var name: String
    /// Description.
    public var description: String?
    /// Its rules.
    public var rules: [SecurityGroupRule]?

    enum CodingKeys: String, CodingKey { case id, name, description, rules = "security_group_rules" }

    /// Creates a group.
    public init(id: String, name: String, description: String? = nil, rules: [SecurityGroupRule]? = nil) {
        self.id = id
        self.name = name
        self.description = description
        self.rules = rules
    }
}

/// `{"security_group": {...}}` (also the create body, with name and description).
public struct SecurityGroupEnvelope: Codable, Sendable, Equatable {
    /// The group.
    public var securityGroup: SecurityGroup
    enum CodingKeys: String, CodingKey { case securityGroup = "security_group" }
    /// Creates an envelope.
    public init(securityGroup: SecurityGroup) { self.securityGroup = securityGroup }
}

/// The body of `POST /v2.0/security-groups`.
public struct SecurityGroupCreateRequest: Codable, Sendable, Equatable {
    /// Name and description.
    public struct Group: Codable, Sendable, Equatable {
        /// Name.
        public var name: String
        /// Description.
        public var description: String
        /// Creates the group description.
        public init(name: String, description: String = "") {
            self.name = name
            self.description = description
        }
    }
    /// The group.
    public var securityGroup: Group
    enum CodingKeys: String, CodingKey { case securityGroup = "security_group" }
    /// Creates a request.
    public init(securityGroup: Group) { self.securityGroup = securityGroup }
}

/// `{"security_groups": [...]}`.
public struct SecurityGroupList: Codable, Sendable, Equatable {
    /// The groups.
    public var securityGroups: [SecurityGroup]
    enum CodingKeys: String, CodingKey { case securityGroups = "security_groups" }
    /// Creates a list.
    public init(securityGroups: [SecurityGroup]) { self.securityGroups = securityGroups }
}

/// A security group rule (also the create body, without `id`).
public struct SecurityGroupRule: Codable, Sendable, Equatable {
    /// Rule id (absent in a create request).
    public var id: String?
    /// The group it belongs to.
    public var securityGroupID: String
    /// `ingress` or `egress`.
    public var direction: String
    /// `IPv4` or `IPv6`.
    public var ethertype: String
    /// `tcp`, `udp`, `icmp`, ... or nil for any.
    public var `protocol`: String?
    /// First port.
    public var portRangeMin: Int?
    /// Last port.
    public var portRangeMax: Int?
    /// Source CIDR.
    public var remoteIPPrefix: String?
    /// Source group.
    public var remoteGroupID: String?

    enum CodingKeys: String, CodingKey {
        case id, securityGroupID = "security_group_id", direction, ethertype, `protocol`
        case portRangeMin = "port_range_min", portRangeMax = "port_range_max"
        case remoteIPPrefix = "remote_ip_prefix", remoteGroupID = "remote_group_id"
    }

    /// Creates a rule.
    public init(id: String? = nil, securityGroupID: String, direction: String = "ingress", ethertype: String = "IPv4",
                protocol: String? = nil, portRangeMin: Int? = nil, portRangeMax: Int? = nil,
                remoteIPPrefix: String? = nil, remoteGroupID: String? = nil) {
        self.id = id
        self.securityGroupID = securityGroupID
        self.direction = direction
        self.ethertype = ethertype
        self.protocol = `protocol`
        self.portRangeMin = portRangeMin
        self.portRangeMax = portRangeMax
        self.remoteIPPrefix = remoteIPPrefix
        self.remoteGroupID = remoteGroupID
    }

    /// Whether `other` is the same rule (every field but the id; `0.0.0.0/0` and `::/0`
    /// equal to no prefix, as Neutron treats them).
    public func isSameRule(as other: SecurityGroupRule) -> Bool {
        func prefix(_ value: String?) -> String? { value == "0.0.0.0/0" || value == "::/0" ? nil : value }
        return securityGroupID == other.securityGroupID && direction == other.direction
            && ethertype.lowercased() == other.ethertype.lowercased() && self.protocol?.lowercased() == other.protocol?.lowercased()
            && portRangeMin == other.portRangeMin && portRangeMax == other.portRangeMax
            && prefix(remoteIPPrefix) == prefix(other.remoteIPPrefix) && remoteGroupID == other.remoteGroupID
    }
}

/// `{"security_group_rule": {...}}`.
public struct SecurityGroupRuleEnvelope: Codable, Sendable, Equatable {
    /// The rule.
    public var securityGroupRule: SecurityGroupRule
    enum CodingKeys: String, CodingKey { case securityGroupRule = "security_group_rule" }
    /// Creates an envelope.
    public init(securityGroupRule: SecurityGroupRule) { self.securityGroupRule = securityGroupRule }
}

/// `{"security_group_rules": [...]}`.
public struct SecurityGroupRuleList: Codable, Sendable, Equatable {
    /// The rules.
    public var securityGroupRules: [SecurityGroupRule]
    enum CodingKeys: String, CodingKey { case securityGroupRules = "security_group_rules" }
    /// Creates a list.
    public init(securityGroupRules: [SecurityGroupRule]) { self.securityGroupRules = securityGroupRules }
}
