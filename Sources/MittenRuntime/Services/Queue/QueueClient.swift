import Foundation

/// A typed client of one queue (`Queue-NAME`), or of its dead-letter lane when the
/// name ends in `.dead`.
public struct QueueClient: Sendable {
    /// The connection to the queue's service process.
    public let client: WireClient
    /// The lane this client pushes to and pops from.
    public let lane: QueueLane
    /// Per-call timeout (a blocking pop adds its wait).
    public var timeout: Duration

    /// Creates a client of `lane` over `client`.
    public init(client: WireClient, lane: QueueLane = .main, timeout: Duration = .seconds(30)) {
        self.client = client
        self.lane = lane
        self.timeout = timeout
    }

    /// Pushes items (one call, one commit); returns their ids.
    @discardableResult
    public func push(_ items: [[UInt8]]) async throws -> [Int64] {
        let reply = try await client.call(service: QueueService.kindName, method: "push",
                                          QueueService.Push(lane: lane, items: items.map { Data($0) }),
                                          as: QueueService.Pushed.self, timeout: timeout)
        return reply.ids
    }

    /// Pushes text items as UTF-8.
    @discardableResult
    public func push(_ items: [String]) async throws -> [Int64] {
        try await push(items.map { Array($0.utf8) })
    }

    /// Pops up to `limit` items under a lease (nil: the queue's default, 30 s), waiting
    /// up to `wait` when none is ready; an empty array means nothing arrived.
    public func pop(limit: Int = 1, lease: Duration? = nil, wait: Duration = .zero) async throws -> [QueueDelivery] {
        let argument = QueueService.Pop(lane: lane, limit: limit, leaseMilliseconds: lease?.milliseconds,
                                        waitMilliseconds: wait.milliseconds)
        let reply = try await client.call(service: QueueService.kindName, method: "pop", argument,
                                          as: QueueService.Popped.self, timeout: timeout + wait)
        return try reply.items.map { item in
            guard let lease = LeaseID(item.lease) else {
                throw RuntimeError(.badPayload, "the queue answered with a malformed lease id '\(item.lease)'")
            }
            return QueueDelivery(lease: lease, body: [UInt8](item.body), expiresAt: Timestamp(milliseconds: item.expiresAt))
        }
    }

    /// Acks leases; refused ones are reported in the result.
    public func ack(_ leases: [LeaseID]) async throws -> LeaseBatchResult {
        try await client.call(service: QueueService.kindName, method: "ack", QueueService.Leases(leases: leases.map(\.description)),
                              as: LeaseBatchResult.self, timeout: timeout)
    }

    /// Gives leases back: their items are ready again at the head.
    public func nack(_ leases: [LeaseID]) async throws -> LeaseBatchResult {
        try await client.call(service: QueueService.kindName, method: "nack", QueueService.Leases(leases: leases.map(\.description)),
                              as: LeaseBatchResult.self, timeout: timeout)
    }

    /// Extends a lease; returns the new expiry.
    public func renew(_ lease: LeaseID, for duration: Duration? = nil) async throws -> Timestamp {
        let reply = try await client.call(service: QueueService.kindName, method: "renew",
                                          QueueService.Renew(lease: lease.description, leaseMilliseconds: duration?.milliseconds),
                                          as: QueueService.Renewed.self, timeout: timeout)
        return Timestamp(milliseconds: reply.expiresAt)
    }

    /// Sizes, counters and rates.
    public func stats() async throws -> QueueStatistics {
        try await client.call(service: QueueService.kindName, method: "stats", WireEmpty(), as: QueueStatistics.self, timeout: timeout)
    }
}

extension LeaseBatchResult {
    /// Throws the first refusal as a ``RuntimeError``; for single-lease callers.
    public func throwIfRefused() throws {
        guard let first = refused.first else { return }
        throw RuntimeError(RuntimeError.Code(name: first.code), first.message)
    }
}
