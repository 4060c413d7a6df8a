import Logging
import ServiceLifecycle

/// A named shared service that runs in its own process (`mitten service --kind K --name N`):
/// Statistics, Queue, Mutex, Store. The host binds its wire service, adds `describe`,
/// registers it as `KIND-NAME` and runs it until graceful shutdown.
public protocol HostedService: Sendable {
    /// The dispatch table callers reach; its name is the kind's wire service name.
    var wireService: WireService { get }
    /// This service's row for `mitten status`.
    func describe() async -> ServiceDescription
    /// Long-running work; returns on graceful shutdown. The default waits for it.
    func run() async throws
}

extension HostedService {
    /// Waits for graceful shutdown.
    public func run() async throws {
        try? await gracefulShutdown()
    }
}

/// One entry of the kinds table: a kind's name and how to build its service in-process.
public struct ServiceKind: Sendable {
    /// What `make` receives.
    public struct Context: Sendable {
        /// The instance name (`jobs` in `Queue-jobs`).
        public var name: String
        /// Where the service may keep files (`$MITTEN_DATA_DIR`, else `~/.mitten/data`).
        public var dataDirectory: String
        /// Control's address.
        public var control: WireAddress
        /// The cluster secret.
        public var secret: ClusterSecret
        /// Logger for the service.
        public var logger: Logger

        /// Creates a context.
        public init(name: String, dataDirectory: String, control: WireAddress, secret: ClusterSecret, logger: Logger) {
            self.name = name
            self.dataDirectory = dataDirectory
            self.control = control
            self.secret = secret
            self.logger = logger
        }
    }

    /// The kind's name, also the registry prefix (`Statistics` -> `Statistics-NAME`).
    public var name: String
    /// Builds the service for one instance.
    public var make: @Sendable (Context) async throws -> any HostedService

    /// Creates a kind.
    public init(name: String, make: @escaping @Sendable (Context) async throws -> any HostedService) {
        self.name = name
        self.make = make
    }

    /// The registry name of instance `name` of this kind.
    public func entryName(_ name: String) -> String { "\(self.name)-\(name)" }

    /// Checks an instance name: 1-100 of letters, digits, `_`, `.`, `-`.
    public static func validate(instanceName name: String) throws {
        let allowed = name.unicodeScalars.allSatisfy { $0.properties.isAlphabetic && $0.isASCII || ("0"..."9").contains($0) || "_.-".unicodeScalars.contains($0) }
        guard !name.isEmpty, name.count <= 100, allowed else {
            throw RuntimeError(.usage, "'\(name)' is not a valid service name: use 1-100 letters, digits, '_', '.' or '-'")
        }
    }

    /// Looks up a kind by name (case-sensitive) in ``ServiceKinds/table``.
    public static func named(_ kind: String) throws -> ServiceKind {
        guard let found = ServiceKinds.table[kind] else {
            throw RuntimeError(.notFound, "there is no service kind '\(kind)'; known kinds: \(ServiceKinds.table.keys.sorted().joined(separator: ", "))")
        }
        return found
    }
}
