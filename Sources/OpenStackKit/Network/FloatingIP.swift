/// A Neutron floating IP.
public struct FloatingIP: Codable, Sendable, Equatable, Identifiable {
    /// Floating IP id.
    public var id: String
    /// The public address.
    public var floatingIPAddress: String
    /// The external network it came from.
    public var floatingNetworkID: String
    /// The port it is associated with (nil when free).
    public var portID: String?
    /// The fixed address it maps to.
    public var fixedIPAddress: String?
    /// `ACTIVE`, `DOWN`, ...
    public var status: String?

    enum CodingKeys: String, CodingKey {
        case id, floatingIPAddress = "floating_ip_address", floatingNetworkID = "floating_network_id"
        case portID = "port_id", fixedIPAddress = "fixed_ip_address", status
    }

    /// Creates a floating IP.
    public init(id: String, floatingIPAddress: String, floatingNetworkID: String, portID: String? = nil,
                fixedIPAddress: String? = nil, status: String? = nil) {
        self.id = id
        self.floatingIPAddress = floatingIPAddress
        self.floatingNetworkID = floatingNetworkID
        self.portID = portID
        self.fixedIPAddress = fixedIPAddress
        self.status = status
    }
}

/// `{"floatingip": {...}}`.
public struct FloatingIPEnvelope: Codable, Sendable, Equatable {
    /// The floating IP.
    public var floatingIP: FloatingIP
    enum CodingKeys: String, CodingKey { case floatingIP = "floatingip" }
    /// Creates an envelope.
    public init(floatingIP: FloatingIP) { self.floatingIP = floatingIP }
}

/// `{"floatingips": [...]}`.
public struct FloatingIPList: Codable, Sendable, Equatable {
    /// The floating IPs.
    public var floatingIPs: [FloatingIP]
    enum CodingKeys: String, CodingKey { case floatingIPs = "floatingips" }
    /// Creates a list.
    public init(floatingIPs: [FloatingIP]) { self.floatingIPs = floatingIPs }
}

/// The body of `POST /v2.0/floatingips` and `PUT /v2.0/floatingips/{id}`:
/// `{"floatingip": {"floating_network_id": ...}}` or `{"floatingip": {"port_id": ... | null}}`.
public struct FloatingIPUpdateRequest: Codable, Sendable, Equatable {
    /// The fields sent.
    public struct Fields: Codable, Sendable, Equatable {
        /// The external network to allocate from (create only).
        public var floatingNetworkID: String?
        /// The port to associate with; nil sends `null` (disassociate) on update.
        public var portID: String?
        enum CodingKeys: String, CodingKey { case floatingNetworkID = "floating_network_id", portID = "port_id" }
        /// Creates the fields.
        public init(floatingNetworkID: String? = nil, portID: String? = nil) {
            self.floatingNetworkID = floatingNetworkID
            self.portID = portID
        }
        /// Encodes `port_id` as explicit null when updating without a network id.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            if let floatingNetworkID {
                try container.encode(floatingNetworkID, forKey: .floatingNetworkID)
                try container.encodeIfPresent(portID, forKey: .portID)
            } else {
                try container.encode(portID, forKey: .portID)
            }
        }
    }
    /// The fields.
    public var floatingIP: Fields
    enum CodingKeys: String, CodingKey { case floatingIP = "floatingip" }
    /// Creates a request.
    public init(floatingIP: Fields) { self.floatingIP = floatingIP }
}
