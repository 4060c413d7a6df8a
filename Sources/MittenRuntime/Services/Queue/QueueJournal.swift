/// The queue's journal: each commit stores its writes as one blob in the `journal`
/// table instead of touching a row per item, so a commit costs SQLite one insert
/// however many items it carries. The `items` table holds the last snapshot (every
/// live item and ack tombstone); loading reads it and replays the journal on top.
/// ``DurableQueue`` writes a snapshot (and empties the journal) once the journal has
/// grown past the live data, so the journal stays short and loading stays fast.
///
/// Blob layout (little-endian): a format byte (1), then per write a tag byte and its
/// fields as 8-byte integers, except lanes (1 byte) and body lengths (4 bytes):
/// 1 insert(id, lane, position, length, body), 2 lease(id, deliveries, until ms),
/// 3 ready(id, lane, position), 4 acked(id, delivery, at ms), 5 purgeAcked(before ms),
/// 6 counters(pushed, acked, expired, dead-lettered).
enum QueueJournal {
    static let format: UInt8 = 1

    /// Approximate stored bytes of a write (for deciding when to snapshot).
    static func size(of write: QueueWrite) -> Int {
        switch write {
        case .insert(_, _, _, let body): 22 + body.count
        case .lease, .acked: 25
        case .ready: 18
        case .purgeAcked: 9
        case .counters: 33
        case .snapshot: 0
        }
    }

    /// The blob of `writes` (snapshots are not journalled).
    static func encode(_ writes: some Collection<QueueWrite>) -> [UInt8] {
        var bytes: [UInt8] = [format]
        bytes.reserveCapacity(1 + writes.reduce(0) { $0 + size(of: $1) })
        func put(_ value: Int64) { withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) } }
        for write in writes {
            switch write {
            case .insert(let id, let lane, let position, let body):
                bytes.append(1); put(id); bytes.append(UInt8(lane.rawValue)); put(position)
                withUnsafeBytes(of: UInt32(body.count).littleEndian) { bytes.append(contentsOf: $0) }
                bytes.append(contentsOf: body)
            case .lease(let id, let deliveries, let until):
                bytes.append(2); put(id); put(Int64(deliveries)); put(until.milliseconds)
            case .ready(let id, let lane, let position):
                bytes.append(3); put(id); bytes.append(UInt8(lane.rawValue)); put(position)
            case .acked(let id, let delivery, let at):
                bytes.append(4); put(id); put(Int64(delivery)); put(at.milliseconds)
            case .purgeAcked(let before):
                bytes.append(5); put(before.milliseconds)
            case .counters(let counters):
                bytes.append(6); put(counters.pushed); put(counters.acked); put(counters.expired); put(counters.deadLettered)
            case .snapshot:
                break
            }
        }
        return bytes
    }

    /// The writes of a blob; nil when it is not one this version wrote (corrupt, or
    /// from a newer mitten).
    static func decode(_ bytes: [UInt8]) -> [QueueWrite]? {
        guard bytes.first == format else { return nil }
        var offset = 1
        var writes: [QueueWrite] = []
        func byte() -> UInt8? {
            guard offset < bytes.count else { return nil }
            defer { offset += 1 }
            return bytes[offset]
        }
        func integer() -> Int64? {
            guard offset + 8 <= bytes.count else { return nil }
            var value: UInt64 = 0
            for index in (0..<8).reversed() { value = value << 8 | UInt64(bytes[offset + index]) }
            offset += 8
            return Int64(bitPattern: value)
        }
        func lane() -> QueueLane? { byte().flatMap { QueueLane(rawValue: Int($0)) } }
        while offset < bytes.count {
            switch byte() {
            case 1:
                guard let id = integer(), let lane = lane(), let position = integer(), offset + 4 <= bytes.count else { return nil }
                let length = Int(bytes[offset]) | Int(bytes[offset + 1]) << 8 | Int(bytes[offset + 2]) << 16 | Int(bytes[offset + 3]) << 24
                offset += 4
                guard offset + length <= bytes.count else { return nil }
                writes.append(.insert(id: id, lane: lane, position: position, body: Array(bytes[offset..<offset + length])))
                offset += length
            case 2:
                guard let id = integer(), let deliveries = integer(), let until = integer() else { return nil }
                writes.append(.lease(id: id, deliveries: Int(deliveries), until: Timestamp(milliseconds: until)))
            case 3:
                guard let id = integer(), let lane = lane(), let position = integer() else { return nil }
                writes.append(.ready(id: id, lane: lane, position: position))
            case 4:
                guard let id = integer(), let delivery = integer(), let at = integer() else { return nil }
                writes.append(.acked(id: id, delivery: Int(delivery), at: Timestamp(milliseconds: at)))
            case 5:
                guard let before = integer() else { return nil }
                writes.append(.purgeAcked(before: Timestamp(milliseconds: before)))
            case 6:
                guard let pushed = integer(), let acked = integer(), let expired = integer(), let dead = integer() else { return nil }
                var counters = QueueCounters()
                (counters.pushed, counters.acked, counters.expired, counters.deadLettered) = (pushed, acked, expired, dead)
                writes.append(.counters(counters))
            default:
                return nil
            }
        }
        return writes
    }

    /// Applies `writes` to stored records as the `items` table would take them.
    /// Tombstone purges are applied once, at the end, with the latest horizon: every ack
    /// after a purge is later than that purge's horizon, so the result is the same.
    static func replay(_ writes: [QueueWrite], onto records: inout [Int64: QueueItemRecord], counters: inout QueueCounters) {
        var purgeBefore: Timestamp?
        defer {
            if let purgeBefore { records = records.filter { $0.value.ackedAt.map { $0 >= purgeBefore } ?? true } }
        }
        for write in writes {
            switch write {
            case .insert(let id, let lane, let position, let body):
                records[id] = QueueItemRecord(id: id, lane: lane, position: position, body: body, deliveries: 0, leasedUntil: nil)
            case .lease(let id, let deliveries, let until):
                records[id]?.deliveries = deliveries
                records[id]?.leasedUntil = until
            case .ready(let id, let lane, let position):
                records[id]?.lane = lane
                records[id]?.position = position
                records[id]?.leasedUntil = nil
            case .acked(let id, let delivery, let at):
                records[id]?.ackedAt = at
                records[id]?.deliveries = delivery
                records[id]?.body = []
                records[id]?.leasedUntil = nil
            case .purgeAcked(let before):
                purgeBefore = max(purgeBefore ?? before, before)
            case .counters(let latest):
                counters = latest
            case .snapshot(let snapshot, let latest):
                records = Dictionary(uniqueKeysWithValues: snapshot.map { ($0.id, $0) })
                counters = latest
                purgeBefore = nil
            }
        }
    }
}

extension QueueState {
    /// Everything a snapshot stores: every item in the queue and every ack tombstone.
    func snapshotRecords() -> [QueueItemRecord] {
        var records: [QueueItemRecord] = []
        records.reserveCapacity(items.count + ackTimes.count)
        items.forEach { id, item in
            records.append(QueueItemRecord(id: id, lane: item.lane, position: item.position, body: item.body, deliveries: item.deliveries,
                                           leasedUntil: item.leasedUntil))
        }
        for (id, at) in ackTimes {
            guard let delivery = ackedDeliveries[id] else { continue }
            records.append(QueueItemRecord(id: id, lane: .main, position: 0, body: [], deliveries: delivery, leasedUntil: nil, ackedAt: at))
        }
        return records
    }

    /// Approximate stored bytes of the live data (for deciding when to snapshot).
    var snapshotBytes: Int {
        var bytes = ackTimes.count * 40
        items.forEach { _, item in bytes += 40 + item.body.count }
        return bytes
    }
}
