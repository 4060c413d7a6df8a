import Foundation
import Testing
@testable import MittenRuntime

/// What QueueStorage stores reads back exactly as the writes say, including two writes
/// for one item in one commit.
@Suite struct QueueStorageTests {
    @Test func writesReadBackInOrder() async throws {
        let data = try TemporaryDataDirectory()
        defer { data.cleanUp() }
        let path = data.path + "/q.sqlite"
        func counters(pushed: Int, acked: Int) -> QueueCounters {
            var counters = QueueCounters()
            counters.pushed = Int64(pushed)
            counters.acked = Int64(acked)
            return counters
        }
        let count = 150 // two full runs of 64 and a tail
        var writes: [QueueWrite] = (1...count).map { .insert(id: Int64($0), lane: .main, position: Int64($0), body: Array("item-\($0)".utf8)) }
        writes.append(.counters(counters(pushed: 1, acked: 0)))
        writes += (1...count).map { .lease(id: Int64($0), deliveries: 1, until: Timestamp(milliseconds: 1000)) }
        // The same item twice in one run: the later write wins.
        writes.append(.lease(id: 5, deliveries: 2, until: Timestamp(milliseconds: 2000)))
        writes += (1...10).map { .acked(id: Int64($0), delivery: $0 == 5 ? 2 : 1, at: Timestamp(milliseconds: 1500)) }
        writes.append(.ready(id: 20, lane: .dead, position: 999))
        writes.append(.counters(counters(pushed: count, acked: 10)))
        do {
            let storage = try QueueStorage(path: path, durability: .everyCommit)
            try storage.apply(writes)
        }
        let reopened = try QueueStorage(path: path, durability: .everyCommit)
        let (records, stored, _) = try reopened.load()
        #expect(stored.pushed == Int64(count) && stored.acked == 10)
        let byID = Dictionary(uniqueKeysWithValues: records.map { ($0.id, $0) }) as [Int64: QueueItemRecord]
        #expect(byID.count == count)
        #expect(byID[5]?.deliveries == 2 && byID[5]?.ackedAt == Timestamp(milliseconds: 1500) && byID[5]?.body == [])
        #expect(byID[11]?.body == Array("item-11".utf8) && byID[11]?.leasedUntil == Timestamp(milliseconds: 1000) && byID[11]?.ackedAt == nil)
        #expect(byID[20]?.lane == .dead && byID[20]?.position == 999 && byID[20]?.leasedUntil == nil)
        #expect(byID[Int64(count)]?.deliveries == 1)
    }
}

/// The journal: every write survives encoding; a journalled database loads exactly as the
/// same writes applied to the tables row by row, with snapshots at any point; a damaged
/// entry is refused with the file named and nothing changed.
@Suite struct QueueJournalTests {
    @Test func everyWriteSurvivesEncoding() throws {
        var counters = QueueCounters()
        (counters.pushed, counters.acked, counters.expired, counters.deadLettered) = (7, 5, 2, 1)
        let writes: [QueueWrite] = [
            .insert(id: 1, lane: .main, position: -3, body: Array("a body".utf8)),
            .insert(id: 2, lane: .dead, position: 9, body: []),
            .lease(id: 1, deliveries: 4, until: Timestamp(milliseconds: 1_700_000_000_123)),
            .ready(id: 1, lane: .dead, position: Int64.min + 1),
            .acked(id: 2, delivery: 3, at: Timestamp(milliseconds: 42)),
            .purgeAcked(before: Timestamp(milliseconds: 41)),
            .counters(counters),
        ]
        let blob = QueueJournal.encode(writes)
        #expect(QueueJournal.decode(blob) == writes)
        #expect(QueueJournal.decode(Array(blob.dropLast())) == nil)
        #expect(QueueJournal.decode([2] + blob.dropFirst()) == nil)
        #expect(QueueJournal.decode(blob + [99]) == nil)
    }

    /// A random run of pushes, pops, acks, nacks and expiries, committed in random groups
    /// with snapshots of the state at random points, loads as exactly what the queue held
    /// in memory at the end.
    @Test(arguments: [1, 2, 3, 4, 5])
    func journalledLoadsWhatTheQueueHeld(seed: UInt64) async throws {
        let data = try TemporaryDataDirectory()
        defer { data.cleanUp() }
        var random = SplitMix(seed: seed)
        var configuration = QueueState.Configuration()
        configuration.ackMemory = .seconds(20)
        configuration.maximumDeliveries = 3
        var state = QueueState(configuration: configuration)
        var held: [LeaseID] = []
        var commits: [[QueueWrite]] = []
        var now = Timestamp(milliseconds: 1_000_000)
        for step in 0..<400 {
            var writes: [QueueWrite] = []
            now = now.advanced(by: .milliseconds(Int64.random(in: 0...900, using: &random)))
            switch Int.random(in: 0..<10, using: &random) {
            case 0...2:
                try state.push((0..<Int.random(in: 1...5, using: &random)).map { Array("item \(step)-\($0)".utf8) }, writes: &writes)
            case 3...5:
                let lease = Duration.milliseconds(Int64.random(in: 500...5000, using: &random))
                held += try state.pop(limit: Int.random(in: 1...4, using: &random), lease: lease, now: now, writes: &writes).map(\.lease)
            case 6...7:
                let some = held.shuffled(using: &random).prefix(3)
                held.removeAll { some.contains($0) }
                _ = state.ack(Array(some), now: now, writes: &writes)
            case 8:
                if let lease = held.popLast() { _ = state.nack([lease], now: now, writes: &writes) }
            default:
                state.expireLeases(now: now, writes: &writes)
            }
            if Int.random(in: 0..<15, using: &random) == 0 { writes.append(.snapshot(state.snapshotRecords(), state.counters)) }
            if !writes.isEmpty {
                if commits.isEmpty || Bool.random(using: &random) { commits.append(writes) } else { commits[commits.count - 1] += writes }
            }
        }
        do {
            let storage = try QueueStorage(path: data.path + "/q.sqlite", durability: .everyCommit)
            for commit in commits { try storage.apply(commit) }
        }
        let (loaded, loadedCounters, _) = try QueueStorage(path: data.path + "/q.sqlite", durability: .everyCommit).load()
        // A tombstone keeps only its id, delivery and ack time (the journal leaves the rest
        // of the row as it was, a snapshot does not write it).
        func normalized(_ records: [QueueItemRecord]) -> Set<QueueItemRecord> {
            Set(records.map { record in
                guard let at = record.ackedAt else { return record }
                return QueueItemRecord(id: record.id, lane: .main, position: 0, body: [], deliveries: record.deliveries, leasedUntil: nil, ackedAt: at)
            })
        }
        #expect(loadedCounters == state.counters)
        #expect(normalized(loaded) == normalized(state.snapshotRecords()))
        // It rebuilds the same queue, ready items in the same order.
        let reloaded = QueueState(configuration: configuration, records: loaded, counters: loadedCounters)
        #expect(reloaded.readyCount(.main) == state.readyCount(.main) && reloaded.readyCount(.dead) == state.readyCount(.dead))
        #expect(reloaded.leasedCount(.main) == state.leasedCount(.main) && reloaded.leasedCount(.dead) == state.leasedCount(.dead))
        #expect(Array(reloaded.ready[.main]) == Array(state.ready[.main]) && Array(reloaded.ready[.dead]) == Array(state.ready[.dead]))
    }

    @Test func damagedEntryIsRefusedAndLeftAlone() async throws {
        try await expectRefusedLoad(mentioning: "journal entry 2") { storage in
            try storage.apply([.insert(id: 1, lane: .main, position: 0, body: Array("kept".utf8))])
            try await storage.appendJournalEntry([1, 2, 3])
        }
    }

    @Test func anItemIDMittenNeverWritesIsRefused() async throws {
        try await expectRefusedLoad(mentioning: "item id -7") { storage in
            try storage.apply([.insert(id: -7, lane: .main, position: 0, body: Array("odd".utf8))])
        }
    }

    /// Writes a database with `prepare`; loading it must be refused as corrupt, naming
    /// the file and `mentioning`, and leave the file byte for byte as it was.
    private func expectRefusedLoad(mentioning: String, _ prepare: (QueueStorage) async throws -> Void) async throws {
        let data = try TemporaryDataDirectory()
        defer { data.cleanUp() }
        let path = data.path + "/q.sqlite"
        do {
            try await prepare(try QueueStorage(path: path, durability: .everyCommit))
        }
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect {
            _ = try QueueStorage(path: path, durability: .everyCommit).load()
        } throws: { error in
            guard let error = error as? RuntimeError else { return false }
            return error.code == .databaseCorrupt && error.message.contains(path) && error.message.contains(mentioning)
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
    }
}
