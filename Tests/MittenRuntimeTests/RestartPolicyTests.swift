import Glibc
import Testing
@testable import MittenRuntime

@Suite struct RestartPolicyTests {
    static let configuration = RestartPolicy.Configuration(
        backoff: Backoff.Policy(initial: .milliseconds(100), maximum: .seconds(1), multiplier: 2, jitter: 0),
        stableAfter: .seconds(10), intensity: 3, period: .seconds(60))

    @Test(arguments: [
        (ProcessExit.exited(0), RestartPolicy.Action.finished),
        (.signaled(SIGTERM), .finished),
        (.signaled(SIGINT), .finished),
        (.exited(1), .restart(after: .milliseconds(100))),
        (.exited(255), .restart(after: .milliseconds(100))),
        (.signaled(SIGKILL), .restart(after: .milliseconds(100))),
        (.signaled(SIGHUP), .restart(after: .milliseconds(100))),
        (.signaled(SIGSEGV), .restart(after: .milliseconds(100))),
    ])
    func firstExit(status: ProcessExit, expected: RestartPolicy.Action) {
        var policy = RestartPolicy(configuration: Self.configuration)
        #expect(policy.decide(worker: 0, status: status, ranFor: .seconds(1), at: .now, random: 0) == expected)
    }

    @Test(arguments: [ProcessExit.exited(1), .signaled(SIGKILL)])
    func onceMakesFailureFatal(status: ProcessExit) {
        var configuration = Self.configuration
        configuration.once = true
        var policy = RestartPolicy(configuration: configuration)
        guard case .fatal = policy.decide(worker: 0, status: status, ranFor: .seconds(1), at: .now, random: 0) else {
            Issue.record("expected fatal")
            return
        }
        #expect(policy.decide(worker: 0, status: .exited(0), ranFor: .seconds(1), at: .now, random: 0) == .finished)
    }

    @Test func backoffGrowsPerWorkerAndResetsAfterAStableRun() {
        var policy = RestartPolicy(configuration: RestartPolicy.Configuration(
            backoff: Self.configuration.backoff, stableAfter: .seconds(10), intensity: 100, period: .seconds(60)))
        let start = ContinuousClock.now
        let delays = [
            policy.decide(worker: 0, status: .exited(1), ranFor: .seconds(1), at: start, random: 0),
            policy.decide(worker: 0, status: .exited(1), ranFor: .seconds(1), at: start, random: 0),
            policy.decide(worker: 1, status: .exited(1), ranFor: .seconds(1), at: start, random: 0),
            policy.decide(worker: 0, status: .exited(1), ranFor: .seconds(1), at: start, random: 0),
            policy.decide(worker: 0, status: .exited(1), ranFor: .seconds(30), at: start, random: 0),
        ]
        #expect(delays == [.restart(after: .milliseconds(100)), .restart(after: .milliseconds(200)), .restart(after: .milliseconds(100)),
                           .restart(after: .milliseconds(400)), .restart(after: .milliseconds(100))])
        #expect(policy.restarts == 5)
    }

    @Test func intensityLimitStopsRestartsWithinThePeriodOnly() {
        let start = ContinuousClock.now
        var policy = RestartPolicy(configuration: Self.configuration)
        for worker in 0..<3 {
            guard case .restart = policy.decide(worker: worker, status: .exited(1), ranFor: .seconds(1), at: start, random: 0) else {
                Issue.record("expected restart")
                return
            }
        }
        guard case .giveUp = policy.decide(worker: 3, status: .exited(1), ranFor: .seconds(1), at: start + .seconds(1), random: 0) else {
            Issue.record("expected giveUp")
            return
        }
        guard case .giveUp = policy.decide(worker: 0, status: .exited(1), ranFor: .seconds(1), at: start + .seconds(300), random: 0) else {
            Issue.record("a task that gave up stays given up")
            return
        }
        var fresh = RestartPolicy(configuration: Self.configuration)
        for offset in [0, 30, 59] {
            _ = fresh.decide(worker: 0, status: .exited(1), ranFor: .seconds(1), at: start + .seconds(offset), random: 0)
        }
        #expect(fresh.decide(worker: 0, status: .exited(0), ranFor: .seconds(1), at: start + .seconds(61), random: 0) == .finished)
        guard case .restart = fresh.decide(worker: 0, status: .exited(1), ranFor: .seconds(1), at: start + .seconds(61), random: 0) else {
            Issue.record("restarts older than the period no longer count")
            return
        }
    }
}
