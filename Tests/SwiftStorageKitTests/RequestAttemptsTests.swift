import Testing
@testable import SwiftStorageKit

@Suite struct RequestAttemptsTests {
    static let policy = RetryPolicy(maximumAttempts: 3, initialBackoff: .milliseconds(100), maximumBackoff: .milliseconds(150))

    /// (retryable, outcomes in order, the actions expected for each).
    static let table: [(Bool, [RequestAttempts.Outcome], [RequestAttempts.Action])] = [
        (true, [.status(503), .status(503), .status(503)], [.retry(after: .milliseconds(100)), .retry(after: .milliseconds(150)), .finish]),
        (true, [.connectionFailed, .connectionFailed, .connectionFailed], [.retry(after: .milliseconds(100)), .retry(after: .milliseconds(150)), .failConnection]),
        (false, [.status(503)], [.finish]),
        (false, [.connectionFailed], [.failConnection]),
        (true, [.status(401), .status(401)], [.reauthenticateAndRetry, .finish]),
        (false, [.status(401)], [.finish]),
        (true, [.status(404)], [.finish]),
        (true, [.status(409)], [.finish]),
        (true, [.status(507)], [.finish]),
        (true, [.status(500), .status(401), .status(502)], [.retry(after: .milliseconds(100)), .reauthenticateAndRetry, .finish]),
        (true, [.status(401), .status(500), .status(401)], [.reauthenticateAndRetry, .retry(after: .milliseconds(150)), .finish]),
    ]

    @Test(arguments: table.indices)
    func decisions(row: Int) {
        let (retryable, outcomes, expected) = Self.table[row]
        var attempts = RequestAttempts(policy: Self.policy, retryable: retryable)
        let actions = outcomes.map { attempts.record($0) }
        #expect(actions == expected)
    }

    @Test(arguments: [(1, 250), (2, 500), (3, 1000), (4, 2000), (5, 4000), (6, 4000), (30, 4000)])
    func backoffIsExponentialAndCapped(attempt: Int, milliseconds: Int) {
        #expect(RetryPolicy().backoff(afterAttempt: attempt) == .milliseconds(milliseconds))
    }
}
