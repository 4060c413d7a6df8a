import Foundation
import Testing
@testable import MittenRuntime

/// What QueueStorage writes in multi-row statements reads back exactly as a row-by-row
/// writer would have left it, including two writes for one item in one commit.
@Suite struct QueueStorageTests {
    @Test func multiRowRunsReadBackInOrder() async throws {
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
            try await storage.apply(writes)
        }
        let reopened = try QueueStorage(path: path, durability: .everyCommit)
        let (records, stored) = try reopened.load()
        #expect(stored.pushed == Int64(count) && stored.acked == 10)
        let byID = Dictionary(uniqueKeysWithValues: records.map { ($0.id, $0) }) as [Int64: QueueItemRecord]
        #expect(byID.count == count)
        #expect(byID[5]?.deliveries == 2 && byID[5]?.ackedAt == Timestamp(milliseconds: 1500) && byID[5]?.body == [])
        #expect(byID[11]?.body == Array("item-11".utf8) && byID[11]?.leasedUntil == Timestamp(milliseconds: 1000) && byID[11]?.ackedAt == nil)
        #expect(byID[20]?.lane == .dead && byID[20]?.position == 999 && byID[20]?.leasedUntil == nil)
        #expect(byID[Int64(count)]?.deliveries == 1)
    }
}
