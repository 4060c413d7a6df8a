import Foundation

/// A typed client of one queue (`Queue-NAME`), or of its dead-letter lane when the
/// name ends in `.dead`.
public struct QueueClient: Sendable {
    /// The connection to the queue's service process.
    public let client: WireClient
    /// The lane this client pushes to and pops from.
    public let lane: QueueLane
    /// Per-call timeout (a blocking pop adds its wait).
    public let timeout: Duration
    private let merged: Merged

    /// Concurrent pushes, acks and nacks of this client (and its copies) travel
    /// together: while one call is in flight the next ones wait and then go as one
    /// (``CallCoalescer``), each caller still getting its own results once they are durable.
    private final class Merged: Sendable {
        let push: CallCoalescer<[UInt8], Int64>
        let ack: CallCoalescer<LeaseID, LeaseBatchResult.Refusal?>
        let nack: CallCoalescer<LeaseID, LeaseBatchResult.Refusal?>
        let pop: PopCoalescer

        init(client: WireClient, lane: QueueLane, timeout: Duration) {
            let nackLeases: @Sendable ([LeaseID]) async throws -> LeaseBatchResult = { leases in
                try QueueWireFormat.decodeResult(try await client.call(
                    service: QueueService.kindName, method: "nack", payload: QueueWireFormat.encodeLeases(leases), timeout: timeout))
            }
            pop = PopCoalescer(send: { limit, lease, wait in
                try await QueueClient.pop(client, lane: lane, limit: limit, lease: lease, wait: wait, timeout: timeout)
            }, giveBack: { leases in _ = try? await nackLeases(leases) })
            // Merged pushes stay well inside the 1 MiB frame, counted as they travel; an
            // item over the cap goes alone, so that its refusal reaches only its caller.
            push = CallCoalescer(maximumWeight: ServiceLimits.maximumReplyBytes, weight: { item in
                item.count > ServiceLimits.maximumItemBytes ? ServiceLimits.maximumReplyBytes : ServiceLimits.replyBytes(item.count)
            }) { items in
                try QueueWireFormat.decodeIDs(try await client.call(
                    service: QueueService.kindName, method: "push", payload: QueueWireFormat.encodePush(lane: lane, items: items), timeout: timeout))
            }
            func leases(_ method: String) -> CallCoalescer<LeaseID, LeaseBatchResult.Refusal?> {
                CallCoalescer { leases in
                    let result = try QueueWireFormat.decodeResult(try await client.call(
                        service: QueueService.kindName, method: method, payload: QueueWireFormat.encodeLeases(leases), timeout: timeout))
                    // Back to one outcome per lease, in order (refusals come in the order given).
                    var refusals: [LeaseID: [LeaseBatchResult.Refusal]] = [:]
                    for refusal in result.refused { refusals[refusal.lease, default: []].append(refusal) }
                    return leases.map { lease in
                        guard var list = refusals[lease], !list.isEmpty else { return nil }
                        let first = list.removeFirst()
                        refusals[lease] = list
                        return first
                    }
                }
            }
            ack = leases("ack")
            nack = leases("nack")
        }
    }

    /// Creates a client of `lane` over `client`.
    public init(client: WireClient, lane: QueueLane = .main, timeout: Duration = .seconds(30)) {
        self.client = client
        self.lane = lane
        self.timeout = timeout
        self.merged = Merged(client: client, lane: lane, timeout: timeout)
    }

    /// Pushes items; returns their ids once they are durable. Concurrent pushes through
    /// this client share one call and one commit.
    @discardableResult
    public func push(_ items: [[UInt8]]) async throws -> [Int64] {
        try await merged.push.submit(items)
    }

    /// Pushes text items as UTF-8.
    @discardableResult
    public func push(_ items: [String]) async throws -> [Int64] {
        try await push(items.map { Array($0.utf8) })
    }

    /// Pops up to `limit` items under a lease (nil: the queue's default, 30 s), waiting
    /// up to `wait` when none is ready; an empty array means nothing arrived. Concurrent
    /// pops through this client share calls (``PopCoalescer``).
    public func pop(limit: Int = 1, lease: Duration? = nil, wait: Duration = .zero) async throws -> [QueueDelivery] {
        try await merged.pop.pop(limit: limit, lease: lease, wait: wait)
    }

    private static func pop(_ client: WireClient, lane: QueueLane, limit: Int, lease: Duration?, wait: Duration, timeout: Duration) async throws -> [QueueDelivery] {
        let request = QueueWireFormat.PopRequest(lane: lane, limit: limit, leaseMilliseconds: lease?.milliseconds,
                                                 waitMilliseconds: wait.milliseconds)
        return try QueueWireFormat.decodeDeliveries(try await client.call(
            service: QueueService.kindName, method: "pop", payload: QueueWireFormat.encodePop(request), timeout: timeout + wait))
    }

    /// Acks leases; refused ones are reported in the result.
    public func ack(_ leases: [LeaseID]) async throws -> LeaseBatchResult {
        Self.result(try await merged.ack.submit(leases))
    }

    /// Gives leases back: their items are ready again at the head.
    public func nack(_ leases: [LeaseID]) async throws -> LeaseBatchResult {
        Self.result(try await merged.nack.submit(leases))
    }

    private static func result(_ outcomes: [LeaseBatchResult.Refusal?]) -> LeaseBatchResult {
        let refused = outcomes.compactMap { $0 }
        return LeaseBatchResult(accepted: outcomes.count - refused.count, refused: refused)
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
