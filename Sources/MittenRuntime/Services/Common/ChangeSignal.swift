/// Lets calls that wait (a blocking pop, a long-poll read, a blocking lock) sleep
/// until something changes or a deadline passes. Used from inside one actor, which
/// guarantees a waiter is registered before anything can wake it. Waiters wait on a
/// topic (a queue's lane) and are woken oldest first: all of them, or only as many as
/// there is new work for, so that one pushed item does not wake every blocked pop.
struct ChangeSignal: Sendable {
    private var waiters: [(id: Int, topic: Int, continuation: CheckedContinuation<Void, Never>)] = []
    private var nextID = 0
    /// Waiters resumed so far (for tests: a push must not wake the whole herd).
    private(set) var wakeups = 0

    /// A fresh waiter id, to hand to a deadline timer before ``add(_:topic:_:)``.
    mutating func reserveID() -> Int {
        nextID += 1
        return nextID
    }

    /// Registers the waiter `id` on `topic`.
    mutating func add(_ id: Int, topic: Int = 0, _ continuation: CheckedContinuation<Void, Never>) {
        waiters.append((id, topic, continuation))
    }

    /// Wakes one waiter (its deadline passed or its task was cancelled).
    mutating func wake(_ id: Int) {
        guard let index = waiters.firstIndex(where: { $0.id == id }) else { return }
        waiters.remove(at: index).continuation.resume()
        wakeups += 1
    }

    /// Wakes the `count` oldest waiters of `topic`: there is work for that many.
    mutating func wake(topic: Int, count: Int) {
        var woken = 0
        var index = 0
        while index < waiters.count, woken < count {
            if waiters[index].topic == topic {
                waiters.remove(at: index).continuation.resume()
                woken += 1
                wakeups += 1
            } else {
                index += 1
            }
        }
    }

    /// Wakes every waiter: something changed.
    mutating func wakeAll() {
        let all = waiters
        waiters.removeAll()
        wakeups += all.count
        for waiter in all { waiter.continuation.resume() }
    }

    /// How many calls are waiting.
    var count: Int { waiters.count }

    /// How many calls are waiting on `topic`.
    func count(topic: Int) -> Int { waiters.reduce(0) { $0 + ($1.topic == topic ? 1 : 0) } }
}

/// An actor whose calls wait on its ``ChangeSignal`` (the durable queue, mutex and store).
protocol ChangeWaiting: Actor {
    var clock: any ServiceClock { get }
    var signal: ChangeSignal { get set }
}

extension ChangeWaiting {
    /// Sleeps until ``ChangeSignal/wakeAll()`` or a wake of `topic` reaches this call,
    /// `deadline` passes, or the calling task is cancelled.
    func waitForChange(until deadline: Timestamp, topic: Int = 0) async {
        let clock = self.clock
        let waiterID = signal.reserveID()
        let sleeper = Task { [weak self] in
            try? await clock.sleep(until: deadline)
            await self?.wake(waiterID)
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                signal.add(waiterID, topic: topic, continuation)
            }
        } onCancel: {
            Task { [weak self] in await self?.wake(waiterID) }
        }
        sleeper.cancel()
    }

    private func wake(_ id: Int) { signal.wake(id) }
}
