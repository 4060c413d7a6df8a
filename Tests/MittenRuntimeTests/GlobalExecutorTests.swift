#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import MittenRuntime

/// The arithmetic behind the runtime's timer hooks (their effect, that a task resumes on
/// NIO's loops after `Task.sleep`, is checked end to end with `mitten version --verbose`).
@Suite struct GlobalExecutorTests {
    private func now(_ clock: clockid_t) -> (seconds: Int64, nanoseconds: Int64) {
        var time = timespec()
        clock_gettime(clock, &time)
        return (Int64(time.tv_sec), Int64(time.tv_nsec))
    }

    @Test(arguments: [(Int32(1), CLOCK_BOOTTIME), (Int32(2), CLOCK_MONOTONIC)])
    func deadlinesOfTheRuntimesClocks(clock: Int32, id: clockid_t) throws {
        let (seconds, nanoseconds) = now(id)
        // Ten seconds ahead: what is left is at most ten seconds, and more than nine
        // (reading the clock twice takes far less than a second).
        let ahead = try #require(GlobalExecutor.nanosecondsUntil(seconds: seconds + 10, nanoseconds: nanoseconds, clock: clock))
        #expect(ahead <= 10_000_000_000 && ahead > 9_000_000_000)
        // A deadline in the past: nothing to wait for.
        let past = try #require(GlobalExecutor.nanosecondsUntil(seconds: seconds - 5, nanoseconds: nanoseconds, clock: clock))
        #expect(past < 0)
        // Far beyond what fits: waits "forever", never wraps around to the past.
        #expect(GlobalExecutor.nanosecondsUntil(seconds: .max / 2, nanoseconds: 0, clock: clock) == .max)
    }

    @Test func anotherClockIsLeftToTheRuntime() {
        #expect(GlobalExecutor.nanosecondsUntil(seconds: 0, nanoseconds: 0, clock: 3) == nil)
        #expect(GlobalExecutor.nanosecondsUntil(seconds: 0, nanoseconds: 0, clock: 0) == nil)
    }
}
