import Foundation
import Logging
import ServiceLifecycle

/// The `Queue` service kind: one durable queue (and its dead-letter lane) per process,
/// served over the wire. Methods: `push`, `pop`, `ack`, `nack`, `renew`, `stats`.
public final class QueueService: HostedService {
    /// The wire service name and registry prefix (`Queue-NAME`).
    public static let kindName = "Queue"

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
        // The hot methods speak the binary layouts of ``QueueWireFormat``.
        service.onRaw("push") { payload in
            let (lane, items) = try QueueWireFormat.decodePush(payload)
            return QueueWireFormat.encodeIDs(try await queue.push(items, lane: lane))
        }
        service.onRaw("pop") { payload in
            let request = try QueueWireFormat.decodePop(payload)
            return QueueWireFormat.encodeDeliveries(try await queue.pop(
                lane: request.lane, limit: request.limit, lease: request.leaseMilliseconds.map { .milliseconds($0) },
                wait: .milliseconds(max(0, request.waitMilliseconds))))
        }
        service.onRaw("ack") { payload in QueueWireFormat.encodeResult(try await queue.ack(try QueueWireFormat.decodeLeases(payload))) }
        service.onRaw("nack") { payload in QueueWireFormat.encodeResult(try await queue.nack(try QueueWireFormat.decodeLeases(payload))) }
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
            guard let lease = LeaseID(text) else { throw LeaseID.notALease(text) }
            return lease
        }
    }
}
