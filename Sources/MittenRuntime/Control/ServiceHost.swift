import Logging
import ServiceLifecycle
import UnixSignals

/// Runs one shared service in this process (the body of `mitten service`): binds an
/// ephemeral port, serves the kind's methods plus `describe`, holds the registry entry
/// `KIND-NAME`, and stops on SIGTERM/SIGINT.
public struct ServiceHost: Sendable {
    /// Which kind to run.
    public var kind: ServiceKind
    /// Everything the kind needs.
    public var context: ServiceKind.Context
    /// Address to bind (port is always ephemeral).
    public var bindHost: String

    /// Creates a host.
    public init(kind: ServiceKind, context: ServiceKind.Context, bindHost: String = "127.0.0.1") {
        self.kind = kind
        self.context = context
        self.bindHost = bindHost
    }

    /// Runs until SIGTERM or SIGINT.
    public func run() async throws {
        let logger = context.logger
        let hosted = try await kind.make(context)
        var wire = hosted.wireService
        wire.on("describe", WireEmpty.self) { _ in await hosted.describe() }
        let server = try await WireServer.bind(host: bindHost, port: 0, services: [wire], secret: context.secret, logger: logger)
        let registry = RegistryClient(client: WireClient(address: context.control, secret: context.secret, logger: logger))
        let lease = RegistryLease(entry: RegistryEntry(name: kind.entryName(context.name), address: server.address, description: kind.name), orphanAfter: .seconds(120))
        logger.info("service started", metadata: ["mitten.service": "\(lease.entry.name)", "mitten.address": "\(server.address)"])
        let group = ServiceGroup(
            services: [server, ServiceFunction { try await hosted.run() }, ServiceFunction { try await cancelWhenGracefulShutdown { try await lease.hold(registry: registry, logger: logger) } }],
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger
        )
        try await group.run()
    }
}

/// A `Service` made of a closure, for small long-running pieces.
public struct ServiceFunction: Service {
    private let body: @Sendable () async throws -> Void

    /// Wraps `body`.
    public init(_ body: @escaping @Sendable () async throws -> Void) {
        self.body = body
    }

    public func run() async throws {
        try await body()
    }
}
