import Logging
import NIOCore
import NIOPosix
import Synchronization

/// A client that (re)connects on demand. Its address comes from `resolve` on every
/// connection attempt (a fixed address, or a registry lookup for a named service).
/// When a connection drops, calls pending on it fail; the next call reconnects with
/// capped exponential backoff and jitter until its deadline (or at once gives up
/// under ``Backoff/Policy/never``).
public final class WireClient: Sendable {
    private let resolve: @Sendable () async throws -> WireAddress
    private let secret: ClusterSecret
    private let policy: Backoff.Policy
    private let logger: Logger
    private let group: any EventLoopGroup
    private let state = Mutex<(connection: WireConnection?, connecting: Task<WireConnection, any Error>?)>((nil, nil))

    /// Creates a client of whatever address `resolve` returns.
    public init(
        secret: ClusterSecret, policy: Backoff.Policy = .reconnect, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger, resolve: @escaping @Sendable () async throws -> WireAddress
    ) {
        self.resolve = resolve
        self.secret = secret
        self.policy = policy
        self.logger = logger
        self.group = group
    }

    /// Creates a client of a fixed address.
    public convenience init(address: WireAddress, secret: ClusterSecret, policy: Backoff.Policy = .reconnect, logger: Logger) {
        self.init(secret: secret, policy: policy, logger: logger, resolve: { address })
    }

    /// Calls a method with a raw payload.
    public func call(service: String, method: String, payload: ByteBuffer = ByteBuffer(), timeout: Duration = .seconds(30)) async throws -> ByteBuffer {
        let deadline = ContinuousClock.now + timeout
        let connection = try await connection(deadline: deadline)
        return try await connection.call(service: service, method: method, payload: payload, timeout: deadline - ContinuousClock.now)
    }

    /// Calls a method with a Codable argument and result.
    public func call<Request: Encodable, Response: Decodable>(
        service: String, method: String, _ request: Request, as: Response.Type = Response.self, timeout: Duration = .seconds(30)
    ) async throws -> Response {
        let reply = try await call(service: service, method: method, payload: try WireCodec.encode(request), timeout: timeout)
        return try WireCodec.decode(Response.self, from: reply)
    }

    /// Closes the current connection, if any.
    public func close() async {
        let connection = state.withLock { state -> WireConnection? in
            state.connecting?.cancel()
            defer { state = (nil, nil) }
            return state.connection
        }
        await connection?.close()
    }

    private func connection(deadline: ContinuousClock.Instant) async throws -> WireConnection {
        let task = state.withLock { state -> Task<WireConnection, any Error>? in
            if let connection = state.connection, connection.isActive { return nil }
            if let connecting = state.connecting { return connecting }
            let connecting = Task { try await self.connectWithBackoff(deadline: deadline) }
            state.connecting = connecting
            return connecting
        }
        guard let task else { return state.withLock { $0.connection! } }
        do {
            let connection = try await task.value
            state.withLock { state in
                state.connection = connection
                state.connecting = nil
            }
            return connection
        } catch {
            state.withLock { state in
                if state.connecting == task { state.connecting = nil }
            }
            throw error
        }
    }

    private func connectWithBackoff(deadline: ContinuousClock.Instant) async throws -> WireConnection {
        var backoff = Backoff(policy: policy)
        while true {
            let lastError: any Error
            do {
                let address = try await resolve()
                let remaining = deadline - ContinuousClock.now
                guard remaining > .zero else {
                    throw RuntimeError(.timeout, "no connection to \(address) before the call's deadline")
                }
                return try await WireConnection.connect(to: address, secret: secret, connectTimeout: min(remaining, .seconds(5)), group: group)
            } catch let error as RuntimeError where error.code == .handshakeFailed {
                throw error
            } catch {
                lastError = error
            }
            try Task.checkCancellation()
            switch backoff.failed(random: Double.random(in: 0..<1)) {
            case .giveUp:
                throw lastError
            case .retry(let delay):
                guard ContinuousClock.now + delay < deadline else { throw lastError }
                logger.debug("reconnecting", metadata: ["mitten.delay": "\(delay)", "mitten.error": "\(lastError)"])
                try await Task.sleep(for: delay)
            }
        }
    }
}
