import Logging

/// A durable at-least-once queue: the ``QueueState`` decisions kept in memory, every
/// change made durable in its SQLite database (group commit) before the caller gets
/// an answer, and blocking pops that wait for items, nacks or expiring leases.
public actor DurableQueue: ChangeWaiting {
    /// The queue's service name (its dead-letter lane is `NAME.dead`).
    public let name: ServiceName
    /// The database file.
    public nonisolated let path: String
    var state: QueueState
    let storage: QueueStorage
    let committer: GroupCommitter<QueueWrite>
    let clock: any ServiceClock
    let durability: Durability
    let logger: Logger
    var signal = ChangeSignal()
    /// Bytes journalled since the last snapshot, and the size at which the next snapshot
    /// is considered (``QueueJournal``).
    var journalBytes: Int
    var snapshotCheckAt = DurableQueue.minimumJournalBytes
    /// The journal is never snapshotted below this size.
    static let minimumJournalBytes = 4 << 20
    var ackRate = RateWindow()
    var itemTrend = RateWindow()

    /// Opens (or creates) queue `name` under `dataDirectory` and loads what it holds.
    public init(name: ServiceName, dataDirectory: DataDirectory, configuration: QueueState.Configuration = .init(),
                durability: Durability = .everyCommit, clock: any ServiceClock = SystemServiceClock(),
                logger: Logger) throws {
        let path = try dataDirectory.databasePath(kind: "queue", name: name)
        let storage = try QueueStorage(path: path, durability: durability)
        let (records, counters, journalBytes) = try storage.load()
        self.name = name
        self.path = path
        self.storage = storage
        self.state = QueueState(configuration: configuration, records: records, counters: counters)
        self.committer = GroupCommitter(label: "queue.\(name)") { writes in try storage.apply(writes) }
        self.journalBytes = journalBytes
        self.clock = clock
        self.durability = durability
        self.logger = logger
        logger.info("queue opened", metadata: ["mitten.service": "\(name)", "mitten.queue.items": "\(records.count)"])
    }

    /// Appends `bodies` to the tail of `lane`; returns once they are durable.
    @discardableResult
    public func push(_ bodies: [[UInt8]], lane: QueueLane = .main) async throws -> [Int64] {
        try checkHealthy()
        sample()
        var writes: [QueueWrite] = []
        let ids = try state.push(bodies, lane: lane, writes: &writes)
        let ticket = enqueue(writes)
        // Wake as many blocked pops as there are new items, not every one of them.
        signal.wake(topic: lane.rawValue, count: bodies.count)
        try await committer.wait(ticket)
        return ids
    }

    /// Pops up to `limit` items of `lane` under a lease of `lease` (default 30 s).
    /// With `wait`, waits up to that long for an item to become ready; returns an
    /// empty array when none did.
    public func pop(lane: QueueLane = .main, limit: Int = 1, lease: Duration? = nil,
                    wait: Duration = .zero) async throws -> [QueueDelivery] {
        let deadline = clock.now.advanced(by: wait)
        while true {
            try checkHealthy()
            sample()
            var writes: [QueueWrite] = []
            let deliveries = try state.pop(lane: lane, limit: limit, lease: lease, now: clock.now, writes: &writes)
            let ticket = enqueue(writes)
            if !deliveries.isEmpty || clock.now >= deadline || Task.isCancelled {
                // Woken for an item but leaving without one (its deadline passed or it was
                // cancelled): the next blocked pop gets the wake-up instead.
                if deliveries.isEmpty, state.readyCount(lane) > 0 { signal.wake(topic: lane.rawValue, count: 1) }
                try await committer.wait(ticket)
                return deliveries
            }
            let wake = state.nextExpiry.map { min($0, deadline) } ?? deadline
            await waitForChange(until: wake, topic: lane.rawValue)
        }
    }

    /// Acks `leases`: their items are deleted. Refused leases are reported, not thrown.
    public func ack(_ leases: [LeaseID]) async throws -> LeaseBatchResult {
        try checkHealthy()
        sample()
        var writes: [QueueWrite] = []
        let result = state.ack(leases, now: clock.now, writes: &writes)
        try await committer.wait(enqueue(writes))
        return result
    }

    /// Gives `leases` back: their items are ready again at the head (or dead-lettered).
    public func nack(_ leases: [LeaseID]) async throws -> LeaseBatchResult {
        try checkHealthy()
        sample()
        var writes: [QueueWrite] = []
        let result = state.nack(leases, now: clock.now, writes: &writes)
        let ticket = enqueue(writes)
        if result.accepted > 0 { signal.wakeAll() }
        try await committer.wait(ticket)
        return result
    }

    /// Extends a held lease to now + `lease`; returns the new expiry.
    public func renew(_ lease: LeaseID, for duration: Duration? = nil) async throws -> Timestamp {
        try checkHealthy()
        var writes: [QueueWrite] = []
        let until = try state.renew(lease, lease: duration, now: clock.now, writes: &writes)
        try await committer.wait(enqueue(writes))
        return until
    }

    /// Sizes, lifetime counters and rates (rates from the queue's own samples, so
    /// they do not depend on how often anyone asks).
    public func statistics() -> QueueStatistics {
        sample()
        let now = clock.now
        let items = Int64(state.items.count)
        return QueueStatistics(
            ready: state.readyCount(.main), leased: state.leasedCount(.main),
            deadReady: state.readyCount(.dead), deadLeased: state.leasedCount(.dead),
            pushed: state.counters.pushed, acked: state.counters.acked,
            expired: state.counters.expired, deadLettered: state.counters.deadLettered,
            ackedPerSecond: ackRate.perSecond(to: state.counters.acked, at: now),
            delta: itemTrend.change(to: items, at: now)?.delta ?? 0)
    }

    /// Background work until cancelled: returns expired leases even when nobody pops
    /// (so stats stay true) and, with ``Durability/interval(_:)``, checkpoints (fsyncs)
    /// every interval.
    public func runMaintenance() async {
        let period: Duration = if case .interval(let interval) = durability { interval } else { .seconds(1) }
        while !Task.isCancelled {
            try? await clock.sleep(until: clock.now.advanced(by: period))
            if Task.isCancelled { return }
            await expireNow()
            if case .interval = durability {
                do { try await storage.checkpoint() } catch {
                    logger.warning("checkpoint failed", metadata: ["mitten.service": "\(name)", "error": "\(error)"])
                }
            }
        }
    }

    func expireNow() async {
        var writes: [QueueWrite] = []
        if state.expireLeases(now: clock.now, writes: &writes) > 0 {
            signal.wakeAll()
            try? await committer.wait(enqueue(writes))
        }
    }

    /// Queues `writes` for the next commit. Once the journal has grown past twice the
    /// live data (and at least ``minimumJournalBytes``), a snapshot of the queue follows
    /// them, so that the journal stays short: its cost is the live data, once per as
    /// many bytes of changes.
    private func enqueue(_ writes: [QueueWrite]) -> GroupCommitter<QueueWrite>.Ticket? {
        guard !writes.isEmpty else { return nil }
        journalBytes += writes.reduce(0) { $0 + QueueJournal.size(of: $1) }
        var writes = writes
        if journalBytes >= snapshotCheckAt {
            let live = state.snapshotBytes
            if journalBytes >= 2 * live {
                writes.append(.snapshot(state.snapshotRecords(), state.counters))
                journalBytes = 0
                snapshotCheckAt = max(Self.minimumJournalBytes, 2 * live)
            } else {
                snapshotCheckAt = 2 * live
            }
        }
        return committer.enqueue(writes)
    }

    private func checkHealthy() throws {
        if let failure = committer.failure { throw failure }
    }

    private func sample() {
        let now = clock.now
        ackRate.record(state.counters.acked, at: now)
        itemTrend.record(Int64(state.items.count), at: now)
    }


}
