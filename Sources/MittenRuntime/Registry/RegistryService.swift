import NIOCore

/// The registry's wire methods (service name `Registry`).
public enum RegistryService {
    /// The wire service name.
    public static let name = "Registry"
    /// The name the registry registers itself under.
    public static let entryName = "Mitten-registry"

    /// A name argument.
    public struct Name: Codable, Sendable {
        /// The name.
        public var name: String
        /// Seconds to wait (for `wait`).
        public var timeoutSeconds: Double?
        /// Creates a name argument.
        public init(name: String, timeoutSeconds: Double? = nil) {
            self.name = name
            self.timeoutSeconds = timeoutSeconds
        }
    }

    /// An optional entry result.
    public struct Found: Codable, Sendable {
        /// The entry, when live.
        public var entry: RegistryEntry?
    }

    /// The dispatch table serving `registry`.
    public static func wireService<C: Clock>(_ registry: Registry<C>, describe: @escaping @Sendable () async -> ServiceDescription) -> WireService {
        var service = WireService(name: name)
        // Everything but `wait` is a quick step under the registry's lock: answered on
        // the event loop.
        // `register` and `lookup` are the hot methods, with binary payloads
        // (RegistryWireFormat): every owner renews, every client resolves.
        service.onInline("register") { payload in
            let (entry, ttl) = try RegistryWireFormat.decodeRegister(payload)
            try RegistryWireFormat.validate(entry, ttl: ttl)
            return RegistryWireFormat.encodeIsNew(registry.register(entry, ttl: ttl))
        }
        service.onSync("unregister", Name.self) { argument in
            ["removed": registry.unregister(argument.name)]
        }
        service.onInline("lookup") { payload in
            try RegistryWireFormat.encodeFound(registry.lookup(try RegistryWireFormat.decodeName(payload)))
        }
        service.on("wait", Name.self) { argument in
            let seconds = min(max(argument.timeoutSeconds ?? 10, 0), 3600)
            return Found(entry: await registry.wait(for: argument.name, timeout: .seconds(seconds)))
        }
        service.onSync("list", WireEmpty.self) { _ in
            registry.list()
        }
        service.onSync("counts", WireEmpty.self) { _ in
            registry.counts()
        }
        service.on("describe", WireEmpty.self) { _ in
            await describe()
        }
        return service
    }
}

/// A typed client of the registry.
public struct RegistryClient: Sendable {
    /// The connection the calls go through.
    public let client: WireClient
    /// Per-call timeout.
    public var timeout: Duration

    /// Creates a client over `client` (which reaches the Control process).
    public init(client: WireClient, timeout: Duration = .seconds(10)) {
        self.client = client
        self.timeout = timeout
    }

    /// Registers or renews an entry; returns true when the name was new.
    @discardableResult
    public func register(_ entry: RegistryEntry, ttl: Duration) async throws -> Bool {
        let reply = try await client.call(service: RegistryService.name, method: "register",
                                          payload: try RegistryWireFormat.encodeRegister(entry, ttl: ttl), timeout: timeout)
        return try RegistryWireFormat.decodeIsNew(reply)
    }

    /// Removes a name.
    @discardableResult
    public func unregister(_ name: String) async throws -> Bool {
        let reply = try await client.call(service: RegistryService.name, method: "unregister", RegistryService.Name(name: name), as: [String: Bool].self, timeout: timeout)
        return reply["removed"] ?? false
    }

    /// The live entry for `name`, if any.
    public func lookup(_ name: String) async throws -> RegistryEntry? {
        try RegistryWireFormat.decodeFound(try await client.call(service: RegistryService.name, method: "lookup",
                                                                 payload: try RegistryWireFormat.encodeName(name), timeout: timeout))
    }

    /// Waits up to `timeout` for `name` to be registered.
    public func wait(for name: String, timeout waitTimeout: Duration) async throws -> RegistryEntry? {
        let seconds = Double(waitTimeout.components.seconds) + Double(waitTimeout.components.attoseconds) / 1e18
        return try await client.call(service: RegistryService.name, method: "wait", RegistryService.Name(name: name, timeoutSeconds: seconds),
                                     as: RegistryService.Found.self, timeout: waitTimeout + timeout).entry
    }

    /// Every live entry.
    public func list() async throws -> [RegistryEntry] {
        try await client.call(service: RegistryService.name, method: "list", WireEmpty(), as: [RegistryEntry].self, timeout: timeout)
    }

    /// The registry's counters.
    public func counts() async throws -> RegistryCounts {
        try await client.call(service: RegistryService.name, method: "counts", WireEmpty(), as: RegistryCounts.self, timeout: timeout)
    }
}
