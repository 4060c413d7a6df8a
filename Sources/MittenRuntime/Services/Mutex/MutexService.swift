import Foundation
import Logging
import ServiceLifecycle

/// The `Mutex` service kind: one leased mutex with fencing tokens per process.
/// Methods: `lock` (with a wait; a zero wait is try_lock), `unlock`, `renew`, `status`.
public final class MutexService: HostedService {
    /// The wire service name and registry prefix (`Mutex-NAME`).
    public static let kindName = "Mutex"

    /// `lock` argument.
    public struct Lock: Codable, Sendable {
        /// Who asks (shown as the holder), e.g. `host:pid`.
        public var owner: String
        /// Lease length in milliseconds.
        public var leaseMilliseconds: Int64
        /// How long to wait for the lock, in milliseconds (0: try_lock).
        public var waitMilliseconds: Int64
    }

    /// `lock` result: the hold, or nil when the lock stayed busy.
    public struct Locked: Codable, Sendable {
        /// The caller's hold with its fencing token, or nil.
        public var holder: LockHolder?
        /// The holder that kept it, when busy.
        public var busyWith: LockHolder?
    }

    /// `unlock` / `renew` argument.
    public struct Token: Codable, Sendable {
        /// The fencing token from `lock`.
        public var token: Int64
        /// For `renew`: the new lease length in milliseconds.
        public var leaseMilliseconds: Int64?
    }

    /// `renew` result.
    public struct Renewed: Codable, Sendable {
        /// New expiry, milliseconds since the epoch.
        public var expiresAt: Int64
    }

    /// The mutex this process serves.
    public let mutex: DurableMutex

    /// Opens mutex `context.name` under the context's data directory.
    public init(context: ServiceKind.Context) throws {
        mutex = try DurableMutex(name: ServiceName(context.name), dataDirectory: DataDirectory(path: context.dataDirectory),
                                 durability: try Durability.fromEnvironment(ProcessInfo.processInfo.environment),
                                 logger: context.logger)
    }

    public var wireService: WireService {
        let mutex = self.mutex
        var service = WireService(name: Self.kindName)
        service.on("lock", Lock.self) { argument in
            let holder = try await mutex.lock(owner: argument.owner, lease: .milliseconds(argument.leaseMilliseconds),
                                              wait: .milliseconds(max(0, argument.waitMilliseconds)))
            return Locked(holder: holder, busyWith: holder == nil ? await mutex.status().holder : nil)
        }
        service.on("unlock", Token.self) { argument in
            try await mutex.unlock(token: argument.token)
            return WireEmpty()
        }
        service.on("renew", Token.self) { argument in
            let until = try await mutex.renew(token: argument.token, lease: .milliseconds(argument.leaseMilliseconds ?? 30_000))
            return Renewed(expiresAt: until.milliseconds)
        }
        service.on("status", WireEmpty.self) { _ in await mutex.status() }
        return service
    }

    /// Waits for graceful shutdown, or for the Control that started this process to die
    /// (see ``ParentWatch``).
    public func run() async throws {
        await ParentWatch.run { try? await gracefulShutdown() }
    }

    public func describe() async -> ServiceDescription {
        let status = await mutex.status()
        return ServiceDescription(name: "\(Self.kindName)-\(mutex.name)", kind: Self.kindName, columns: [
            .init("Locked", .check(status.locked)),
            .init("Holder", .text(status.holder.map { "\($0.owner) #\($0.token)" } ?? "")),
        ])
    }
}

/// A typed client of one mutex (`Mutex-NAME`).
public struct MutexClient: Sendable {
    /// The connection to the mutex's service process.
    public let client: WireClient
    /// Per-call timeout (a blocking lock adds its wait).
    public var timeout: Duration

    /// Creates a client.
    public init(client: WireClient, timeout: Duration = .seconds(30)) {
        self.client = client
        self.timeout = timeout
    }

    /// Takes the lock under a lease, waiting up to `wait`; nil when it stayed busy.
    public func lock(owner: String, lease: Duration = .seconds(30), wait: Duration = .zero) async throws -> LockHolder? {
        try await client.call(service: MutexService.kindName, method: "lock",
                              MutexService.Lock(owner: owner, leaseMilliseconds: lease.milliseconds, waitMilliseconds: wait.milliseconds),
                              as: MutexService.Locked.self, timeout: timeout + wait).holder
    }

    /// Takes the lock if it is free now; nil when busy.
    public func tryLock(owner: String, lease: Duration = .seconds(30)) async throws -> LockHolder? {
        try await lock(owner: owner, lease: lease, wait: .zero)
    }

    /// Releases the hold of `token`; a stale token is refused (`staleToken`).
    public func unlock(token: Int64) async throws {
        _ = try await client.call(service: MutexService.kindName, method: "unlock", MutexService.Token(token: token),
                                  as: WireEmpty.self, timeout: timeout)
    }

    /// Extends the hold of `token`; returns the new expiry.
    public func renew(token: Int64, lease: Duration = .seconds(30)) async throws -> Timestamp {
        let reply = try await client.call(service: MutexService.kindName, method: "renew",
                                          MutexService.Token(token: token, leaseMilliseconds: lease.milliseconds),
                                          as: MutexService.Renewed.self, timeout: timeout)
        return Timestamp(milliseconds: reply.expiresAt)
    }

    /// Whether it is held, by whom, and the last token.
    public func status() async throws -> MutexStatus {
        try await client.call(service: MutexService.kindName, method: "status", WireEmpty(), as: MutexStatus.self, timeout: timeout)
    }
}
