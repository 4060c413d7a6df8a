import Foundation
import Logging
import NIOCore

/// Makes a supervisor visible to the cluster: a small wire server on this node's address
/// answers `describe` for the task group (workers, restarts), and a registry lease keeps
/// the entry `TaskGroup-TYPE-NODE` alive with Control. `mitten status`, the console and
/// `mitten cluster up` (which waits until every VM's address shows up in the registry)
/// see the group through it.
public struct TaskGroupPresence: Sendable {
    /// The task type supervised.
    public var taskType: String
    /// This node's name (the VM's name, or the host name locally).
    public var node: String
    /// The address to listen on: this node's address as Control reaches it.
    public var host: String

    /// A presence for `taskType` on `node`, listening on `host`.
    public init(taskType: String, node: String, host: String) {
        self.taskType = taskType
        self.node = node
        self.host = host
    }

    /// The registry entry's name.
    public var entryName: String { "TaskGroup-\(taskType)-\(node)" }

    /// Serves and holds the registration until cancelled.
    public func run(supervisor: Supervisor, control: WireAddress, secret: ClusterSecret, logger: Logger) async throws {
        var wire = WireService(name: "TaskGroup")
        let name = "\(taskType)@\(node)"
        let kind = taskType
        wire.on("describe", WireEmpty.self) { _ in
            let workers = await supervisor.workerPIDs.count
            let restarts = await supervisor.restartCount
            return ServiceDescription(name: name, kind: kind, columns: [.init("Workers", .integer(workers))], restarts: restarts)
        }
        let server = try await WireServer.bind(host: host, port: 0, services: [wire], secret: secret, logger: logger)
        let registry = RegistryClient(client: WireClient(address: control, secret: secret, logger: logger))
        let lease = RegistryLease(entry: RegistryEntry(name: entryName, address: server.address, description: "TaskGroup"))
        try? await lease.hold(registry: registry, logger: logger)
        await server.close()
        await registry.client.close()
    }

    /// The local address this node uses to reach `host` (a UDP socket connected there,
    /// which sends nothing), or nil when there is no route.
    public static func localAddress(toward host: String) -> String? {
        let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var remote = sockaddr_in()
        remote.sin_family = sa_family_t(AF_INET)
        remote.sin_port = in_port_t(UInt16(7).bigEndian)
        guard inet_pton(AF_INET, host, &remote.sin_addr) == 1 else { return nil }
        let connected = withUnsafePointer(to: &remote) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { return nil }
        var local = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &local) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard named == 0 else { return nil }
        var buffer = [CChar](repeating: 0, count: Int(INET_ADDRSTRLEN))
        guard inet_ntop(AF_INET, &local.sin_addr, &buffer, socklen_t(INET_ADDRSTRLEN)) != nil else { return nil }
        return String(cString: buffer)
    }
}
