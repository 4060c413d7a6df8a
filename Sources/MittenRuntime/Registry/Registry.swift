/// The registry (the original's RingServer): entries with leases that their owners
/// renew by registering again. An entry whose lease runs out vanishes, so a client that
/// disappears without unregistering is forgotten. Time comes from the injected clock.
public actor Registry<C: Clock> where C.Duration == Duration {
    private struct Lease {
        var entry: RegistryEntry
        var expires: C.Instant
    }

    private let clock: C
    private var leases: [String: Lease] = [:]
    private var waiters: [String: [Int: CheckedContinuation<RegistryEntry?, Never>]] = [:]
    private var nextWaiter = 0
    private var registered = 0
    private var expired = 0
    /// No lease runs out before this (nil: no lease), so most calls skip the sweep.
    private var earliestExpiry: C.Instant?

    /// Creates an empty registry that reads time from `clock`.
    public init(clock: C) {
        self.clock = clock
    }

    /// Adds or renews `entry` for `ttl`. Returns true when the name was not live before.
    @discardableResult
    public func register(_ entry: RegistryEntry, ttl: Duration) -> Bool {
        expireDue()
        let isNew = leases[entry.name] == nil
        if isNew { registered += 1 }
        let expires = clock.now.advanced(by: ttl)
        leases[entry.name] = Lease(entry: entry, expires: expires)
        if earliestExpiry.map({ expires < $0 }) ?? true { earliestExpiry = expires }
        if let waiting = waiters.removeValue(forKey: entry.name) {
            for continuation in waiting.values { continuation.resume(returning: entry) }
        }
        return isNew
    }

    /// Removes `name`; returns whether it was live.
    @discardableResult
    public func unregister(_ name: String) -> Bool {
        expireDue()
        return leases.removeValue(forKey: name) != nil
    }

    /// The live entry for `name`, if any.
    public func lookup(_ name: String) -> RegistryEntry? {
        expireDue()
        return leases[name]?.entry
    }

    /// Every live entry, sorted by name.
    public func list() -> [RegistryEntry] {
        expireDue()
        return leases.values.map(\.entry).sorted { $0.name < $1.name }
    }

    /// The counters.
    public func counts() -> RegistryCounts {
        expireDue()
        return RegistryCounts(live: leases.count, registered: registered, expired: expired)
    }

    /// Waits until `name` is registered, up to `timeout`; nil on timeout or cancellation.
    public func wait(for name: String, timeout: Duration) async -> RegistryEntry? {
        if let entry = lookup(name) { return entry }
        let id = nextWaiter
        nextWaiter += 1
        let deadline = clock.now.advanced(by: timeout)
        let timer = Task { [clock] in
            try? await clock.sleep(until: deadline, tolerance: nil)
            self.resumeWaiter(name, id)
        }
        defer { timer.cancel() }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                waiters[name, default: [:]][id] = continuation
            }
        } onCancel: {
            Task { await self.resumeWaiter(name, id) }
        }
    }

    private func resumeWaiter(_ name: String, _ id: Int) {
        guard let continuation = waiters[name]?.removeValue(forKey: id) else { return }
        if waiters[name]?.isEmpty == true { waiters[name] = nil }
        continuation.resume(returning: nil)
    }

    /// Drops entries whose lease has run out; the service calls this periodically so the
    /// counters move even when nobody asks.
    public func expireDue() {
        let now = clock.now
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

    /// Sweeps expired leases every `interval` until cancelled.
    public func sweep(every interval: Duration) async {
        while !Task.isCancelled {
            do { try await clock.sleep(for: interval) } catch { return }
            expireDue()
        }
    }
}
