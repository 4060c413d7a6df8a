import Testing
@testable import MittenRuntime

private func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }
private func text(_ delivery: QueueDelivery) -> String { String(decoding: delivery.body, as: UTF8.self) }
private let t0 = Timestamp(milliseconds: 1_000_000)

/// One step of a queue scenario and what the queue must answer.
enum QueueStep: Sendable {
    case push([String])
    case pop(Int, lease: Int?, at: Int, expect: [String])
    case ack(Int, at: Int, accepted: Bool)
    case nack(Int, at: Int)
    case stats(ready: Int, leased: Int, dead: Int)
    case popDead(at: Int, expect: [String])
}

@Suite struct QueueStateTests {
    /// Scenarios: times are seconds after t0; `ack(n)` / `nack(n)` name the n-th delivery
    /// handed out so far (0-based) in the scenario.
    static let scenarios: [(String, [QueueStep])] = [
        ("FIFO among ready items", [
            .push(["a", "b", "c"]),
            .pop(2, lease: nil, at: 0, expect: ["a", "b"]),
            .pop(5, lease: nil, at: 0, expect: ["c"]),
            .pop(1, lease: nil, at: 0, expect: []),
        ]),
        ("ack deletes; a repeated ack of the same lease is accepted (a retry)", [
            .push(["a"]), .pop(1, lease: nil, at: 0, expect: ["a"]),
            .ack(0, at: 1, accepted: true), .ack(0, at: 1, accepted: true),
            .stats(ready: 0, leased: 0, dead: 0),
        ]),
        ("a repeated ack is forgotten after the ack memory (10 min)", [
            .push(["a"]), .pop(1, lease: nil, at: 0, expect: ["a"]),
            .ack(0, at: 1, accepted: true), .ack(0, at: 602, accepted: false),
        ]),
        ("nack returns the item to the head", [
            .push(["a", "b"]), .pop(1, lease: nil, at: 0, expect: ["a"]),
            .nack(0, at: 1), .pop(2, lease: nil, at: 1, expect: ["a", "b"]),
        ]),
        ("expired lease is ready again at the head, before newer items", [
            .push(["a", "b"]), .pop(1, lease: 10, at: 0, expect: ["a"]),
            .pop(1, lease: nil, at: 9, expect: ["b"]),
            .push(["c"]),
            .pop(1, lease: nil, at: 10, expect: ["a"]),
            .pop(1, lease: nil, at: 10, expect: ["c"]),
        ]),
        ("ack after the lease ran out is refused and the item comes back", [
            .push(["a"]), .pop(1, lease: 5, at: 0, expect: ["a"]),
            .ack(0, at: 6, accepted: false),
            .stats(ready: 1, leased: 0, dead: 0),
            .pop(1, lease: nil, at: 6, expect: ["a"]),
            .ack(1, at: 7, accepted: true),
        ]),
        ("old lease refused after redelivery", [
            .push(["a"]), .pop(1, lease: 1, at: 0, expect: ["a"]),
            .pop(1, lease: nil, at: 2, expect: ["a"]),
            .ack(0, at: 3, accepted: false), .ack(1, at: 3, accepted: true),
            .ack(0, at: 4, accepted: false), .ack(1, at: 4, accepted: true),
        ]),
        ("dead-lettered after five deliveries, poppable from NAME.dead", [
            .push(["poison", "fine"]),
            .pop(1, lease: nil, at: 0, expect: ["poison"]), .nack(0, at: 0),
            .pop(1, lease: nil, at: 0, expect: ["poison"]), .nack(1, at: 0),
            .pop(1, lease: nil, at: 0, expect: ["poison"]), .nack(2, at: 0),
            .pop(1, lease: nil, at: 0, expect: ["poison"]), .nack(3, at: 0),
            .pop(1, lease: 1, at: 0, expect: ["poison"]),
            .stats(ready: 1, leased: 1, dead: 0),
            .pop(5, lease: nil, at: 2, expect: ["fine"]),
            .stats(ready: 0, leased: 1, dead: 1),
            .popDead(at: 2, expect: ["poison"]),
        ]),
    ]

    @Test(arguments: scenarios)
    func scenario(_ name: String, _ steps: [QueueStep]) throws {
        var queue = QueueState()
        var handedOut: [QueueDelivery] = []
        var writes: [QueueWrite] = []
        for step in steps {
            switch step {
            case .push(let items):
                try queue.push(items.map(bytes), writes: &writes)
            case .pop(let count, let lease, let at, let expect):
                let got = try queue.pop(limit: count, lease: lease.map { .seconds($0) },
                                        now: t0.advanced(by: .seconds(at)), writes: &writes)
                #expect(got.map(text) == expect, "\(name): \(step)")
                handedOut += got
            case .popDead(let at, let expect):
                let got = try queue.pop(lane: .dead, limit: 10, now: t0.advanced(by: .seconds(at)), writes: &writes)
                #expect(got.map(text) == expect, "\(name): \(step)")
                handedOut += got
            case .ack(let index, let at, let accepted):
                let result = queue.ack([handedOut[index].lease], now: t0.advanced(by: .seconds(at)), writes: &writes)
                #expect(result.accepted == (accepted ? 1 : 0), "\(name): \(step)")
            case .nack(let index, let at):
                let result = queue.nack([handedOut[index].lease], now: t0.advanced(by: .seconds(at)), writes: &writes)
                #expect(result.accepted == 1, "\(name): \(step)")
            case .stats(let ready, let leased, let dead):
                #expect(queue.readyCount(.main) == ready, "\(name): \(step)")
                #expect(queue.leasedCount(.main) == leased, "\(name): \(step)")
                #expect(queue.readyCount(.dead) + queue.leasedCount(.dead) == dead, "\(name): \(step)")
            }
        }
    }

    @Test func deliveryCountsAndLeaseIDsIncrease() throws {
        var queue = QueueState()
        var writes: [QueueWrite] = []
        try queue.push([bytes("x")], writes: &writes)
        var counts: [Int] = []
        for round in 0..<3 {
            let got = try queue.pop(limit: 1, now: t0.advanced(by: .seconds(round)), writes: &writes)
            counts.append(got[0].deliveries)
            _ = queue.nack([got[0].lease], now: t0, writes: &writes)
        }
        #expect(counts == [1, 2, 3])
    }

    @Test func oversizedItemRefusedAndNothingStored() throws {
        var queue = QueueState()
        var writes: [QueueWrite] = []
        let big = [UInt8](repeating: 0, count: ServiceLimits.maximumItemBytes + 1)
        #expect(throws: RuntimeError.self) { try queue.push([bytes("ok"), big], writes: &writes) }
        #expect(writes.isEmpty)
        #expect(queue.readyCount(.main) == 0)
    }

    @Test func reloadedQueueKeepsOrderLeasesAndCounters() throws {
        var queue = QueueState()
        var writes: [QueueWrite] = []
        try queue.push(["a", "b", "c"].map(bytes), writes: &writes)
        let first = try queue.pop(limit: 1, lease: .seconds(10), now: t0, writes: &writes)
        _ = try queue.pop(limit: 1, now: t0, writes: &writes)
        _ = queue.nack([LeaseID(item: 2, delivery: 1)], now: t0, writes: &writes)
        #expect(queue.ack([first[0].lease], now: t0, writes: &writes).accepted == 1)
        // Replay the writes the way storage loads its journal, and rebuild.
        var records: [Int64: QueueItemRecord] = [:]
        var counters = QueueCounters()
        QueueJournal.replay(writes, onto: &records, counters: &counters)
        var reloaded = QueueState(records: Array(records.values), counters: counters)
        var more: [QueueWrite] = []
        #expect(reloaded.leasedCount(.main) == 0)
        let next = try reloaded.pop(limit: 5, now: t0, writes: &more)
        #expect(next.map(text) == ["b", "c"])
        #expect(next[0].deliveries == 2)
        #expect(reloaded.counters.pushed == 3)
        // The ack is remembered across the reload: repeating it is accepted and counts once.
        #expect(reloaded.ack([first[0].lease], now: t0.advanced(by: .seconds(2)), writes: &more).accepted == 1)
        #expect(reloaded.counters.acked == 1)
    }

    /// Once every item is acked and its tombstone forgotten, a reloaded queue still gives
    /// new items ids never used before, so an old lease cannot ack a new item.
    @Test func idsAreNeverReusedAfterADrainAndAReload() throws {
        var queue = QueueState()
        var writes: [QueueWrite] = []
        try queue.push(["a", "b", "c"].map(bytes), writes: &writes)
        let popped = try queue.pop(limit: 3, now: t0, writes: &writes)
        #expect(queue.ack(popped.map(\.lease), now: t0, writes: &writes).accepted == 3)
        var records: [Int64: QueueItemRecord] = [:]
        var counters = QueueCounters()
        QueueJournal.replay(writes, onto: &records, counters: &counters)
        // The tombstones are purged once the ack memory has passed: nothing is left.
        var reloaded = QueueState(records: records.values.filter { $0.ackedAt == nil }, counters: counters)
        var more: [QueueWrite] = []
        #expect(try reloaded.push([bytes("new")], writes: &more) == [4])
        #expect(reloaded.ack([popped[0].lease], now: t0, writes: &more).accepted == 0)
        #expect(try reloaded.pop(limit: 1, now: t0, writes: &more).map(text) == ["new"])
    }
}
