/// One registry entry: a name, where to reach it, and what it is.
public struct RegistryEntry: Codable, Sendable, Equatable, Hashable {
    /// The registered name, e.g. `Mitten-control` or `Statistics-latency`.
    public var name: String
    /// Where the service listens.
    public var address: WireAddress
    /// What the entry is: by convention the wire service name that answers `describe`
    /// (`Control`, `Registry`, `Statistics`, ...).
    public var description: String

    /// Creates an entry.
    public init(name: String, address: WireAddress, description: String) {
        self.name = name
        self.address = address
        self.description = description
    }
}

/// The registry's counters, as its `describe` shows them.
public struct RegistryCounts: Codable, Sendable, Equatable {
    /// Live entries.
    public var live: Int
    /// Registrations of a name that was not live (renewals are not counted).
    public var registered: Int
    /// Entries that vanished because their lease ran out.
    public var expired: Int

    /// Creates counts.
    public init(live: Int, registered: Int, expired: Int) {
        self.live = live
        self.registered = registered
        self.expired = expired
    }
}
