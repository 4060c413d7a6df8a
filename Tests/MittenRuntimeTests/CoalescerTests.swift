import Synchronization
import Testing
@testable import MittenRuntime

/// A gate the fake services below wait on, so that the tests decide when a call returns.
private final class Gate: Sendable {
    private let opened = Mutex<(open: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))
    func wait() async {
        await withCheckedContinuation { continuation in
            let resumeNow = opened.withLock { state -> Bool in
                if state.open { return true }
                state.waiters.append(continuation)
                return false
            }
            if resumeNow { continuation.resume() }
        }
    }
    func open() {
        let waiters = opened.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.open = true
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }
}

private final class Calls: Sendable {
    let sizes = Mutex<[Int]>([])
}

@Suite(.timeLimit(.minutes(1))) struct CoalescerTests {
    /// 1 call in flight, 49 callers arrive: they go as one second call, and each gets
    /// exactly its own outputs.
    @Test func concurrentCallsShareOneCall() async throws {
        let gate = Gate(), calls = Calls()
        let coalescer = CallCoalescer<Int, Int>(maximumCalls: 1) { items in
            calls.sizes.withLock { $0.append(items.count) }
            await gate.wait()
            return items.map { $0 * 10 }
        }
        try await withThrowingTaskGroup(of: (Int, [Int]).self) { group in
            group.addTask { (0, try await coalescer.submit([0])) }
            while calls.sizes.withLock({ $0.count }) == 0 { try await Task.sleep(for: .milliseconds(1)) }
            for index in 1..<50 { group.addTask { (index, try await coalescer.submit([index, index + 1000])) } }
            while coalescer.waitingRequests < 49 { try await Task.sleep(for: .milliseconds(1)) }
            gate.open()
            for try await (index, outputs) in group {
                #expect(outputs == (index == 0 ? [0] : [index * 10, (index + 1000) * 10]))
            }
        }
        #expect(calls.sizes.withLock { $0 } == [1, 98])
    }

    /// An error of the merged call reaches every caller it carried.
    @Test func aFailedCallFailsEveryCallerInIt() async throws {
        struct Down: Error {}
        let coalescer = CallCoalescer<Int, Int> { _ in throw Down() }
        await #expect(throws: Down.self) { try await coalescer.submit([1]) }
        await #expect(throws: Down.self) { try await coalescer.submit([2, 3]) }
    }

    /// Pops waiting behind an in-flight pop go as one pop for all their limits and share
    /// its items oldest first; a cancelled pop throws, and items nobody took are given back.
    @Test func popsShareOneCallAndGiveBackWhatNobodyTook() async throws {
        let gate = Gate(), calls = Calls()
        let givenBack = Mutex<[LeaseID]>([])
        let items = Mutex((0..<100).map { QueueDelivery(lease: LeaseID(item: Int64($0), delivery: 1), body: [UInt8($0)], expiresAt: Timestamp(milliseconds: 0)) })
        let coalescer = PopCoalescer(send: { limit, _, _ in
            calls.sizes.withLock { $0.append(limit) }
            await gate.wait()
            return items.withLock { list in
                let taken = Array(list.prefix(limit))
                list.removeFirst(taken.count)
                return taken
            }
        }, giveBack: { leases in givenBack.withLock { $0 += leases } })
        let first = Task { try await coalescer.pop(limit: 1, lease: nil, wait: .seconds(10)) }
        while calls.sizes.withLock({ $0.count }) == 0 { try await Task.sleep(for: .milliseconds(1)) }
        let others = (0..<5).map { _ in Task { try await coalescer.pop(limit: 2, lease: nil, wait: .seconds(10)) } }
        let cancelled = Task { try await coalescer.pop(limit: 3, lease: nil, wait: .seconds(10)) }
        while coalescer.waitingPops < 6 { try await Task.sleep(for: .milliseconds(1)) }
        cancelled.cancel()
        await #expect(throws: CancellationError.self) { try await cancelled.value }
        gate.open()
        #expect(try await first.value.map(\.body) == [[0]])
        var got: [[UInt8]] = []
        for task in others { got += try await task.value.map(\.body) }
        #expect(got.sorted { $0[0] < $1[0] } == (1...10).map { [UInt8($0)] })
        #expect(calls.sizes.withLock { $0 } == [1, 10])
        #expect(givenBack.withLock { $0 }.isEmpty)
    }

    /// A pop cancelled while its call is in flight throws, and its items are given back.
    @Test func itemsOfAPopCancelledInFlightAreGivenBack() async throws {
        let gate = Gate(), calls = Calls()
        let givenBack = Mutex<[LeaseID]>([])
        let coalescer = PopCoalescer(send: { limit, _, _ in
            calls.sizes.withLock { $0.append(limit) }
            await gate.wait()
            return (0..<limit).map { QueueDelivery(lease: LeaseID(item: Int64($0), delivery: 1), body: [], expiresAt: Timestamp(milliseconds: 0)) }
        }, giveBack: { leases in givenBack.withLock { $0 += leases } })
        let pop = Task { try await coalescer.pop(limit: 3, lease: nil, wait: .seconds(10)) }
        while calls.sizes.withLock({ $0.count }) == 0 { try await Task.sleep(for: .milliseconds(1)) }
        pop.cancel()
        gate.open()
        await #expect(throws: CancellationError.self) { try await pop.value }
        while givenBack.withLock({ $0.count }) < 3 { try await Task.sleep(for: .milliseconds(1)) }
        #expect(givenBack.withLock { $0 } == (0..<3).map { LeaseID(item: Int64($0), delivery: 1) })
    }
}
