import Foundation
import Logging
import ServiceLifecycle

/// The `Store` service kind: one durable append-only log per process (the original's
/// Drip). Methods: `append`, `read` (with a long-poll wait).
public final class StoreService: HostedService {
    /// The wire service name and registry prefix (`Store-NAME`).
    public static let kindName = "Store"

    /// `append` argument.
    public struct Append: Codable, Sendable {
        /// The values' bytes.
        public var values: [Data]
    }

    /// `append` result.
    public struct Appended: Codable, Sendable {
        /// The keys given to the values, in order.
        public var keys: [Int64]
    }

    /// `read` argument.
    public struct Read: Codable, Sendable {
        /// Entries with keys larger than this (0: from the start).
        public var after: Int64
        /// At most this many.
        public var limit: Int
        /// How long to wait for a new entry when there is none, in milliseconds.
        public var waitMilliseconds: Int64
    }

    /// One entry on the wire.
    public struct Entry: Codable, Sendable {
        /// The key.
        public var key: Int64
        /// The value's bytes.
        public var value: Data
    }

    /// `read` result.
    public struct Entries: Codable, Sendable {
        /// The entries, in key order.
        public var entries: [Entry]
    }

    /// The store this process serves.
    public let store: DurableStore

    /// Opens store `context.name` under the context's data directory.
    public init(context: ServiceKind.Context) throws {
        store = try DurableStore(name: ServiceName(context.name), dataDirectory: DataDirectory(path: context.dataDirectory),
                                 durability: try Durability.fromEnvironment(ProcessInfo.processInfo.environment),
                                 logger: context.logger)
    }

    public var wireService: WireService {
        let store = self.store
        var service = WireService(name: Self.kindName)
        service.on("append", Append.self) { argument in
            Appended(keys: try await store.append(argument.values.map { [UInt8]($0) }))
        }
        service.on("read", Read.self) { argument in
            let entries = try await store.read(after: argument.after, limit: argument.limit,
                                               wait: .milliseconds(max(0, argument.waitMilliseconds)))
            return Entries(entries: entries.map { Entry(key: $0.key, value: Data($0.value)) })
        }
        return service
    }

    /// Waits for graceful shutdown, or for the Control that started this process to die
    /// (see ``ParentWatch``).
    public func run() async throws {
        await ParentWatch.run { try? await gracefulShutdown() }
    }

    public func describe() async -> ServiceDescription {
        let count = await store.count, lastKey = await store.lastKey
        return ServiceDescription(name: "\(Self.kindName)-\(store.name)", kind: Self.kindName, columns: [
            .init("Items", .integer(count)),
            .init("Last key", .text(lastKey == 0 ? "" : "\(lastKey)")),
        ])
    }
}

/// A typed client of one store (`Store-NAME`).
public struct StoreClient: Sendable {
    /// The connection to the store's service process.
    public let client: WireClient
    /// Per-call timeout (a long-poll read adds its wait).
    public var timeout: Duration

    /// Creates a client.
    public init(client: WireClient, timeout: Duration = .seconds(30)) {
        self.client = client
        self.timeout = timeout
    }

    /// Appends values; returns their keys.
    @discardableResult
    public func append(_ values: [[UInt8]]) async throws -> [Int64] {
        try await client.call(service: StoreService.kindName, method: "append", StoreService.Append(values: values.map { Data($0) }),
                              as: StoreService.Appended.self, timeout: timeout).keys
    }

    /// Up to `limit` entries after `after`, waiting up to `wait` for one when there is none.
    public func read(after: Int64 = 0, limit: Int = 100, wait: Duration = .zero) async throws -> [StoreEntry] {
        try await client.call(service: StoreService.kindName, method: "read",
                              StoreService.Read(after: after, limit: limit, waitMilliseconds: wait.milliseconds),
                              as: StoreService.Entries.self, timeout: timeout + wait)
            .entries.map { StoreEntry(key: $0.key, value: [UInt8]($0.value)) }
    }
}
