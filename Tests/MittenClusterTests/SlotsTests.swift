import Synchronization
import Testing
@testable import MittenCluster

@Suite struct SlotsTests {
    /// 40 tasks through 3 slots: never more than 3 inside at once, and all of them ran.
    @Test func neverMoreHoldersThanTheLimit() async throws {
        let slots = Slots(limit: 3)
        let inside = Occupancy()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<40 {
                group.addTask {
                    try await slots.withSlot {
                        inside.state.withLock { $0.now += 1; $0.most = max($0.most, $0.now) }
                        await Task.yield()
                        try await Task.sleep(for: .milliseconds(1))
                        inside.state.withLock { $0.now -= 1; $0.done += 1 }
                    }
                }
            }
            try await group.waitForAll()
        }
        let counts = inside.state.withLock { $0 }
        #expect(counts.most <= 3 && counts.most >= 1)
        #expect(counts.done == 40)
        #expect(counts.now == 0)
    }

    /// A body that throws gives its slot back.
    @Test func aFailureReleasesTheSlot() async throws {
        struct Boom: Error {}
        let slots = Slots(limit: 1)
        await #expect(throws: Boom.self) { try await slots.withSlot { throw Boom() } }
        let value = try await slots.withSlot { 7 }
        #expect(value == 7)
    }
}

/// How many tasks are inside the slots now, at most, and done.
private final class Occupancy: Sendable {
    let state = Mutex((now: 0, most: 0, done: 0))
}
