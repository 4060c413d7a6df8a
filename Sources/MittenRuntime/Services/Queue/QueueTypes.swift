/// Which list of a queue an item is on: the main queue or its dead-letter queue `NAME.dead`.
public enum QueueLane: Int, Sendable, Codable, Hashable, CaseIterable {
    /// The queue itself.
    case main = 0
    /// The dead-letter queue: items delivered the maximum number of times without an ack.
    case dead = 1

    /// Splits a queue name as a user writes it (`jobs` or `jobs.dead`) into the
    /// service name and the lane.
    public static func split(_ name: String) -> (service: String, lane: QueueLane) {
        if name.hasSuffix(".dead"), name.count > 5 {
            return (String(name.dropLast(5)), .dead)
        }
        return (name, .main)
    }
}

/// Names one delivery of one item: the item's id and its delivery number.
///
/// A lease id is only good for the delivery it names: once the lease expires or is
/// given back and the item is delivered again, the old id is refused. Written as
/// `ITEM.DELIVERY` (for example `42.1`) on the command line.
public struct LeaseID: Hashable, Sendable, Codable, CustomStringConvertible, LosslessStringConvertible {
    /// The item's id in its queue.
    public var item: Int64
    /// Which delivery of the item this lease is (1 for the first).
    public var delivery: Int

    /// Creates a lease id.
    public init(item: Int64, delivery: Int) {
        self.item = item
        self.delivery = delivery
    }

    /// Parses `ITEM.DELIVERY`.
    public init?(_ description: String) {
        let parts = description.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, let item = Int64(parts[0]), let delivery = Int(parts[1]),
              item > 0, delivery > 0 else { return nil }
        self.init(item: item, delivery: delivery)
    }

    /// `ITEM.DELIVERY`.
    public var description: String { "\(item).\(delivery)" }

    /// The error for `text` given where a lease id belongs.
    static func notALease(_ text: String) -> RuntimeError {
        RuntimeError(.invalidArgument, "'\(text)' is not a lease id; lease ids look like 42.1 (item.delivery), as pop printed them")
    }
}

/// An item handed out by `pop`, under a lease.
public struct QueueDelivery: Hashable, Sendable, Codable {
    /// The lease to ack, nack or renew.
    public var lease: LeaseID
    /// The item's bytes.
    public var body: [UInt8]
    /// How many times the item has been delivered, this delivery included.
    public var deliveries: Int { lease.delivery }
    /// When the lease runs out unless renewed.
    public var expiresAt: Timestamp

    /// Creates a delivery.
    public init(lease: LeaseID, body: [UInt8], expiresAt: Timestamp) {
        self.lease = lease
        self.body = body
        self.expiresAt = expiresAt
    }
}

/// The outcome of acking or nacking several leases in one call.
public struct LeaseBatchResult: Hashable, Sendable, Codable {
    /// How many leases were accepted.
    public var accepted: Int
    /// The leases refused, with the reason, in the order given.
    public var refused: [Refusal]

    /// A lease that was refused.
    public struct Refusal: Hashable, Sendable, Codable {
        /// The lease.
        public var lease: LeaseID
        /// The error code (``RuntimeError/Code-swift.struct``'s wire name).
        public var code: String
        /// What happened and what to do.
        public var message: String
    }

    /// Creates a result.
    public init(accepted: Int = 0, refused: [Refusal] = []) {
        self.accepted = accepted
        self.refused = refused
    }
}

/// Counters and sizes of a queue, as `mitten queue stats` shows them.
public struct QueueStatistics: Hashable, Sendable, Codable {
    /// Items ready to pop on the main queue.
    public var ready: Int
    /// Items of the main queue under a lease.
    public var leased: Int
    /// Items ready on the dead-letter queue.
    public var deadReady: Int
    /// Items of the dead-letter queue under a lease.
    public var deadLeased: Int
    /// Items pushed since the queue was created.
    public var pushed: Int64
    /// Items acked since the queue was created.
    public var acked: Int64
    /// Leases that ran out since the queue was created.
    public var expired: Int64
    /// Items moved to the dead-letter queue since the queue was created.
    public var deadLettered: Int64
    /// Acks per second over the last 10 seconds.
    public var ackedPerSecond: Double
    /// Change of the item count (ready + leased, both lanes) over the last 10 seconds.
    public var delta: Int64

    /// Every item held, ready or leased, in both lanes.
    public var items: Int { ready + leased + deadReady + deadLeased }
}

/// One value per lane, kept without hashing: a queue touches its lane's ready list and
/// leased count for every item it hands out, acks or returns.
struct PerLane<Value: Sendable>: Sendable {
    private var main: Value
    private var dead: Value

    /// Both lanes start at `initial`.
    init(_ initial: Value) {
        main = initial
        dead = initial
    }

    subscript(lane: QueueLane) -> Value {
        get { lane == .main ? main : dead }
        _modify {
            if lane == .main { yield &main } else { yield &dead }
        }
    }
}
