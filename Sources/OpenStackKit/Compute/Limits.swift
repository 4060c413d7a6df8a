/// `GET /limits`: `{"limits": {"absolute": {...}, "rate": []}}`.
public struct LimitsEnvelope: Codable, Sendable, Equatable {
    /// The limits object.
    public struct Limits: Codable, Sendable, Equatable {
        /// The absolute (quota) limits.
        public var absolute: AbsoluteLimits
        /// Creates a limits object.
        public init(absolute: AbsoluteLimits) { self.absolute = absolute }
    }

    /// The limits.
    public var limits: Limits
    /// Creates an envelope.
    public init(limits: Limits) { self.limits = limits }
}

/// The project's quotas and usage for compute; -1 means unlimited.
public struct AbsoluteLimits: Codable, Sendable, Equatable {
    /// Most servers.
    public var maxTotalInstances: Int?
    /// Most vCPUs.
    public var maxTotalCores: Int?
    /// Most RAM in MiB.
    public var maxTotalRAMSize: Int?
    /// Servers in use.
    public var totalInstancesUsed: Int?
    /// vCPUs in use.
    public var totalCoresUsed: Int?
    /// RAM in use, MiB.
    public var totalRAMUsed: Int?
    /// Most server groups.
    public var maxServerGroups: Int?
    /// Most members per server group.
    public var maxServerGroupMembers: Int?
    /// Server groups in use.
    public var totalServerGroupsUsed: Int?
    /// Most keypairs.
    public var maxTotalKeypairs: Int?
    /// Most metadata items per server.
    public var maxServerMeta: Int?

    /// Creates limits.
    public init(maxTotalInstances: Int? = nil, maxTotalCores: Int? = nil, maxTotalRAMSize: Int? = nil,
                totalInstancesUsed: Int? = nil, totalCoresUsed: Int? = nil, totalRAMUsed: Int? = nil,
                maxServerGroups: Int? = nil, maxServerGroupMembers: Int? = nil, totalServerGroupsUsed: Int? = nil,
                maxTotalKeypairs: Int? = nil, maxServerMeta: Int? = nil) {
        self.maxTotalInstances = maxTotalInstances
        self.maxTotalCores = maxTotalCores
        self.maxTotalRAMSize = maxTotalRAMSize
        self.totalInstancesUsed = totalInstancesUsed
        self.totalCoresUsed = totalCoresUsed
        self.totalRAMUsed = totalRAMUsed
        self.maxServerGroups = maxServerGroups
        self.maxServerGroupMembers = maxServerGroupMembers
        self.totalServerGroupsUsed = totalServerGroupsUsed
        self.maxTotalKeypairs = maxTotalKeypairs
        self.maxServerMeta = maxServerMeta
    }

    /// Whether `count` more servers of `vcpus` and `ram` MiB each fit; nil if they do,
    /// else a sentence naming the quota that would be exceeded.
    public func shortfall(servers count: Int, vcpus: Int, ram: Int) -> String? {
        func over(_ max: Int?, _ used: Int?, _ adding: Int) -> Bool {
            guard let max, max >= 0 else { return false }
            return (used ?? 0) + adding > max
        }
        if over(maxTotalInstances, totalInstancesUsed, count) {
            return "the instance quota is \(maxTotalInstances!) with \(totalInstancesUsed ?? 0) in use; \(count) more do not fit"
        }
        if over(maxTotalCores, totalCoresUsed, count * vcpus) {
            return "the vCPU quota is \(maxTotalCores!) with \(totalCoresUsed ?? 0) in use; \(count * vcpus) more do not fit"
        }
        if over(maxTotalRAMSize, totalRAMUsed, count * ram) {
            return "the RAM quota is \(maxTotalRAMSize!) MiB with \(totalRAMUsed ?? 0) MiB in use; \(count * ram) MiB more do not fit"
        }
        return nil
    }
}
