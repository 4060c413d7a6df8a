import Dispatch
import Synchronization

/// Collects the writes of concurrent calls and makes them durable together, one
/// transaction for everything that arrived while the previous one was committing
/// (group commit). A caller enqueues its writes synchronously, in the order its
/// state changed, and then waits for its ticket.
///
/// Commits run one after the other on a thread of their own: the next starts as soon
/// as the previous is durable, with whatever arrived meanwhile, while the service's
/// event loop goes on taking calls. (Driven from a task, each commit waited for the
/// event loop to come back to it between two transactions, so the disk and the loop
/// took turns.)
///
/// After a failed commit every later wait throws: the in-memory state may be ahead
/// of the disk, so the service must stop and reload.
final class GroupCommitter<Write: Sendable>: Sendable {
    /// A place in the commit order.
    struct Ticket: Sendable {
        fileprivate let sequence: Int64
    }

    private struct State {
        var pending: [Write] = []
        var enqueued: Int64 = 0
        var committed: Int64 = 0
        var running = false
        var failure: RuntimeError?
        var waiters: [(sequence: Int64, continuation: CheckedContinuation<Void, any Error>)] = []
    }

    private let state = Synchronization.Mutex(State())
    private let apply: @Sendable ([Write]) throws -> Void
    private let queue: DispatchQueue

    /// Creates a committer that makes a batch durable with `apply` (one transaction,
    /// blocking: it runs on the committer's own thread).
    init(label: String, apply: @escaping @Sendable ([Write]) throws -> Void) {
        self.apply = apply
        self.queue = DispatchQueue(label: "mitten.commit.\(label)")
    }

    /// Queues `writes` for the next commit; nil when there is nothing to write.
    func enqueue(_ writes: [Write]) -> Ticket? {
        guard !writes.isEmpty else { return nil }
        let (ticket, start) = state.withLock { state -> (Ticket, Bool) in
            state.pending.append(contentsOf: writes)
            state.enqueued += 1
            let start = !state.running && state.failure == nil
            state.running = true
            return (Ticket(sequence: state.enqueued), start)
        }
        if start {
            queue.async { self.drain() }
        }
        return ticket
    }

    /// Returns once the writes of `ticket` are durable; throws if their commit failed.
    func wait(_ ticket: Ticket?) async throws {
        guard let ticket else { return }
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let outcome = state.withLock { state -> Result<Bool, RuntimeError> in
                if let failure = state.failure { return .failure(failure) }
                if state.committed >= ticket.sequence { return .success(true) }
                state.waiters.append((ticket.sequence, continuation))
                return .success(false)
            }
            switch outcome {
            case .failure(let error): continuation.resume(throwing: error)
            case .success(true): continuation.resume()
            case .success(false): break
            }
        }
    }

    /// The error that stopped this committer, if any.
    var failure: RuntimeError? { state.withLock { $0.failure } }

    private func drain() {
        while true {
            let (batch, upTo) = state.withLock { state -> ([Write], Int64) in
                let batch = state.pending
                state.pending = []
                if batch.isEmpty { state.running = false }
                return (batch, state.enqueued)
            }
            if batch.isEmpty { return }
            var failure: RuntimeError?
            do {
                try apply(batch)
            } catch let error as RuntimeError {
                failure = error
            } catch {
                failure = RuntimeError(.storageFailed, "writing to the database failed (\(error)); nothing acknowledged since the last commit was stored; check the disk and restart the service")
            }
            let ready = state.withLock { state -> [(CheckedContinuation<Void, any Error>, RuntimeError?)] in
                if let failure {
                    state.failure = failure
                    let all = state.waiters.map { ($0.continuation, Optional(failure)) }
                    state.waiters = []
                    return all
                }
                state.committed = upTo
                let done = state.waiters.filter { $0.sequence <= upTo }
                state.waiters.removeAll { $0.sequence <= upTo }
                return done.map { ($0.continuation, nil) }
            }
            for (continuation, error) in ready {
                if let error { continuation.resume(throwing: error) } else { continuation.resume() }
            }
            if failure != nil {
                state.withLock { $0.running = false }
                return
            }
        }
    }
}
