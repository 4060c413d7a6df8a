/// One listing of the cluster's servers for every VM `up` waits on, instead of one
/// `GET /servers/ID` per VM: N booting VMs cost one request per round, which keeps a
/// large cluster under a cloud's rate limits and hears of every change within one
/// round. Rounds run back to back (with a short pause) while anyone waits.
actor ServerWatch<C: Clock> where C.Duration == Duration {
    private let cloud: any ClusterCloud
    private let clock: C
    private let pause: Duration
    private var waiters: [String: [(id: Int, continuation: CheckedContinuation<CloudState.Server?, any Error>)]] = [:]
    private var nextWaiter = 0
    private var polling = false

    init(cloud: any ClusterCloud, clock: C, pause: Duration = .milliseconds(500)) {
        self.cloud = cloud
        self.clock = clock
        self.pause = pause
    }

    /// The server as the next round lists it; nil when that round did not list it.
    func next(_ serverID: String) async throws -> CloudState.Server? {
        nextWaiter += 1
        let waiterID = nextWaiter
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                waiters[serverID, default: []].append((waiterID, continuation))
                if !polling {
                    polling = true
                    Task { await self.poll() }
                }
            }
        } onCancel: {
            Task { await self.cancel(serverID, waiterID) }
        }
    }

    private func cancel(_ serverID: String, _ waiterID: Int) {
        guard let index = waiters[serverID]?.firstIndex(where: { $0.id == waiterID }) else { return }
        waiters[serverID]?.remove(at: index).continuation.resume(throwing: CancellationError())
        if waiters[serverID]?.isEmpty == true { waiters[serverID] = nil }
    }

    private func poll() async {
        var first = true
        while !waiters.isEmpty {
            if !first { try? await clock.sleep(for: pause) }
            first = false
            let waiting = waiters
            waiters = [:]
            do {
                let listed = Dictionary(try await cloud.clusterServers().map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
                for (serverID, list) in waiting {
                    for waiter in list { waiter.continuation.resume(returning: listed[serverID]) }
                }
            } catch {
                for list in waiting.values {
                    for waiter in list { waiter.continuation.resume(throwing: error) }
                }
            }
        }
        polling = false
    }
}
