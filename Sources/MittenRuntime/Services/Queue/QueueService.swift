import Foundation
import Logging
import ServiceLifecycle

/// The `Queue` service kind: one durable queue (and its dead-letter lane) per process,
/// served over the wire. Methods: `push`, `pop`, `ack`, `nack`, `renew`, `stats`.
public final class QueueService: HostedService {
    /// The wire service name and registry prefix (`Queue-NAME`).
    public static let kindName = "Queue"

    /// `push` argument: items for the tail of a lane.
    public struct Push: Codable, Sendable {
        /// The lane (`main`, or `dead` for `NAME.dead`).
        public var lane: QueueLane
        /// The items' bytes (base64 in JSON).
        public var items: [Data]
    }

    /// `push` result.
    public struct Pushed: Codable, Sendable {
        /// The ids of the items, in order.
        public var ids: [Int64]
    }

    /// `pop` argument.
    public struct Pop: Codable, Sendable {
        /// The lane.
        public var lane: QueueLane
        /// At most this many items.
        public var limit: Int
        /// Lease length in milliseconds (nil: the queue's default, 30 s).
        public var leaseMilliseconds: Int64?
        /// How long to wait for an item when none is ready, in milliseconds.
        public var waitMilliseconds: Int64
    }

    /// One delivered item on the wire.
    public struct Delivered: Codable, Sendable {
        /// `ITEM.DELIVERY`.
        public var lease: String
        /// The bytes.
        public var body: Data
        /// Deliveries so far, this one included.
        public var deliveries: Int
        /// Lease expiry, milliseconds since the epoch.
        public var expiresAt: Int64
    }

    /// `pop` result.
    public struct Popped: Codable, Sendable {
        /// The items handed out, possibly none.
        public var items: [Delivered]
    }

    /// `ack` / `nack` argument.
    public struct Leases: Codable, Sendable {
        /// Lease ids `ITEM.DELIVERY`.
        public var leases: [String]
    }

    /// `renew` argument.
    public struct Renew: Codable, Sendable {
        /// The lease id.
        public var lease: String
        /// New lease length from now, in milliseconds (nil: 30 s).
        public var leaseMilliseconds: Int64?
    }

    /// `renew` result.
    public struct Renewed: Codable, Sendable {
        /// New expiry, milliseconds since the epoch.
        public var expiresAt: Int64
    }

    /// The queue this process serves.
    public let queue: DurableQueue

    /// Opens queue `context.name` under the context's data directory, with the
    /// durability from `MITTEN_DURABILITY` (`commit`, the default, or `interval[:MS]`).
    public init(context: ServiceKind.Context) throws {
        let name = try ServiceName(context.name)
        let durability = try Durability.fromEnvironment(ProcessInfo.processInfo.environment)
        queue = try DurableQueue(name: name, dataDirectory: DataDirectory(path: context.dataDirectory),
                                 durability: durability, logger: context.logger)
    }

    public var wireService: WireService {
        let queue = self.queue
        var service = WireService(name: Self.kindName)
        service.on("push", Push.self) { argument in
            Pushed(ids: try await queue.push(argument.items.map { [UInt8]($0) }, lane: argument.lane))
        }
        service.on("pop", Pop.self) { argument in
            let deliveries = try await queue.pop(
                lane: argument.lane, limit: argument.limit, lease: argument.leaseMilliseconds.map { .milliseconds($0) },
                wait: .milliseconds(max(0, argument.waitMilliseconds)))
            return Popped(items: deliveries.map {
                Delivered(lease: $0.lease.description, body: Data($0.body), deliveries: $0.deliveries, expiresAt: $0.expiresAt.milliseconds)
            })
        }
        service.on("ack", Leases.self) { argument in try await queue.ack(try Self.parse(argument.leases)) }
        service.on("nack", Leases.self) { argument in try await queue.nack(try Self.parse(argument.leases)) }
        service.on("renew", Renew.self) { argument in
            let until = try await queue.renew(try Self.parse([argument.lease])[0], for: argument.leaseMilliseconds.map { .milliseconds($0) })
            return Renewed(expiresAt: until.milliseconds)
        }
        service.on("stats", WireEmpty.self) { _ in await queue.statistics() }
        return service
    }

    public func describe() async -> ServiceDescription {
        let stats = await queue.statistics()
        return ServiceDescription(name: "\(Self.kindName)-\(queue.name)", kind: Self.kindName, columns: [
            .init("Items", .integer(stats.items)),
            .init("Delta", .integer(Int(stats.delta))),
            .init("Items/s", .number(stats.ackedPerSecond, digits: 1)),
            .init("Leased", .integer(stats.leased + stats.deadLeased)),
            .init("Dead", .integer(stats.deadReady + stats.deadLeased)),
            .init("Acked", .integer(Int(stats.acked))),
        ])
    }

    /// Returns expired leases and checkpoints until graceful shutdown, or until the
    /// Control that started this process dies (see ``ParentWatch``).
    public func run() async throws {
        let queue = self.queue
        await ParentWatch.run { await queue.runMaintenance() }
    }

    static func parse(_ leases: [String]) throws -> [LeaseID] {
        try leases.map { text in
            guard let lease = LeaseID(text) else {
                throw RuntimeError(.invalidArgument, "'\(text)' is not a lease id; lease ids look like 42.1 (item.delivery), as pop printed them")
            }
            return lease
        }
    }
}
