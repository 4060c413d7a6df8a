import Logging

/// A durable append-only log of (key, value) entries with strictly increasing keys
/// (the original's Drip): append, read after a key with a limit, and long-poll reads
/// that wait for new entries.
public actor DurableStore: ChangeWaiting {
    /// The store's service name.
    public let name: ServiceName
    let storage: StoreStorage
    let committer: GroupCommitter<StoreEntry>
    let clock: any ServiceClock
    var signal = ChangeSignal()
    /// The largest key appended (durable or about to be).
    public private(set) var lastKey: Int64
    /// The number of entries.
    public private(set) var count: Int
    var durableKey: Int64

    /// Opens (or creates) store `name` under `dataDirectory`.
    public init(name: ServiceName, dataDirectory: DataDirectory, durability: Durability = .everyCommit,
                clock: any ServiceClock = SystemServiceClock(), logger: Logger) throws {
        let storage = try StoreStorage(path: dataDirectory.databasePath(kind: "store", name: name), durability: durability)
        let summary = try storage.summary()
        self.name = name
        self.storage = storage
        self.committer = GroupCommitter(label: "store.\(name)") { entries in try storage.append(entries) }
        self.clock = clock
        self.lastKey = summary.lastKey
        self.durableKey = summary.lastKey
        self.count = summary.count
        logger.info("store opened", metadata: ["mitten.service": "\(name)", "mitten.store.entries": "\(summary.count)"])
    }

    /// Appends `values`; returns their keys once they are durable.
    public func append(_ values: [[UInt8]]) async throws -> [Int64] {
        if let failure = committer.failure { throw failure }
        for (index, value) in values.enumerated() {
            try ServiceLimits.checkItem(value, index: values.count > 1 ? index : nil)
        }
        let base = clock.now.milliseconds * 1000
        var entries: [StoreEntry] = []
        for value in values {
            lastKey = max(lastKey + 1, base)
            entries.append(StoreEntry(key: lastKey, value: value))
        }
        count += entries.count
        let ticket = committer.enqueue(entries)
        try await committer.wait(ticket)
        if let last = entries.last, last.key > durableKey {
            durableKey = last.key
            signal.wakeAll()
        }
        return entries.map(\.key)
    }

    /// Up to `limit` entries with keys larger than `after`; with `wait`, waits up to
    /// that long for one to be appended when there is none yet.
    public func read(after: Int64 = 0, limit: Int = 100, wait: Duration = .zero) async throws -> [StoreEntry] {
        guard limit > 0 else { throw RuntimeError(.invalidArgument, "read needs a positive limit, got \(limit)") }
        let deadline = clock.now.advanced(by: wait)
        while true {
            if let failure = committer.failure { throw failure }
            if durableKey > after {
                return try await storage.read(after: after, limit: min(limit, ServiceLimits.maximumBatch))
            }
            if clock.now >= deadline || Task.isCancelled { return [] }
            await waitForChange(until: deadline)
        }
    }


}
