import Logging

/// Typed clients of the shared services, found through Control: asking for
/// `queue("jobs")` makes Control start `Queue-jobs` on first use, and every reconnect
/// asks Control again, so a client follows a service that was restarted elsewhere.
public struct SharedServices: Sendable {
    /// The Control client used to find services.
    public let control: ControlClient
    private let secret: ClusterSecret
    private let logger: Logger

    /// Creates clients that reach Control at `control`.
    public init(control: WireAddress, secret: ClusterSecret, logger: Logger) {
        self.control = ControlClient(client: WireClient(address: control, secret: secret, logger: logger))
        self.secret = secret
        self.logger = logger
    }

    /// The queue `name`; `NAME.dead` is the dead-letter lane of queue `NAME`.
    public func queue(_ name: String, timeout: Duration = .seconds(30)) throws -> QueueClient {
        let (service, lane) = QueueLane.split(name)
        return QueueClient(client: try connection(kind: QueueService.kindName, name: service), lane: lane, timeout: timeout)
    }

    /// The mutex `name`.
    public func mutex(_ name: String, timeout: Duration = .seconds(30)) throws -> MutexClient {
        MutexClient(client: try connection(kind: MutexService.kindName, name: name), timeout: timeout)
    }

    /// The store `name`.
    public func store(_ name: String, timeout: Duration = .seconds(30)) throws -> StoreClient {
        StoreClient(client: try connection(kind: StoreService.kindName, name: name), timeout: timeout)
    }

    private func connection(kind: String, name: String) throws -> WireClient {
        _ = try ServiceName(name)
        let control = self.control
        return WireClient(secret: secret, logger: logger) {
            try await control.ensureService(kind: kind, name: name, timeout: .seconds(30)).address
        }
    }
}
