import NIOCore

extension QueueState {
    /// Appends `bodies` to the tail of `lane`, in order; returns their ids.
    /// Checks every item against the cap first, so a refused batch stores nothing.
    @discardableResult
    public mutating func push(_ bodies: [[UInt8]], lane: QueueLane = .main, writes: inout [QueueWrite]) throws -> [Int64] {
        for (index, body) in bodies.enumerated() {
            try ServiceLimits.checkItem(body, index: bodies.count > 1 ? index : nil)
        }
        var ids: [Int64] = []
        ids.reserveCapacity(bodies.count)
        for body in bodies {
            let id = nextID, position = nextTail
            nextID += 1
            nextTail += 1
            items[id] = Item(lane: lane, position: position, body: body, deliveries: 0, leasedUntil: nil)
            ready[lane].append(id)
            writes.append(.insert(id: id, lane: lane, position: position, body: body))
            ids.append(id)
        }
        counters.pushed += Int64(bodies.count)
        if !bodies.isEmpty { writes.append(.counters(counters)) }
        return ids
    }

    /// Hands out up to `limit` ready items of `lane` from the head, each under a lease
    /// of `lease` (the configured default when nil). Expired leases are returned to
    /// the head first, so they are delivered before newer items.
    public mutating func pop(lane: QueueLane = .main, limit: Int, lease: Duration? = nil, now: Timestamp,
                             writes: inout [QueueWrite]) throws -> [QueueDelivery] {
        guard limit > 0 else { throw RuntimeError(.invalidArgument, "pop needs a positive count, got \(limit)") }
        let length = lease ?? configuration.defaultLease
        guard length > .zero else { throw RuntimeError(.invalidArgument, "a lease must be longer than zero") }
        expireLeases(now: now, writes: &writes)
        let until = now.advanced(by: length)
        var deliveries: [QueueDelivery] = []
        var replyBytes = 0
        while deliveries.count < min(limit, ServiceLimits.maximumBatch), let id = ready[lane].first {
            guard var item = items[id] else {
                ready[lane].removeFirst()
                continue
            }
            // Stop before the answer would outgrow a frame (one item always fits).
            replyBytes += ServiceLimits.replyBytes(item.body.count)
            if replyBytes > ServiceLimits.maximumReplyBytes, !deliveries.isEmpty { break }
            ready[lane].removeFirst()
            item.deliveries += 1
            item.leasedUntil = until
            items[id] = item
            leasedCount[lane] += 1
            let leaseID = LeaseID(item: id, delivery: item.deliveries)
            leases.insert(.init(expiresAt: until, lease: leaseID))
            writes.append(.lease(id: id, deliveries: item.deliveries, until: until))
            deliveries.append(QueueDelivery(lease: leaseID, body: item.body, expiresAt: until))
        }
        return deliveries
    }

    /// Deletes the items of `leaseIDs`; refuses (and reports) leases that are unknown,
    /// expired or given back. Acking a lease that was already acked (within
    /// ``Configuration/ackMemory``) is accepted again and changes nothing, so a caller
    /// may retry an ack whose answer it lost.
    public mutating func ack(_ leaseIDs: [LeaseID], now: Timestamp, writes: inout [QueueWrite]) -> LeaseBatchResult {
        expireLeases(now: now, writes: &writes)
        var result = LeaseBatchResult()
        var newlyAcked: Int64 = 0
        for leaseID in leaseIDs {
            if items[leaseID.item] == nil, ackedDeliveries[leaseID.item] == leaseID.delivery {
                result.accepted += 1
                continue
            }
            if let error = checkHeld(leaseID) {
                result.refused.append(.init(lease: leaseID, code: error.code.description, message: error.message))
                continue
            }
            let item = items.removeValue(forKey: leaseID.item)!
            leasedCount[item.lane] -= 1
            ackedDeliveries[leaseID.item] = leaseID.delivery
            ackTimes.append((leaseID.item, now))
            writes.append(.acked(id: leaseID.item, delivery: leaseID.delivery, at: now))
            result.accepted += 1
            newlyAcked += 1
        }
        counters.acked += newlyAcked
        if newlyAcked > 0 { writes.append(.counters(counters)) }
        return result
    }

    /// Gives the items of `leaseIDs` back now: each is ready again at the head of its
    /// lane, or moves to the dead-letter lane when it has had its deliveries.
    public mutating func nack(_ leaseIDs: [LeaseID], now: Timestamp, writes: inout [QueueWrite]) -> LeaseBatchResult {
        expireLeases(now: now, writes: &writes)
        var result = LeaseBatchResult()
        for leaseID in leaseIDs {
            if let error = checkHeld(leaseID) {
                result.refused.append(.init(lease: leaseID, code: error.code.description, message: error.message))
                continue
            }
            release(leaseID.item, writes: &writes)
            result.accepted += 1
        }
        if result.accepted > 0 { writes.append(.counters(counters)) }
        return result
    }

    /// Extends a held lease to `now + lease`; returns the new expiry.
    public mutating func renew(_ leaseID: LeaseID, lease: Duration? = nil, now: Timestamp,
                               writes: inout [QueueWrite]) throws -> Timestamp {
        let length = lease ?? configuration.defaultLease
        guard length > .zero else { throw RuntimeError(.invalidArgument, "a lease must be longer than zero") }
        expireLeases(now: now, writes: &writes)
        if let error = checkHeld(leaseID) { throw error }
        let until = now.advanced(by: length)
        items[leaseID.item]!.leasedUntil = until
        leases.insert(.init(expiresAt: until, lease: leaseID))
        writes.append(.lease(id: leaseID.item, deliveries: leaseID.delivery, until: until))
        return until
    }

    /// Returns every item whose lease ran out at or before `now` to the head of its
    /// lane (or to the dead-letter lane); returns how many expired.
    @discardableResult
    public mutating func expireLeases(now: Timestamp, writes: inout [QueueWrite]) -> Int {
        var expired = 0
        while let entry = leases.popExpired(at: now) {
            guard let item = items[entry.lease.item], item.deliveries == entry.lease.delivery,
                  item.leasedUntil == entry.expiresAt else { continue }
            release(entry.lease.item, writes: &writes)
            expired += 1
        }
        if expired > 0 {
            counters.expired += Int64(expired)
            writes.append(.counters(counters))
        }
        let horizon = now.advanced(by: .zero - configuration.ackMemory)
        var forgotten = false
        while let oldest = ackTimes.first, oldest.at < horizon {
            ackTimes.removeFirst()
            ackedDeliveries[oldest.id] = nil
            forgotten = true
        }
        if forgotten { writes.append(.purgeAcked(before: horizon)) }
        return expired
    }

    /// Why `leaseID` is not held now, or nil when it is.
    func checkHeld(_ leaseID: LeaseID) -> RuntimeError? {
        guard let item = items[leaseID.item], item.deliveries >= leaseID.delivery else {
            if ackedDeliveries[leaseID.item] != nil {
                return RuntimeError(.expiredLease, "lease \(leaseID) is no longer held: the item was delivered again and acked under another lease; do not act on it again")
            }
            return RuntimeError(.unknownLease, "lease \(leaseID) is unknown: its item was already acked or never existed; nothing to do")
        }
        guard item.deliveries == leaseID.delivery, item.leasedUntil != nil else {
            return RuntimeError(.expiredLease, "lease \(leaseID) is no longer held: it ran out or was given back, and the item will be delivered again; use a longer lease (--lease) or renew it while working")
        }
        return nil
    }

    /// Makes a leased item ready again: at the head of its lane, or at the tail of
    /// the dead-letter lane once a main-lane item has had its deliveries.
    private mutating func release(_ id: Int64, writes: inout [QueueWrite]) {
        guard var item = items[id], item.leasedUntil != nil else { return }
        leasedCount[item.lane] -= 1
        item.leasedUntil = nil
        if item.lane == .main, item.deliveries >= configuration.maximumDeliveries {
            item.lane = .dead
            item.position = nextTail
            nextTail += 1
            ready[.dead].append(id)
            counters.deadLettered += 1
        } else {
            item.position = nextHead
            nextHead -= 1
            ready[item.lane].prepend(id)
        }
        items[id] = item
        writes.append(.ready(id: id, lane: item.lane, position: item.position))
    }
}
