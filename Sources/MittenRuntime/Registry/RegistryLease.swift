import Logging

/// Holds a registry entry alive: registers it, renews it every third of its lease, and
/// keeps trying (with backoff) while the registry is unreachable. Unregisters on cancel.
public struct RegistryLease: Sendable {
    /// The entry held.
    public var entry: RegistryEntry
    /// Lease length; renewals come every third of it.
    public var ttl: Duration

    /// Creates a lease holder.
    public init(entry: RegistryEntry, ttl: Duration = .seconds(30)) {
        self.entry = entry
        self.ttl = ttl
    }

    /// Registers once, then renews until the task is cancelled.
    public func hold(registry: RegistryClient, logger: Logger) async {
        var backoff = Backoff(policy: .reconnect)
        while !Task.isCancelled {
            let pause: Duration
            do {
                try await registry.register(entry, ttl: ttl)
                backoff.succeeded()
                pause = ttl / 3
            } catch {
                if Task.isCancelled { break }
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
