import Logging

/// Watches the servers `up` waits for with one listing of the project's servers for all
/// of them, instead of one `GET /servers/ID` loop per VM: a listing starts every
/// ``interval`` while anyone waits, up to ``maximumInFlight`` at once, so a change shows
/// within about one interval after the cloud made it, however slow each request is.
/// On a cluster of 20 VMs that is fewer requests than polling each server, and the
/// last VM to become ACTIVE is seen as early as the first.
///
/// A listing that comes back after a later-sent one is ignored (it shows an older
/// state). A server that a listing showed and a later one does not is gone (deleted
/// by someone else): its waiters fail.
///
/// A cloud that pushes back is listened to: a failed listing (the transport has already
/// retried it, after `Retry-After` for a 429) drops the watch to one listing at a time
/// and doubles its interval (up to 4 s) for the rest of the run. ``maximumFailures``
/// failed listings in a row, each sent after the previous back-off, fail every waiter
/// with the last error; listings already in flight when the watch backed off do not count.
actor ServerWatch<C: Clock> where C.Duration == Duration {
    /// Which server a wait is about.
    enum Selector: Sendable, Hashable {
        /// The server with this id.
        case id(String)
        /// The server with this name that carries this `up` run's id in its metadata
        /// (found before its create returned an id).
        case named(String, run: String)

        func matches(_ server: CloudState.Server) -> Bool {
            switch self {
            case .id(let id): server.id == id
            case .named(let name, let run): server.name == name && server.metadata[CreatedServers.runMetadataKey] == run
            }
        }
    }

    /// What a wait gives up with when its deadline passes: the error for the server as
    /// last listed (nil: never listed).
    typealias TimeoutError = @Sendable (_ last: CloudState.Server?) -> any Error

    private struct Waiter {
        let selector: Selector
        let condition: @Sendable (CloudState.Server) -> Bool
        let deadline: C.Instant
        let timeoutError: TimeoutError
        let continuation: CheckedContinuation<CloudState.Server, any Error>
        var last: CloudState.Server?
    }

    private let cloud: any ClusterCloud
    private let clock: C
    /// Time between the starts of two listings.
    let interval: Duration
    /// Listings in flight at most.
    let maximumInFlight: Int
    /// Failed listings in a row that fail every waiter.
    let maximumFailures: Int
    private let logger: Logger

    private var waiters: [UInt64: Waiter] = [:]
    private var cancelledEarly: Set<UInt64> = []
    private var nextWaiter: UInt64 = 0
    private var sent = 0, applied = 0, inFlight = 0, failuresInARow = 0
    /// The pace in force: ``interval`` and ``maximumInFlight`` until a listing fails.
    private var pace: Duration
    private var paceInFlight: Int
    /// Listings sent up to this one were in flight when the watch last backed off.
    private var backedOffAt = 0
    private var polling = false

    init(cloud: any ClusterCloud, clock: C, interval: Duration = .milliseconds(500), maximumInFlight: Int = 2,
         maximumFailures: Int = 3, logger: Logger) {
        self.cloud = cloud
        self.clock = clock
        self.interval = interval
        self.maximumInFlight = maximumInFlight
        self.pace = interval
        self.paceInFlight = maximumInFlight
        self.maximumFailures = maximumFailures
        self.logger = logger
    }

    /// Waits until the server `selector` names is listed and meets `condition`, and
    /// returns it as listed then. Fails with `timeoutError` after `deadline`, when the
    /// server vanishes from the listing after it was listed, or when listings keep failing.
    func wait(for selector: Selector, until deadline: C.Instant, timeoutError: @escaping TimeoutError,
              where condition: @escaping @Sendable (CloudState.Server) -> Bool) async throws -> CloudState.Server {
        let id = nextWaiter
        nextWaiter += 1
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                if cancelledEarly.remove(id) != nil {
                    continuation.resume(throwing: CancellationError())
                    return
                }
                waiters[id] = Waiter(selector: selector, condition: condition, deadline: deadline, timeoutError: timeoutError,
                                     continuation: continuation)
                if !polling {
                    polling = true
                    Task { await self.pollWhileWaited() }
                }
            }
        } onCancel: {
            Task { await self.cancel(id) }
        }
    }

    private func cancel(_ id: UInt64) {
        guard let waiter = waiters.removeValue(forKey: id) else {
            cancelledEarly.insert(id)
            return
        }
        waiter.continuation.resume(throwing: CancellationError())
    }

    /// Starts a listing every interval while anyone waits.
    private func pollWhileWaited() async {
        while !waiters.isEmpty {
            if inFlight < paceInFlight {
                sent += 1
                inFlight += 1
                let sequence = sent
                Task { await self.list(sequence) }
            }
            expire()
            try? await clock.sleep(for: pace)
        }
        polling = false
    }

    private func list(_ sequence: Int) async {
        let result: Result<[CloudState.Server], any Error>
        do { result = .success(try await cloud.servers()) } catch { result = .failure(error) }
        inFlight -= 1
        switch result {
        case .success(let servers):
            failuresInARow = 0
            // An older state than one already applied.
            guard sequence > applied else { return }
            applied = sequence
            apply(servers)
        case .failure(let error):
            // Sent before the last back-off: that back-off already answered it.
            guard sequence > backedOffAt else { return }
            failuresInARow += 1
            backedOffAt = sent
            paceInFlight = 1
            pace = min(pace * 2, .seconds(4))
            logger.warning("listing the servers failed (\(failuresInARow) in a row; now one listing every \(pace)): \(error)")
            guard failuresInARow >= maximumFailures else { return }
            let all = waiters
            waiters.removeAll()
            for waiter in all.values { waiter.continuation.resume(throwing: error) }
        }
    }

    private func apply(_ servers: [CloudState.Server]) {
        for (id, var waiter) in waiters {
            let server = servers.first(where: waiter.selector.matches)
            if let server, waiter.condition(server) {
                waiters[id] = nil
                waiter.continuation.resume(returning: server)
            } else if server == nil, let last = waiter.last {
                waiters[id] = nil
                waiter.continuation.resume(throwing: ClusterError(.cloudFailure,
                    "\(last.name) (\(last.id)) is gone from the cloud's server list while it was \(last.status); was it deleted by hand? Run up again"))
            } else if let server {
                waiter.last = server
                waiters[id] = waiter
            }
        }
    }

    private func expire() {
        let now = clock.now
        for (id, waiter) in waiters where waiter.deadline <= now {
            waiters[id] = nil
            waiter.continuation.resume(throwing: waiter.timeoutError(waiter.last))
        }
    }
}
