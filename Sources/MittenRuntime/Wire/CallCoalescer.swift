import Synchronization

/// Merges concurrent calls of one kind into one wire call: while the merged calls in
/// flight are at their limit, new requests wait, and all of them go together in the next one. A lone
/// caller's request leaves at once (no timer, no added latency); many concurrent
/// callers share round trips, which is how one-item calls from many tasks reach the
/// throughput of batches. Each request gets exactly the results of its own items, or
/// the error of the merged call that carried them.
final class CallCoalescer<Item: Sendable, Output: Sendable>: Sendable {
    /// Sends `items` in one call; returns one output per item, in order.
    typealias Send = @Sendable (_ items: [Item]) async throws -> [Output]

    private struct Request {
        var items: [Item]
        var weight: Int
        var continuation: CheckedContinuation<[Output], any Error>
    }

    private struct State {
        var pending: [Request] = []
        var sending = 0
    }

    private let state = Mutex(State())
    private let send: Send
    private let maximumWeight: Int
    private let maximumCalls: Int
    private let weight: @Sendable (Item) -> Int

    /// A coalescer whose merged calls weigh at most `maximumWeight` (each item weighs
    /// `weight`, 1 by default: items per call; a request that heavy or heavier goes
    /// alone, at once), with at most `maximumCalls` merged calls in flight.
    init(maximumWeight: Int = 1000, maximumCalls: Int = 2, weight: @escaping @Sendable (Item) -> Int = { _ in 1 }, send: @escaping Send) {
        self.maximumWeight = maximumWeight
        self.maximumCalls = max(1, maximumCalls)
        self.weight = weight
        self.send = send
    }

    /// Requests waiting for the next merged call (for tests).
    var waitingRequests: Int { state.withLock { $0.pending.count } }

    /// Sends `items` with whatever else is waiting; returns their outputs in order.
    func submit(_ items: [Item]) async throws -> [Output] {
        guard !items.isEmpty else { return [] }
        // A full batch gains nothing from company and should not queue behind others.
        let weight = items.reduce(0) { $0 + self.weight($1) }
        if weight >= maximumWeight { return try await send(items) }
        return try await withCheckedThrowingContinuation { continuation in
            let start = state.withLock { state -> Bool in
                state.pending.append(Request(items: items, weight: weight, continuation: continuation))
                if state.sending >= maximumCalls { return false }
                state.sending += 1
                return true
            }
            if start { Task { await self.drain() } }
        }
    }

    private func drain() async {
        while true {
            let batch = state.withLock { state -> [Request] in
                var taken: [Request] = []
                var total = 0
                while let next = state.pending.first, taken.isEmpty || total + next.weight <= maximumWeight {
                    taken.append(state.pending.removeFirst())
                    total += next.weight
                }
                if taken.isEmpty { state.sending -= 1 }
                return taken
            }
            if batch.isEmpty { return }
            do {
                let outputs = try await send(batch.flatMap(\.items))
                guard outputs.count == batch.reduce(0, { $0 + $1.items.count }) else {
                    throw RuntimeError(.badPayload, "the service answered \(outputs.count) results for \(batch.reduce(0) { $0 + $1.items.count }) items")
                }
                var offset = 0
                for request in batch {
                    request.continuation.resume(returning: Array(outputs[offset..<offset + request.items.count]))
                    offset += request.items.count
                }
            } catch {
                for request in batch { request.continuation.resume(throwing: error) }
            }
        }
    }
}
