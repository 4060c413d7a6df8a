import Logging

/// One snapshot of every registered service: asks the registry for its entries, then
/// each entry's `describe` (in parallel). A service that does not answer is left out.
public enum StatusSnapshot {
    /// Takes a snapshot, waiting up to `wait` for Control to answer.
    public static func take(control: WireAddress, secret: ClusterSecret, wait: Duration, describeTimeout: Duration = .seconds(2), logger: Logger) async throws -> [ServiceDescription] {
        let client = WireClient(address: control, secret: secret, logger: logger)
        defer { Task { await client.close() } }
        let registry = RegistryClient(client: client, timeout: wait)
        let entries: [RegistryEntry]
        do {
            entries = try await registry.list()
        } catch let error as RuntimeError where error.code == .connectFailed || error.code == .timeout {
            throw RuntimeError(.connectFailed, "Control did not answer at \(control) within \(wait); start it with `mitten startup --type Control --localhost` or pass --control")
        }
        let descriptions = await withTaskGroup(of: ServiceDescription?.self) { group in
            for entry in entries {
                group.addTask {
                    let target = entry.address == control ? client : WireClient(address: entry.address, secret: secret, policy: .never, logger: logger)
                    defer { if target !== client { Task { await target.close() } } }
                    return try? await target.call(service: entry.description, method: "describe", WireEmpty(), as: ServiceDescription.self, timeout: describeTimeout)
                }
            }
            var all: [ServiceDescription] = []
            for await description in group { if let description { all.append(description) } }
            return all
        }
        return descriptions.sorted { ($0.kind == "Control" ? 0 : 1, $0.kind, $0.name) < ($1.kind == "Control" ? 0 : 1, $1.kind, $1.name) }
    }
}
