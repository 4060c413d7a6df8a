import Testing
@testable import MittenRuntime

@Suite(.timeLimit(.minutes(1))) struct DurableMutexTests {
    @Test func fencingTokenAndHolderSurviveReopening() async throws {
        let data = try TemporaryDataDirectory()
        defer { data.cleanUp() }
        let clock = ManualServiceClock()
        let name = try ServiceName("nightly-import")
        let first: LockHolder?
        do {
            let mutex = try DurableMutex(name: name, dataDirectory: data.directory, clock: clock, logger: testLogger)
            first = try await mutex.lock(owner: "a", lease: .seconds(10))
        }
        let mutex = try DurableMutex(name: name, dataDirectory: data.directory, clock: clock, logger: testLogger)
        #expect(await mutex.status().holder?.owner == "a")
        #expect(try await mutex.lock(owner: "b", lease: .seconds(10)) == nil)
        clock.advance(by: .seconds(10))
        let second = try await mutex.lock(owner: "b", lease: .seconds(10))
        #expect(try #require(second).token > (try #require(first)).token)
        await #expect(throws: RuntimeError.self) { try await mutex.unlock(token: first!.token) }
        try await mutex.unlock(token: second!.token)
        #expect(await mutex.status().locked == false)
    }

    @Test func blockingLockWaitsForUnlock() async throws {
        let data = try TemporaryDataDirectory()
        defer { data.cleanUp() }
        let mutex = try DurableMutex(name: ServiceName("m"), dataDirectory: data.directory, logger: testLogger)
        let held = try #require(try await mutex.lock(owner: "a", lease: .seconds(30)))
        async let waiting = mutex.lock(owner: "b", lease: .seconds(30), wait: .seconds(30))
        try await Task.sleep(for: .milliseconds(50))
        try await mutex.unlock(token: held.token)
        #expect(try await waiting?.owner == "b")
    }

    @Test func droppedSessionFreesTheLock() async throws {
        let data = try TemporaryDataDirectory()
        defer { data.cleanUp() }
        let mutex = try DurableMutex(name: ServiceName("s"), dataDirectory: data.directory, logger: testLogger)
        _ = try await mutex.lock(owner: "a", session: "connection-1", lease: .seconds(300))
        await mutex.endSession("connection-1")
        #expect(try await mutex.lock(owner: "b", lease: .seconds(1)) != nil)
    }
}

@Suite(.timeLimit(.minutes(1))) struct DurableStoreTests {
    @Test func keysIncreaseAndSurviveReopening() async throws {
        let data = try TemporaryDataDirectory()
        defer { data.cleanUp() }
        let clock = ManualServiceClock()
        let name = try ServiceName("events")
        var keys: [Int64]
        do {
            let store = try DurableStore(name: name, dataDirectory: data.directory, clock: clock, logger: testLogger)
            keys = try await store.append([Array("one".utf8), Array("two".utf8)])
        }
        // The clock going backwards (or a restart) never produces a smaller key.
        let store = try DurableStore(name: name, dataDirectory: data.directory,
                                     clock: ManualServiceClock(start: Timestamp(milliseconds: 0)), logger: testLogger)
        keys += try await store.append([Array("three".utf8)])
        #expect(keys == keys.sorted() && Set(keys).count == 3)
        let all = try await store.read(after: 0, limit: 10)
        #expect(all.map { String(decoding: $0.value, as: UTF8.self) } == ["one", "two", "three"])
        #expect(try await store.read(after: keys[0], limit: 1).map(\.key) == [keys[1]])
    }

    @Test func longPollReturnsTheNextAppend() async throws {
        let data = try TemporaryDataDirectory()
        defer { data.cleanUp() }
        let store = try DurableStore(name: ServiceName("poll"), dataDirectory: data.directory, logger: testLogger)
        let first = try await store.append([Array("a".utf8)])[0]
        async let waiting = store.read(after: first, limit: 10, wait: .seconds(30))
        try await Task.sleep(for: .milliseconds(50))
        _ = try await store.append([Array("b".utf8)])
        #expect(try await waiting.map { String(decoding: $0.value, as: UTF8.self) } == ["b"])
    }
}

@Suite struct RateWindowTests {
    @Test func idleThenBurstThenSteady() {
        var window = RateWindow()
        let t0 = Timestamp(milliseconds: 0)
        #expect(window.perSecond(to: 0, at: t0) == 0)
        window.record(0, at: t0)
        window.record(100, at: t0.advanced(by: .seconds(5)))
        #expect(window.perSecond(to: 100, at: t0.advanced(by: .seconds(5))) == 20)
        window.record(300, at: t0.advanced(by: .seconds(30)))
        // The baseline is the newest sample older than the window.
        #expect(window.perSecond(to: 300, at: t0.advanced(by: .milliseconds(30_500))) == 200.0 / 25.5)
        // A second later the sample taken at 30 s is the baseline: nothing happened since.
        #expect(window.perSecond(to: 300, at: t0.advanced(by: .seconds(31))) == 0)
    }
}
