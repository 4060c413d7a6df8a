/// Lets calls that wait (a blocking pop, a long-poll read, a blocking lock) sleep
/// until something changes or a deadline passes. Used from inside one actor, which
/// guarantees a waiter is registered before anything can wake it.
struct ChangeSignal: Sendable {
    private var waiters: [Int: CheckedContinuation<Void, Never>] = [:]
    private var nextID = 0

    /// A fresh waiter id, to hand to a deadline timer before ``add(_:_:)``.
    mutating func reserveID() -> Int {
        nextID += 1
        return nextID
    }

    /// Registers the waiter `id`.
    mutating func add(_ id: Int, _ continuation: CheckedContinuation<Void, Never>) {
        waiters[id] = continuation
    }

    /// Wakes one waiter (its deadline passed or its task was cancelled).
    mutating func wake(_ id: Int) {
        waiters.removeValue(forKey: id)?.resume()
    }

    /// Wakes every waiter: something changed.
    mutating func wakeAll() {
        let all = waiters.values
        waiters.removeAll()
        for waiter in all { waiter.resume() }
    }

    /// How many calls are waiting.
    var count: Int { waiters.count }
}

/// An actor whose calls wait on its ``ChangeSignal`` (the durable queue, mutex and store).
protocol ChangeWaiting: Actor {
    var clock: any ServiceClock { get }
    var signal: ChangeSignal { get set }
}

extension ChangeWaiting {
    /// Sleeps until ``ChangeSignal/wakeAll()`` is called, `deadline` passes, or the
    /// calling task is cancelled.
    func waitForChange(until deadline: Timestamp) async {
        let clock = self.clock
        let waiterID = signal.reserveID()
        let sleeper = Task { [weak self] in
            try? await clock.sleep(until: deadline)
            await self?.wake(waiterID)
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                signal.add(waiterID, continuation)
            }
        } onCancel: {
            Task { [weak self] in await self?.wakeEveryone() }
        }
        sleeper.cancel()
    }

    private func wake(_ id: Int) { signal.wake(id) }
    private func wakeEveryone() { signal.wakeAll() }
}
