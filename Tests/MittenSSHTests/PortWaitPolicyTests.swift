import Testing
@testable import MittenSSH

/// The backoff decisions of `PortWaitPolicy`, as a table; no sockets, no sleeping.
@Suite struct PortWaitPolicyTests {
    static let policy = PortWaitPolicy(initialDelay: .milliseconds(250), multiplier: 2, maximumDelay: .seconds(2), deadline: .seconds(10))

    static let delays: [(failures: Int, delay: Duration)] = [
        (0, .zero), (1, .milliseconds(250)), (2, .milliseconds(500)), (3, .seconds(1)),
        (4, .seconds(2)), (5, .seconds(2)), (50, .seconds(2)),
    ]

    @Test(arguments: delays)
    func delayDoublesUpToTheCap(failures: Int, delay: Duration) {
        #expect(Self.policy.delay(afterFailures: failures) == delay)
    }

    static let decisions: [(failuresBefore: Int, elapsed: Duration, action: PortWaitPolicy.Action)] = [
        (0, .zero, .retry(after: .milliseconds(250))),
        (2, .seconds(1), .retry(after: .seconds(1))),
        (6, .seconds(5), .retry(after: .seconds(2))),
        (6, .milliseconds(9_500), .retry(after: .milliseconds(500))),  // shortened to land on the deadline
        (6, .seconds(10), .giveUp),
        (0, .seconds(11), .giveUp),
    ]

    @Test(arguments: decisions)
    func decidesRetryOrGiveUp(failuresBefore: Int, elapsed: Duration, action: PortWaitPolicy.Action) {
        var state = PortWaitPolicy.State()
        for _ in 0..<failuresBefore { _ = Self.policy.attemptFailed(&state, elapsed: .zero) }
        #expect(Self.policy.attemptFailed(&state, elapsed: elapsed) == action)
        #expect(state.failedAttempts == failuresBefore + 1)
    }

    @Test func totalWaitNeverExceedsTheDeadline() {
        var state = PortWaitPolicy.State()
        var elapsed = Duration.zero
        while case .retry(let delay) = Self.policy.attemptFailed(&state, elapsed: elapsed) {
            elapsed += delay
        }
        #expect(elapsed == Self.policy.deadline)
        #expect(state.failedAttempts == 9)  // 0.25+0.5+1+2+2+2+2+0.25 = 10 s after 8 sleeps
    }
}
