import Foundation
import Yams

extension LocalCloud {
    /// Everything that shapes a local cloud: where it keeps its state, where it listens, and
    /// the faults and latencies it injects. Built from defaults, then a YAML/JSON file, then
    /// flags (see docs/local-cloud.md for every key).
    public struct Configuration: Sendable, Codable, Equatable {
        /// The API port on 127.0.0.1; 0 picks an ephemeral one (or the one used last time).
        public var port: Int = 0
        /// The first three octets of the servers' fixed addresses (`127.0.0` gives 127.0.0.N).
        public var fixedAddressPrefix: String = "127.0.0"
        /// The first host number handed out on the private network.
        public var firstHost: Int = 10
        /// The first three octets of floating IP addresses.
        public var floatingAddressPrefix: String = "127.0.100"
        /// The port each server's sshd listens on (22 like a real VM).
        public var sshPort: Int = 22
        /// The sshd binary servers run.
        public var sshdPath: String = "/usr/sbin/sshd"
        /// Injected faults, latencies and limits.
        public var faults: Faults = .init()
        /// Quotas enforced on server creation (Nova's 403 quota body when exceeded).
        public var quotas: Quotas = .init()

        /// Creates the default configuration.
        public init() {}

        /// Injected latencies and failures.
        public struct Faults: Sendable, Codable, Equatable {
            /// Seconds added to every API request (not to the metadata service).
            public var apiLatency: Double = 0
            /// Seconds a server stays in BUILD before its processes are started.
            public var bootDuration: Double = 0
            /// Fraction (0...1) of boots that end in ERROR with `faultMessage`.
            public var errorFraction: Double = 0
            /// Boots of servers whose name matches this regular expression end in ERROR.
            public var errorNamePattern: String?
            /// At most this many boots end in an injected ERROR over the cloud's life (nil: no
            /// limit), e.g. 1 for a transient "no valid host" that a retry gets past.
            public var errorLimit: Int?
            /// Servers whose name matches this regular expression ignore the host keys their
            /// user-data gave (`ssh_keys`) and present one the cloud generates, as a man in
            /// the middle or an image without cloud-init would.
            public var foreignHostKeyNamePattern: String?
            /// The fault message of an injected ERROR.
            public var faultMessage: String = "No valid host was found. There are not enough hosts available."
            /// Requests per second admitted by the API rate limit; nil means unlimited.
            public var rateLimitPerSecond: Double?
            /// Requests admitted in a burst before the rate limit applies.
            public var rateLimitBurst: Int = 10
            /// The status of a rate-limited response: 429 or 413.
            public var rateLimitStatus: Int = 429
            /// Lifetime of issued tokens in seconds.
            public var tokenLifetime: Double = 3600
            /// Creates the defaults (no faults).
            public init() {}
        }

        /// Absolute compute quotas of the single project.
        public struct Quotas: Sendable, Codable, Equatable {
            /// Maximum number of servers.
            public var instances: Int = 100
            /// Maximum total vCPUs.
            public var cores: Int = 400
            /// Maximum total RAM in MiB.
            public var ram: Int = 1_048_576
            /// Maximum number of keypairs.
            public var keypairs: Int = 100
            /// Maximum number of server groups.
            public var serverGroups: Int = 20
            /// Creates the defaults.
            public init() {}
        }

        /// Reads a configuration from a YAML (or JSON) file; missing keys keep their defaults.
        public static func load(from path: String) throws -> Configuration {
            let text: String
            do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
                throw LocalCloudError(.configuration, "cannot read the local cloud configuration \(path): \(error.localizedDescription)")
            }
            do { return try YAMLDecoder().decode(Configuration.self, from: text) } catch {
                throw LocalCloudError(.configuration, "the local cloud configuration \(path) is invalid: \(error); see docs/local-cloud.md for its keys")
            }
        }

        /// Decodes leniently: every key is optional.
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            let d = Configuration()
            port = try c.decodeIfPresent(Int.self, forKey: .port) ?? d.port
            fixedAddressPrefix = try c.decodeIfPresent(String.self, forKey: .fixedAddressPrefix) ?? d.fixedAddressPrefix
            firstHost = try c.decodeIfPresent(Int.self, forKey: .firstHost) ?? d.firstHost
            floatingAddressPrefix = try c.decodeIfPresent(String.self, forKey: .floatingAddressPrefix) ?? d.floatingAddressPrefix
            sshPort = try c.decodeIfPresent(Int.self, forKey: .sshPort) ?? d.sshPort
            sshdPath = try c.decodeIfPresent(String.self, forKey: .sshdPath) ?? d.sshdPath
            faults = try c.decodeIfPresent(Faults.self, forKey: .faults) ?? d.faults
            quotas = try c.decodeIfPresent(Quotas.self, forKey: .quotas) ?? d.quotas
        }

        /// Checks ranges and patterns; the message says which key is wrong.
        public func validate() throws {
            func check(_ ok: Bool, _ message: String) throws {
                if !ok { throw LocalCloudError(.configuration, message) }
            }
            let octets = fixedAddressPrefix.split(separator: ".")
            try check(octets.count == 3 && octets[0] == "127" && octets.allSatisfy { UInt8($0) != nil },
                      "fixedAddressPrefix must be three octets starting with 127 (loopback only), not \(fixedAddressPrefix)")
            let floating = floatingAddressPrefix.split(separator: ".")
            try check(floating.count == 3 && floating[0] == "127" && floating.allSatisfy { UInt8($0) != nil },
                      "floatingAddressPrefix must be three octets starting with 127, not \(floatingAddressPrefix)")
            try check((2...250).contains(firstHost), "firstHost must be between 2 and 250")
            try check((0...65535).contains(port), "port must be between 0 and 65535")
            try check((0...1).contains(faults.errorFraction), "faults.errorFraction must be between 0 and 1")
            try check(faults.apiLatency >= 0 && faults.bootDuration >= 0, "latencies must not be negative")
            try check((faults.errorLimit ?? 0) >= 0, "faults.errorLimit must not be negative")
            try check(faults.tokenLifetime > 0, "faults.tokenLifetime must be positive")
            try check([413, 429].contains(faults.rateLimitStatus), "faults.rateLimitStatus must be 413 or 429")
            if let pattern = faults.errorNamePattern {
                try check((try? NSRegularExpression(pattern: pattern)) != nil, "faults.errorNamePattern is not a valid regular expression")
            }
            if let pattern = faults.foreignHostKeyNamePattern {
                try check((try? NSRegularExpression(pattern: pattern)) != nil, "faults.foreignHostKeyNamePattern is not a valid regular expression")
            }
        }
    }
}

extension LocalCloud.Configuration.Faults {
    /// Decodes leniently: every key is optional.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = Self()
        apiLatency = try c.decodeIfPresent(Double.self, forKey: .apiLatency) ?? d.apiLatency
        bootDuration = try c.decodeIfPresent(Double.self, forKey: .bootDuration) ?? d.bootDuration
        errorFraction = try c.decodeIfPresent(Double.self, forKey: .errorFraction) ?? d.errorFraction
        errorNamePattern = try c.decodeIfPresent(String.self, forKey: .errorNamePattern)
        foreignHostKeyNamePattern = try c.decodeIfPresent(String.self, forKey: .foreignHostKeyNamePattern)
        errorLimit = try c.decodeIfPresent(Int.self, forKey: .errorLimit)
        faultMessage = try c.decodeIfPresent(String.self, forKey: .faultMessage) ?? d.faultMessage
        rateLimitPerSecond = try c.decodeIfPresent(Double.self, forKey: .rateLimitPerSecond)
        rateLimitBurst = try c.decodeIfPresent(Int.self, forKey: .rateLimitBurst) ?? d.rateLimitBurst
        rateLimitStatus = try c.decodeIfPresent(Int.self, forKey: .rateLimitStatus) ?? d.rateLimitStatus
        tokenLifetime = try c.decodeIfPresent(Double.self, forKey: .tokenLifetime) ?? d.tokenLifetime
    }
}

extension LocalCloud.Configuration.Quotas {
    /// Decodes leniently: every key is optional.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = Self()
        instances = try c.decodeIfPresent(Int.self, forKey: .instances) ?? d.instances
        cores = try c.decodeIfPresent(Int.self, forKey: .cores) ?? d.cores
        ram = try c.decodeIfPresent(Int.self, forKey: .ram) ?? d.ram
        keypairs = try c.decodeIfPresent(Int.self, forKey: .keypairs) ?? d.keypairs
        serverGroups = try c.decodeIfPresent(Int.self, forKey: .serverGroups) ?? d.serverGroups
    }
}
