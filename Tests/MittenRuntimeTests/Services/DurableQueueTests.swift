import Foundation
import Testing
@testable import MittenRuntime

private func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }
private func text(_ delivery: QueueDelivery) -> String { String(decoding: delivery.body, as: UTF8.self) }

@Suite(.timeLimit(.minutes(1))) struct DurableQueueTests {
    @Test(arguments: [Durability.everyCommit, .interval(.milliseconds(50))])
    func contentsAndLeasesSurviveReopening(_ durability: Durability) async throws {
        let data = try TemporaryDataDirectory()
        defer { data.cleanUp() }
        let name = try ServiceName("jobs")
        let clock = ManualServiceClock()
        var lease: LeaseID
        do {
            let queue = try DurableQueue(name: name, dataDirectory: data.directory, durability: durability, clock: clock, logger: testLogger)
            try await queue.push(["a", "b", "c", "d"].map(bytes))
            let popped = try await queue.pop(limit: 2, lease: .seconds(60))
            #expect(popped.map(text) == ["a", "b"])
            lease = popped[1].lease
            #expect(try await queue.ack([popped[0].lease]).accepted == 1)
        }
        // A new instance on the same file, as after kill -9 and a restart.
        let queue = try DurableQueue(name: name, dataDirectory: data.directory, durability: durability, clock: clock, logger: testLogger)
        let stats = await queue.statistics()
        #expect(stats.ready == 2 && stats.leased == 1 && stats.acked == 1 && stats.pushed == 4)
        #expect(try await queue.ack([lease]).accepted == 1)
        #expect(try await queue.pop(limit: 10).map(text) == ["c", "d"])
    }

    @Test func blockingPopWakesOnPush() async throws {
        let data = try TemporaryDataDirectory()
        defer { data.cleanUp() }
        let queue = try DurableQueue(name: ServiceName("wake"), dataDirectory: data.directory, logger: testLogger)
        async let waiting = queue.pop(limit: 1, wait: .seconds(30))
        try await Task.sleep(for: .milliseconds(50))
        try await queue.push([bytes("late")])
        #expect(try await waiting.map(text) == ["late"])
    }

    /// Pushing k items wakes k of the blocked pops of that lane, oldest first, not all of
    /// them; a pop of the dead-letter lane sleeps on.
    @Test func aPushWakesOnlyAsManyPopsAsItHasItems() async throws {
        let data = try TemporaryDataDirectory()
        defer { data.cleanUp() }
        let queue = try DurableQueue(name: ServiceName("herd"), dataDirectory: data.directory, logger: testLogger)
        try await withThrowingTaskGroup(of: [String].self) { group in
            group.addTask { try await queue.pop(lane: .dead, limit: 1, wait: .seconds(30)).map(text) }
            for _ in 0..<8 { group.addTask { try await queue.pop(limit: 1, wait: .seconds(30)).map(text) } }
            while await queue.signal.count < 9 { try await Task.sleep(for: .milliseconds(5)) }
            try await queue.push(["a", "b", "c"].map(bytes))
            var got: [String] = []
            for _ in 0..<3 { got += try await group.next() ?? [] }
            #expect(got.sorted() == ["a", "b", "c"])
            #expect(await queue.signal.wakeups == 3, "three items wake three pops")
            #expect(await queue.signal.count(topic: QueueLane.main.rawValue) == 5, "the other pops still wait")
            #expect(await queue.signal.count(topic: QueueLane.dead.rawValue) == 1)
            try await queue.push(["d", "e", "f", "g", "h"].map(bytes))
            for _ in 0..<5 { got += try await group.next() ?? [] }
            #expect(got.sorted() == ["a", "b", "c", "d", "e", "f", "g", "h"])
            try await queue.push([bytes("dead")], lane: .dead)
            #expect(try await group.next() == ["dead"])
        }
    }

    /// A pop answer stays inside the wire's frame cap: with big items it returns fewer
    /// than asked (at least one), and the rest stay ready, in order.
    @Test func aPopOfBigItemsReturnsWhatFitsOneFrame() async throws {
        let data = try TemporaryDataDirectory()
        defer { data.cleanUp() }
        let queue = try DurableQueue(name: ServiceName("big"), dataDirectory: data.directory, logger: testLogger)
        let big = (0..<5).map { [UInt8](repeating: UInt8($0), count: 200 * 1024) }
        try await queue.push(big)
        let first = try await queue.pop(limit: 5)
        #expect(first.map { $0.body[0] } == [0, 1])
        #expect(first.reduce(0) { $0 + ServiceLimits.replyBytes($1.body.count) } <= ServiceLimits.maximumReplyBytes)
        #expect(try await queue.pop(limit: 5).map { $0.body[0] } == [2, 3])
        #expect(try await queue.pop(limit: 5).map { $0.body[0] } == [4])
    }

    @Test func blockingPopWakesWhenALeaseRunsOut() async throws {
        let data = try TemporaryDataDirectory()
        defer { data.cleanUp() }
        let clock = ManualServiceClock()
        let queue = try DurableQueue(name: ServiceName("expiry"), dataDirectory: data.directory, clock: clock, logger: testLogger)
        try await queue.push([bytes("x")])
        let first = try await queue.pop(limit: 1, lease: .seconds(5))
        async let second = queue.pop(limit: 1, wait: .seconds(60))
        try await Task.sleep(for: .milliseconds(50))
        clock.advance(by: .seconds(5))
        let redelivered = try await second
        #expect(redelivered.map(text) == ["x"])
        #expect(redelivered.first?.deliveries == 2)
        #expect(try await queue.ack([first[0].lease]).refused.first?.code == RuntimeError.Code.expiredLease.description)
        #expect(await queue.statistics().expired == 1)
    }

    @Test func emptyPopReturnsAfterTheWait() async throws {
        let data = try TemporaryDataDirectory()
        defer { data.cleanUp() }
        let clock = ManualServiceClock()
        let queue = try DurableQueue(name: ServiceName("empty"), dataDirectory: data.directory, clock: clock, logger: testLogger)
        async let waiting = queue.pop(limit: 1, wait: .seconds(3))
        try await Task.sleep(for: .milliseconds(50))
        clock.advance(by: .seconds(3))
        #expect(try await waiting.isEmpty)
    }

    @Test func corruptDatabaseIsReportedAndLeftUntouched() throws {
        let data = try TemporaryDataDirectory()
        defer { data.cleanUp() }
        let path = try data.directory.databasePath(kind: "queue", name: ServiceName("broken"))
        let garbage = Data((0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        try garbage.write(to: URL(fileURLWithPath: path))
        #expect {
            _ = try DurableQueue(name: ServiceName("broken"), dataDirectory: data.directory, logger: testLogger)
        } throws: { ($0 as? RuntimeError)?.code == .databaseCorrupt }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == garbage)
    }

    @Test func unwritableDataDirectoryIsReported() throws {
        let data = try TemporaryDataDirectory()
        defer { data.cleanUp() }
        // A regular file where the queue folder should be: fails for root too.
        try Data("x".utf8).write(to: URL(fileURLWithPath: data.path + "/queue"))
        #expect {
            _ = try DurableQueue(name: ServiceName("q"), dataDirectory: data.directory, logger: testLogger)
        } throws: { ($0 as? RuntimeError)?.code == .dataDirectoryUnusable }
    }

    @Test func rateComesFromTheQueuesOwnSamplesNotFromObservers() async throws {
        let data = try TemporaryDataDirectory()
        defer { data.cleanUp() }
        let clock = ManualServiceClock()
        let queue = try DurableQueue(name: ServiceName("rate"), dataDirectory: data.directory, clock: clock, logger: testLogger)
        try await queue.push((0..<100).map { bytes("\($0)") })
        _ = await queue.statistics()
        clock.advance(by: .seconds(2))
        let leases = try await queue.pop(limit: 40).map(\.lease)
        _ = try await queue.ack(leases)
        clock.advance(by: .seconds(2))
        // However many observers ask, the rate over the window is the same.
        var rates: [Double] = []
        for _ in 0..<5 { rates.append(await queue.statistics().ackedPerSecond) }
        #expect(Set(rates).count == 1)
        #expect(rates[0] == 10)
    }
}

@Suite struct ExclusiveFileLockTests {
    @Test func secondHolderIsRefusedUntilTheFirstLetsGo() throws {
        let data = try TemporaryDataDirectory()
        defer { data.cleanUp() }
        let path = data.path + "/q.lock"
        var first: ExclusiveFileLock? = try ExclusiveFileLock(path: path)
        #expect { _ = try ExclusiveFileLock(path: path, patience: .milliseconds(100)) } throws: {
            ($0 as? RuntimeError)?.code == .serviceRunning
        }
        _ = first
        first = nil
        _ = try ExclusiveFileLock(path: path, patience: .milliseconds(100))
    }
}
