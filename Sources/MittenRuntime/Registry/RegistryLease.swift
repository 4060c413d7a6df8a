import Logging

/// Holds a registry entry alive: registers it, renews it every third of its lease, and
/// keeps trying (with backoff) while the registry is unreachable. Unregisters on cancel.
public struct RegistryLease: Sendable {
    /// The entry held.
    public var entry: RegistryEntry
    /// Lease length; renewals come every third of it.
    public var ttl: Duration
    /// When set, `hold` gives up (throws) once no renewal succeeded for this long: a
    /// service whose Control is gone for good ends instead of running on forever. A
    /// Control that comes back sooner (restarted at the same address) gets the entry
    /// again with the next renewal.
    public var orphanAfter: Duration?

    /// Creates a lease holder.
    public init(entry: RegistryEntry, ttl: Duration = .seconds(30), orphanAfter: Duration? = nil) {
        self.entry = entry
        self.ttl = ttl
        self.orphanAfter = orphanAfter
    }

    /// Registers once, then renews until the task is cancelled (or, with `orphanAfter`,
    /// until the registry stayed unreachable that long: then it throws).
    public func hold(registry: RegistryClient, logger: Logger) async throws {
        var backoff = Backoff(policy: .reconnect)
        var lastSuccess = ContinuousClock.now
        while !Task.isCancelled {
            let pause: Duration
            do {
                try await registry.register(entry, ttl: ttl)
                backoff.succeeded()
                lastSuccess = .now
                pause = ttl / 3
            } catch {
                if Task.isCancelled { break }
                if let orphanAfter, ContinuousClock.now - lastSuccess > orphanAfter {
                    logger.warning("Control unreachable; ending", metadata: ["mitten.name": "\(entry.name)", "mitten.unreachableFor": "\(orphanAfter)"])
                    throw RuntimeError(.connectFailed, "no renewal of \(entry.name) for \(orphanAfter): Control is gone")
                }
                logger.info("cannot renew registry entry", metadata: ["mitten.name": "\(entry.name)", "mitten.error": "\(error)"])
                if case .retry(let delay) = backoff.failed(random: Double.random(in: 0..<1)) { pause = delay } else { pause = ttl / 3 }
            }
            do { try await Task.sleep(for: pause) } catch { break }
        }
        // The caller is cancelled, so unregister from a fresh task that is not.
        // A short timeout: at shutdown the registry may be gone too.
        let name = entry.name
        var quick = registry
        quick.timeout = .seconds(1)
        await Task { [quick] in _ = try? await quick.unregister(name) }.value
    }
}
