import NIOCore

/// A change the queue's state machine asks its storage to make durable.
public enum QueueWrite: Sendable, Hashable {
    /// A new item at `position` of `lane`.
    case insert(id: Int64, lane: QueueLane, position: Int64, body: [UInt8])
    /// The item was delivered: its delivery count and lease expiry.
    case lease(id: Int64, deliveries: Int, until: Timestamp)
    /// The item is ready again on `lane` at `position` (a nack, an expired lease, a dead letter).
    case ready(id: Int64, lane: QueueLane, position: Int64)
    /// The item was acked by its delivery `delivery` at `at` (kept as a tombstone
    /// without its body, so that a repeated ack of the same lease is recognised).
    case acked(id: Int64, delivery: Int, at: Timestamp)
    /// Tombstones of acks before `before` are no longer needed.
    case purgeAcked(before: Timestamp)
    /// The queue's lifetime counters.
    case counters(QueueCounters)
    /// Everything the queue holds now (items and ack tombstones) with its counters: the
    /// storage replaces what it has with this and empties its journal.
    case snapshot([QueueItemRecord], QueueCounters)
}

/// The lifetime counters of a queue, persisted with its items.
public struct QueueCounters: Sendable, Hashable, Codable {
    /// Items pushed.
    public var pushed: Int64 = 0
    /// Items acked.
    public var acked: Int64 = 0
    /// Leases that ran out.
    public var expired: Int64 = 0
    /// Items moved to the dead-letter queue.
    public var deadLettered: Int64 = 0

    /// Zero counters.
    public init() {}
}

/// One item as stored.
public struct QueueItemRecord: Sendable, Hashable {
    /// The item's id.
    public var id: Int64
    /// The lane it is on.
    public var lane: QueueLane
    /// Its place in the lane's order (smaller pops first).
    public var position: Int64
    /// Its bytes.
    public var body: [UInt8]
    /// How many times it has been delivered.
    public var deliveries: Int
    /// When its current lease runs out, or nil when it is ready.
    public var leasedUntil: Timestamp?
    /// When it was acked (a tombstone), or nil while it is in the queue.
    public var ackedAt: Timestamp?

    /// Creates a record.
    public init(id: Int64, lane: QueueLane, position: Int64, body: [UInt8], deliveries: Int, leasedUntil: Timestamp?,
                ackedAt: Timestamp? = nil) {
        self.ackedAt = ackedAt
        self.id = id
        self.lane = lane
        self.position = position
        self.body = body
        self.deliveries = deliveries
        self.leasedUntil = leasedUntil
    }
}

/// The decisions of a durable at-least-once queue, without I/O: FIFO among ready
/// items, leases with expiry, nack and expiry to the head, delivery counts, and a
/// dead-letter lane after `maximumDeliveries`. Every mutation returns the writes
/// that make it durable; time is passed in.
public struct QueueState: Sendable {
    /// Tunables of a queue.
    public struct Configuration: Sendable, Hashable {
        /// Lease length when a pop names none (30 s).
        public var defaultLease: Duration = .seconds(30)
        /// Deliveries after which an item that is not acked goes to the dead-letter lane (5).
        public var maximumDeliveries: Int = 5
        /// How long an ack is remembered, so that acking the same lease again (a retry
        /// after a lost answer) succeeds instead of being refused (10 minutes).
        public var ackMemory: Duration = .seconds(600)
        /// Creates the defaults.
        public init() {}
    }

    struct Item: Sendable {
        var lane: QueueLane
        var position: Int64
        var body: [UInt8]
        var deliveries: Int
        var leasedUntil: Timestamp?
    }

    /// The configuration in force.
    public let configuration: Configuration
    var items = IDTable<Item>()
    var ready = PerLane<CircularBuffer<Int64>>([])
    var leasedCount = PerLane(0)
    var leases = LeaseHeap()
    /// Recently acked items: their acking delivery, and the ack times in order for pruning.
    var ackedDeliveries = IDTable<Int>()
    var ackTimes = CircularBuffer<(id: Int64, at: Timestamp)>()
    var nextID: Int64 = 1
    var nextTail: Int64 = 0
    var nextHead: Int64 = -1
    /// The lifetime counters.
    public internal(set) var counters = QueueCounters()

    /// An empty queue.
    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    /// A queue holding `records` as loaded from storage, with its counters.
    public init(configuration: Configuration = Configuration(), records: [QueueItemRecord], counters: QueueCounters) {
        self.configuration = configuration
        self.counters = counters
        // Ids are handed out in order by pushes only, and `pushed` is stored in the same
        // commit as the items: past every id ever given, even once the items and their
        // ack tombstones are gone (a reused id would let an old lease ack a new item).
        nextID = counters.pushed + 1
        var readyRecords: [QueueItemRecord] = []
        var tombstones: [(id: Int64, at: Timestamp)] = []
        for record in records {
            nextID = max(nextID, record.id + 1)
            if let ackedAt = record.ackedAt {
                ackedDeliveries[record.id] = record.deliveries
                tombstones.append((record.id, ackedAt))
                continue
            }
            items[record.id] = Item(lane: record.lane, position: record.position, body: record.body,
                                    deliveries: record.deliveries, leasedUntil: record.leasedUntil)
            nextTail = max(nextTail, record.position + 1)
            nextHead = min(nextHead, record.position - 1)
            if let until = record.leasedUntil {
                leasedCount[record.lane] += 1
                leases.insert(.init(expiresAt: until, lease: LeaseID(item: record.id, delivery: record.deliveries)))
            } else {
                readyRecords.append(record)
            }
        }
        for tombstone in tombstones.sorted(by: { $0.at < $1.at }) { ackTimes.append(tombstone) }
        for record in readyRecords.sorted(by: { $0.position < $1.position }) {
            ready[record.lane].append(record.id)
        }
    }

    /// The earliest time a lease may run out, for a waiting pop to wake up.
    public var nextExpiry: Timestamp? { leases.earliest }

    /// Items ready on `lane`.
    public func readyCount(_ lane: QueueLane) -> Int { ready[lane].count }
    /// Items leased on `lane`.
    public func leasedCount(_ lane: QueueLane) -> Int { leasedCount[lane] }
}
