import Logging
import MittenRuntime

/// Waits, from the workstation, until Control answers at its address and every VM of
/// the run has registered with it: Control by its `Mitten-control` entry, any other VM
/// by an entry whose address is the VM's own (its supervisor or a service it runs).
public struct RegistrationWatch<C: Clock>: Sendable where C.Duration == Duration {
    let secret: ClusterSecret
    let clock: C
    let timeout: Duration
    let logger: Logger

    /// A watch authenticating with the cluster's `secret`; gives up after `timeout`.
    public init(secret: ClusterSecret, clock: C, timeout: Duration = .seconds(300), logger: Logger) {
        self.secret = secret
        self.clock = clock
        self.timeout = timeout
        self.logger = logger
    }

    /// The VMs of `nodes` (name -> address) that `entries` do not yet show.
    public static func unregistered(_ nodes: [String: String], control: String, entries: [RegistryEntry]) -> [String] {
        nodes.keys.sorted().filter { node in
            if node == control { return !entries.contains { $0.name == ControlService.entryName } }
            let address = nodes[node]!
            return !entries.contains { $0.address.host == address || $0.name.hasSuffix("-" + node) }
        }
    }

    /// Returns once every node registered; throws naming those that did not in time.
    public func wait(control: String, controlAddress: String, nodes: [String: String]) async throws {
        guard let address = WireAddress(controlAddress) else {
            throw ClusterError(.cloudFailure, "Control's address \(controlAddress) is not HOST:PORT")
        }
        let client = WireClient(address: address, secret: secret, policy: .reconnect, logger: logger)
        defer { Task { await client.close() } }
        let registry = RegistryClient(client: client, timeout: .seconds(5))
        let start = clock.now
        var missing = Array(nodes.keys)
        while true {
            if let entries = try? await registry.list() {
                missing = Self.unregistered(nodes, control: control, entries: entries)
                if missing.isEmpty { return }
            }
            if start.duration(to: clock.now) > timeout {
                throw ClusterError(.bootstrapFailure, "after \(timeout) these VMs have not registered with Control at \(controlAddress): \(missing.sorted().joined(separator: ", ")); look at their logs with `mitten cluster ssh NODE -- journalctl -u mitten`")
            }
            // One small registry listing on an open connection: cheap enough to ask often,
            // and `up` ends this much sooner after the last VM registered.
            try await clock.sleep(for: .milliseconds(100))
        }
    }
}
