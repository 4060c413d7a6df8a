import Synchronization

/// The registry (the original's RingServer): entries with leases that their owners
/// renew by registering again. An entry whose lease runs out vanishes, so a client that
/// disappears without unregistering is forgotten. Time comes from the injected clock.
///
/// Its state sits behind a lock, not in an actor: every method but ``wait(for:timeout:)``
/// is quick and synchronous, so the wire server answers them on the connection's event
/// loop without starting a task or hopping to an actor for each call.
public final class Registry<C: Clock>: Sendable where C.Duration == Duration {
    private struct Lease: Sendable {
        var entry: RegistryEntry
        var expires: C.Instant
    }

    private struct State {
        var leases: [String: Lease] = [:]
        var waiters: [String: [Int: CheckedContinuation<RegistryEntry?, Never>]] = [:]
        /// Waiters given an id whose continuation is not stored yet, and those of them
        /// cancelled or timed out meanwhile.
        var announced: Set<Int> = []
        var abandoned: Set<Int> = []
        var nextWaiter = 0
        var registered = 0
        var expired = 0
        /// No lease runs out before this (nil: no lease), so most calls skip the sweep.
        var earliestExpiry: C.Instant?

        mutating func expireDue(now: C.Instant) {
            guard let earliest = earliestExpiry, earliest <= now else { return }
            // Renewals only move leases later, so `earliest` may be early: then the sweep
            // finds nothing and just computes the true earliest expiry.
            var next: C.Instant?
            for (name, lease) in leases {
                if lease.expires <= now {
                    leases[name] = nil
                    expired += 1
                } else if next.map({ lease.expires < $0 }) ?? true {
                    next = lease.expires
                }
            }
            earliestExpiry = next
        }
    }

    private let clock: C
    private let state = Mutex(State())

    /// Creates an empty registry that reads time from `clock`.
    public init(clock: C) {
        self.clock = clock
    }

    /// Adds or renews `entry` for `ttl`. Returns true when the name was not live before.
    @discardableResult
    public func register(_ entry: RegistryEntry, ttl: Duration) -> Bool {
        let now = clock.now
        let (isNew, waiting) = state.withLock { state in
            state.expireDue(now: now)
            let isNew = state.leases[entry.name] == nil
            if isNew { state.registered += 1 }
            let expires = now.advanced(by: ttl)
            state.leases[entry.name] = Lease(entry: entry, expires: expires)
            if state.earliestExpiry.map({ expires < $0 }) ?? true { state.earliestExpiry = expires }
            return (isNew, state.waiters.removeValue(forKey: entry.name))
        }
        if let waiting {
            for continuation in waiting.values { continuation.resume(returning: entry) }
        }
        return isNew
    }

    /// Removes `name`; returns whether it was live.
    @discardableResult
    public func unregister(_ name: String) -> Bool {
        let now = clock.now
        return state.withLock { state in
            state.expireDue(now: now)
            return state.leases.removeValue(forKey: name) != nil
        }
    }

    /// The live entry for `name`, if any.
    public func lookup(_ name: String) -> RegistryEntry? {
        let now = clock.now
        return state.withLock { state in
            state.expireDue(now: now)
            return state.leases[name]?.entry
        }
    }

    /// Every live entry, sorted by name.
    public func list() -> [RegistryEntry] {
        let now = clock.now
        return state.withLock { state in
            state.expireDue(now: now)
            return state.leases.values.map(\.entry)
        }.sorted { $0.name < $1.name }
    }

    /// The counters.
    public func counts() -> RegistryCounts {
        let now = clock.now
        return state.withLock { state in
            state.expireDue(now: now)
            return RegistryCounts(live: state.leases.count, registered: state.registered, expired: state.expired)
        }
    }

    /// Waits until `name` is registered, up to `timeout`; nil on timeout or cancellation.
    public func wait(for name: String, timeout: Duration) async -> RegistryEntry? {
        if let entry = lookup(name) { return entry }
        let id = state.withLock { state in
            defer { state.nextWaiter += 1 }
            state.announced.insert(state.nextWaiter)
            return state.nextWaiter
        }
        let deadline = clock.now.advanced(by: timeout)
        let timer = Task { [clock] in
            try? await clock.sleep(until: deadline, tolerance: nil)
            self.resumeWaiter(name, id)
        }
        defer { timer.cancel() }
        let now = clock.now
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                // The check and the wait are one step: a registration cannot slip between.
                let found = state.withLock { state -> RegistryEntry?? in
                    state.announced.remove(id)
                    if state.abandoned.remove(id) != nil { return .some(nil) }
                    state.expireDue(now: now)
                    if let entry = state.leases[name]?.entry { return .some(entry) }
                    state.waiters[name, default: [:]][id] = continuation
                    return .none
                }
                if let found { continuation.resume(returning: found) }
            }
        } onCancel: {
            resumeWaiter(name, id)
        }
    }

    private func resumeWaiter(_ name: String, _ id: Int) {
        let continuation = state.withLock { state -> CheckedContinuation<RegistryEntry?, Never>? in
            guard let continuation = state.waiters[name]?.removeValue(forKey: id) else {
                if state.announced.contains(id) { state.abandoned.insert(id) }
                return nil
            }
            if state.waiters[name]?.isEmpty == true { state.waiters[name] = nil }
            return continuation
        }
        continuation?.resume(returning: nil)
    }

    /// Drops entries whose lease has run out; the service calls this periodically so the
    /// counters move even when nobody asks.
    public func expireDue() {
        let now = clock.now
        state.withLock { $0.expireDue(now: now) }
    }

    /// Sweeps expired leases every `interval` until cancelled.
    public func sweep(every interval: Duration) async {
        while !Task.isCancelled {
            do { try await clock.sleep(for: interval) } catch { return }
            expireDue()
        }
    }
}
