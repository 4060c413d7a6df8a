@testable import OpenStackKit
import Testing

@Suite struct RetryPolicyTests {
    let policy = RetryPolicy(maximumAttempts: 4, baseDelay: .milliseconds(100), maximumDelay: .milliseconds(300),
                             maximumRetryAfter: .seconds(30))

    @Test(arguments: [
        // outcome, idempotent, expected
        (RetryPolicy.Outcome.status(503, retryAfter: nil, inProgress: false), true, true),
        (.status(503, retryAfter: nil, inProgress: false), false, false),   // a POST that may have acted
        (.status(500, retryAfter: nil, inProgress: false), true, true),
        (.status(429, retryAfter: nil, inProgress: false), false, true),    // refused without acting
        (.status(413, retryAfter: .seconds(2), inProgress: false), false, true),
        (.status(413, retryAfter: .seconds(300), inProgress: false), true, false), // too long to wait
        (.status(409, retryAfter: nil, inProgress: true), false, true),
        (.status(409, retryAfter: nil, inProgress: false), true, false),
        (.status(400, retryAfter: nil, inProgress: false), true, false),
        (.status(404, retryAfter: nil, inProgress: false), true, false),
        (.connectFailed, false, true),                                       // nothing was sent
        (.failedAfterSending, false, false),
        (.failedAfterSending, true, true),
    ])
    func decides(outcome: RetryPolicy.Outcome, idempotent: Bool, retries: Bool) {
        let decision = policy.decide(outcome, attempt: 1, idempotent: idempotent, jitter: 0.5)
        #expect((decision != .giveUp) == retries)
    }

    @Test func honoursRetryAfter() {
        #expect(policy.decide(.status(429, retryAfter: .seconds(7), inProgress: false), attempt: 1, idempotent: true, jitter: 0)
            == .retry(after: .seconds(7)))
    }

    @Test func stopsAfterTheLastAttempt() {
        #expect(policy.decide(.connectFailed, attempt: 4, idempotent: true, jitter: 0) == .giveUp)
        #expect(policy.decide(.connectFailed, attempt: 3, idempotent: true, jitter: 0) != .giveUp)
    }

    @Test(arguments: [
        (1, 0.0, Duration.milliseconds(50)), (1, 1.0, .milliseconds(100)),
        (2, 0.0, .milliseconds(100)), (2, 1.0, .milliseconds(200)),
        (3, 1.0, .milliseconds(300)), (9, 1.0, .milliseconds(300)), (9, 0.0, .milliseconds(150)),
    ])
    func backoffIsCappedAndJittered(attempt: Int, jitter: Double, expected: Duration) {
        #expect(policy.backoff(attempt: attempt, jitter: jitter) == expected)
    }

    @Test(arguments: [("120", Duration?.some(.seconds(120))), (" 3 ", .seconds(3)), ("Wed, 21 Oct 2015 07:28:00 GMT", nil), ("-1", nil)])
    func retryAfterHeader(value: String, expected: Duration?) {
        #expect(RetryPolicy.parseRetryAfter(value) == expected)
    }

    @Test(arguments: [
        ("Cannot 'delete' instance 1 while it is in task_state spawning", true),
        ("Port is in use by another operation; try again", true),
        ("Quota exceeded", false),
    ])
    func inProgressConflicts(message: String, expected: Bool) {
        #expect(RetryPolicy.isInProgressConflict(message) == expected)
    }
}
