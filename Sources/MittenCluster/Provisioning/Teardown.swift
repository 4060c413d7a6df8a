import Logging

/// `mitten cluster down`: deletes every server of the cluster (those carrying its
/// `mitten_cluster` metadata) and releases their floating IPs, then lists again until
/// none remain. Keypair and security groups stay (they cost nothing and `up` reuses them).
public struct Teardown<C: Clock>: Sendable where C.Duration == Duration {
    let spec: ClusterSpec
    let cloud: any ClusterCloud
    let workspace: ClusterWorkspace
    let clock: C
    let logger: Logger
    /// Longest wait for deleted servers to disappear from the listing.
    public var timeout: Duration = .seconds(300)

    /// Creates a teardown of `spec`'s cluster.
    public init(spec: ClusterSpec, cloud: any ClusterCloud, workspace: ClusterWorkspace, clock: C, logger: Logger) {
        self.spec = spec
        self.cloud = cloud
        self.workspace = workspace
        self.clock = clock
        self.logger = logger
    }

    /// What `down` deleted.
    public struct Outcome: Sendable, Hashable {
        /// Names of the deleted servers.
        public var servers: [String]
        /// Floating IP addresses released.
        public var floatingIPs: [String]
    }

    /// The cluster's servers in a listing.
    func members(_ servers: [CloudState.Server]) -> [CloudState.Server] {
        servers.filter { $0.metadata[spec.membershipMetadata.key] == spec.name }.sorted { $0.name < $1.name }
    }

    /// Deletes the cluster's servers and floating IPs and verifies by listing.
    public func down() async throws -> Outcome {
        let servers = members(try await cloud.servers())
        var released: [String] = []
        for server in servers {
            released += try await cloud.releaseFloatingIPs(serverID: server.id)
            logger.info("deleting \(server.name)")
            try await cloud.deleteServer(id: server.id)
            workspace.forgetHostKey(for: server.name)
        }
        let start = clock.now
        var delay = Duration.milliseconds(250)
        while true {
            let left = members(try await cloud.servers())
            if left.isEmpty { break }
            if start.duration(to: clock.now) > timeout {
                throw ClusterError(.cloudFailure, "after \(timeout) these servers are still listed: \(left.map { "\($0.name) (\($0.status))" }.joined(separator: ", ")); delete them by hand")
            }
            try await clock.sleep(for: delay)
            delay = min(delay * 2, .seconds(2))
        }
        return Outcome(servers: servers.map(\.name), floatingIPs: released)
    }
}
