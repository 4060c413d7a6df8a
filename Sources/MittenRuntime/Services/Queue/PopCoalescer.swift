import Synchronization

/// Merges concurrent pops of one queue client into one wire call, as ``CallCoalescer``
/// does for pushes and acks: while a pop is in flight, new pops wait and then go as one
/// pop for all of their limits together; the items are shared out oldest request first.
/// A pop whose deadline comes before the in-flight call could return (a non-blocking pop
/// behind a blocking one) starts its own call instead of waiting. A pop that got
/// nothing and still has time goes again; a cancelled pop throws `CancellationError`,
/// and items that arrive for nobody are given back at once (nack).
final class PopCoalescer: Sendable {
    /// One pop on the wire: limit, lease, wait.
    typealias Send = @Sendable (_ limit: Int, _ lease: Duration?, _ wait: Duration) async throws -> [QueueDelivery]
    /// Returns leases nobody took.
    typealias GiveBack = @Sendable (_ leases: [LeaseID]) async -> Void

    private struct Request {
        let id: UInt64
        let limit: Int
        let lease: Duration?
        let deadline: ContinuousClock.Instant
        let continuation: CheckedContinuation<[QueueDelivery], any Error>
    }

    private struct State {
        var pending: [Request] = []
        var inFlight: [UInt64: Request] = [:]
        var cancelled: Set<UInt64> = []
        /// The deadline of each running loop's current call.
        var calls: [UInt64: ContinuousClock.Instant] = [:]
        var nextID: UInt64 = 0
    }

    private let state = Mutex(State())
    private let send: Send
    private let giveBack: GiveBack
    private let maximumItems: Int

    init(maximumItems: Int = 1000, send: @escaping Send, giveBack: @escaping GiveBack) {
        self.maximumItems = maximumItems
        self.send = send
        self.giveBack = giveBack
    }

    /// Pops waiting for the next merged call (for tests).
    var waitingPops: Int { state.withLock { $0.pending.count } }

    /// Pops up to `limit` items under `lease`, waiting up to `wait` for one.
    func pop(limit: Int, lease: Duration?, wait: Duration) async throws -> [QueueDelivery] {
        // A full batch gains nothing from company and should not queue behind others; nor
        // should a pop the service will refuse (no positive limit, no lease length).
        if limit >= maximumItems || limit < 1 || (lease.map { $0 <= .zero } ?? false) { return try await send(limit, lease, wait) }
        let id = state.withLock { state -> UInt64 in
            state.nextID += 1
            return state.nextID
        }
        let deadline = ContinuousClock.now + wait
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let startLoop = state.withLock { state -> Bool in
                    if state.cancelled.remove(id) != nil {
                        continuation.resume(throwing: CancellationError())
                        return false
                    }
                    state.pending.append(Request(id: id, limit: limit, lease: lease, deadline: deadline, continuation: continuation))
                    // Wait for a running call only if it returns by this pop's deadline.
                    return !state.calls.values.contains { $0 <= deadline }
                }
                if startLoop { Task { await self.loop() } }
            }
        } onCancel: {
            let request = state.withLock { state -> Request? in
                if let index = state.pending.firstIndex(where: { $0.id == id }) { return state.pending.remove(at: index) }
                state.cancelled.insert(id)  // in flight, or not yet queued
                return nil
            }
            request?.continuation.resume(throwing: CancellationError())
        }
    }

    private func loop() async {
        let loopID = state.withLock { state -> UInt64 in
            state.nextID += 1
            return state.nextID
        }
        while true {
            let now = ContinuousClock.now
            let batch = state.withLock { state -> [Request] in
                guard let first = state.pending.first else {
                    state.calls[loopID] = nil
                    return []
                }
                var taken: [Request] = []
                var total = 0
                var index = 0
                while index < state.pending.count {
                    let next = state.pending[index]
                    if next.lease == first.lease, taken.isEmpty || total + next.limit <= maximumItems {
                        taken.append(state.pending.remove(at: index))
                        total += next.limit
                    } else {
                        index += 1
                    }
                }
                for request in taken { state.inFlight[request.id] = request }
                state.calls[loopID] = taken.map(\.deadline).min()
                return taken
            }
            if batch.isEmpty { return }
            let wait = max(.zero, (batch.map(\.deadline).min() ?? now) - now)
            let outcome: Result<[QueueDelivery], any Error>
            do {
                outcome = .success(try await send(batch.reduce(0) { $0 + $1.limit }, batch[0].lease, wait))
            } catch {
                outcome = .failure(error)
            }
            finish(batch, outcome)
        }
    }

    private func finish(_ batch: [Request], _ outcome: Result<[QueueDelivery], any Error>) {
        let now = ContinuousClock.now
        var resumes: [(CheckedContinuation<[QueueDelivery], any Error>, Result<[QueueDelivery], any Error>)] = []
        var leftover: [QueueDelivery] = []
        state.withLock { state in
            var deliveries = (try? outcome.get())?[...] ?? []
            var again: [Request] = []
            for request in batch {
                state.inFlight[request.id] = nil
                if state.cancelled.remove(request.id) != nil {
                    resumes.append((request.continuation, .failure(CancellationError())))
                    continue
                }
                if case .failure(let error) = outcome {
                    resumes.append((request.continuation, .failure(error)))
                    continue
                }
                let share = Array(deliveries.prefix(request.limit))
                deliveries = deliveries.dropFirst(share.count)
                if !share.isEmpty || now >= request.deadline {
                    resumes.append((request.continuation, .success(share)))
                } else {
                    again.append(request)
                }
            }
            state.pending.insert(contentsOf: again, at: 0)
            leftover = Array(deliveries)
        }
        for (continuation, result) in resumes { continuation.resume(with: result) }
        if !leftover.isEmpty {
            let leases = leftover.map(\.lease)
            let giveBack = self.giveBack
            Task { await giveBack(leases) }
        }
    }
}
