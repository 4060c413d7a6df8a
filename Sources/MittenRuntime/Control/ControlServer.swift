import Logging
import ServiceLifecycle
import UnixSignals

/// The Control process: the registry and Control on one listening address (default
/// 127.0.0.1:7647), registered as `Mitten-control` and `Mitten-registry`, starting
/// shared services on request. Runs until graceful shutdown, then stops its services.
public struct ControlServer: Sendable {
    /// Address to listen on (port 0 picks a free one).
    public var address: WireAddress
    /// The cluster secret.
    public var secret: ClusterSecret
    /// How shared services are started (control address is filled in after binding).
    public var launch: ServiceLauncher.Launch
    /// Grace period for service processes at shutdown.
    public var grace: Duration
    /// Where to serve Prometheus metrics (`--metrics-port`); nil serves none.
    public var metrics: WireAddress?
    /// Where to serve this process's executable to the cluster's VMs (``BinaryRelay``);
    /// nil serves none.
    public var relay: WireAddress?

    /// Creates a Control server description.
    public init(address: WireAddress, secret: ClusterSecret, launch: ServiceLauncher.Launch, grace: Duration = .seconds(5), metrics: WireAddress? = nil, relay: WireAddress? = nil) {
        self.metrics = metrics
        self.relay = relay
        self.address = address
        self.secret = secret
        self.launch = launch
        self.grace = grace
    }

    /// Binds, then runs until SIGTERM/SIGINT (or graceful shutdown of an enclosing group).
    /// `onListening` receives the bound address (for `--address-file`).
    public func run(logger: Logger, handlesSignals: Bool = true, onListening: @Sendable (WireAddress) throws -> Void = { _ in }) async throws {
        let registry = Registry(clock: ContinuousClock())
        let launcher = ServiceLauncher(launch: launch, registry: registry, logger: logger)
        let controlService = ControlService.wireService(launcher: launcher) {
            let children = await launcher.childCount
            let restarts = await launcher.restartCount
            return ServiceDescription(name: ControlService.entryName, kind: ControlService.name, columns: [.init("Children", .integer(children))], restarts: restarts)
        }
        let registryService = RegistryService.wireService(registry) {
            let counts = registry.counts()
            return ServiceDescription(name: RegistryService.entryName, kind: RegistryService.name, columns: [
                .init("Count", .integer(counts.live)), .init("Registered", .integer(counts.registered)), .init("Expired", .integer(counts.expired)),
            ])
        }
        let server = try await WireServer.bind(host: address.host, port: address.port, services: [controlService, registryService], secret: secret, logger: logger)
        let ttl = Duration.seconds(30)
        let bound = server.address
        @Sendable func registerSelf() {
            registry.register(RegistryEntry(name: ControlService.entryName, address: bound, description: ControlService.name), ttl: ttl)
            registry.register(RegistryEntry(name: RegistryService.entryName, address: bound, description: RegistryService.name), ttl: ttl)
        }
        // At once: a client that connects as soon as the port listens finds Control.
        registerSelf()
        // Children learn the real port (it differs from `address` when that asked for port 0).
        await launcher.setControl(server.address)
        try onListening(server.address)
        logger.info("control listening", metadata: ["mitten.address": "\(server.address)"])

        let selfRegistration = ServiceFunction {
            await cancelWhenGracefulShutdown {
                while true {
                    do { try await Task.sleep(for: ttl / 3) } catch { break }
                    registerSelf()
                }
            }
        }
        let sweeper = ServiceFunction { await cancelWhenGracefulShutdown { await registry.sweep(every: .seconds(1)) } }
        let grace = self.grace
        let launcherService = ServiceFunction {
            try? await gracefulShutdown()
            await launcher.stopAll(grace: grace)
        }
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
            .init(service: server), .init(service: launcherService), .init(service: sweeper), .init(service: selfRegistration),
        ]
        if let relay {
            // Without the relay Control still works: workers then get the binary over SSH.
            do {
                services.append(.init(service: try await BinaryRelay.bind(host: relay.host, port: relay.port, file: launch.executable, secret: secret, logger: logger)))
            } catch {
                logger.error("no binary relay: workers will get mitten over SSH instead", metadata: ["mitten.error": "\(error)"])
            }
        }
        if let metrics {
            services.append(.init(service: try await MetricsEndpoint.forControl(at: metrics, control: bound, secret: secret, logger: logger)))
        }
        let group = ServiceGroup(
            configuration: .init(
                services: services,
                gracefulShutdownSignals: handlesSignals ? [.sigterm, .sigint] : [],
                logger: logger
            )
        )
        try await group.run()
    }
}
