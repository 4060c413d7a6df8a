import NIOHTTP1
import NIOCore
import Logging
import Foundation
/// How often and how long to retry: capped exponential backoff.
public struct RetryPolicy: Sendable, Equatable {
    /// Attempts in all, the first included (1 means never retry).
    public var maximumAttempts: Int
    /// The wait before the first retry.
    public var initialBackoff: Duration
    /// The longest wait between two attempts.
    public var maximumBackoff: Duration

    /// Creates a policy; the defaults retry 4 times over about 4 seconds.
    public init(maximumAttempts: Int = 5, initialBackoff: Duration = .milliseconds(250), maximumBackoff: Duration = .seconds(4)) {
        self.maximumAttempts = maximumAttempts
        self.initialBackoff = initialBackoff
        self.maximumBackoff = maximumBackoff
    }

    /// The wait after failed attempt number `attempt` (1-based): initial * 2^(attempt-1), capped.
    public func backoff(afterAttempt attempt: Int) -> Duration {
        var wait = initialBackoff
        for _ in 1..<max(attempt, 1) {
            wait = wait * 2
            if wait >= maximumBackoff { return maximumBackoff }
        }
        return min(wait, maximumBackoff)
    }
}

/// The decisions of one request's life: retry, re-authenticate once on 401, or stop.
/// Pure: the I/O layer reports each outcome and carries out the returned action.
struct RequestAttempts: Sendable {
    /// What happened on one attempt.
    enum Outcome: Equatable, Sendable {
        /// The server answered with this status.
        case status(Int)
        /// The connection failed (refused, reset, timed out) before a full answer.
        case connectionFailed
    }

    /// What to do next.
    enum Action: Equatable, Sendable {
        /// The answer is final (success or an error to report).
        case finish
        /// Get a new token, then send again at once.
        case reauthenticateAndRetry
        /// Wait this long, then send again.
        case retry(after: Duration)
        /// Give up on a connection failure: report it.
        case failConnection
    }

    private enum State: Sendable {
        case sending(attempt: Int, reauthenticated: Bool)
    }

    private var state: State = .sending(attempt: 1, reauthenticated: false)
    private let policy: RetryPolicy
    private let retryable: Bool

    /// `retryable`: the request is idempotent and its body (if any) can be produced again.
    init(policy: RetryPolicy, retryable: Bool) {
        self.policy = policy
        self.retryable = retryable
    }

    /// The number of the attempt under way (1-based).
    var attempt: Int {
        switch state { case .sending(let attempt, _): attempt }
    }

    /// Reports an attempt's outcome and returns what to do.
    mutating func record(_ outcome: Outcome) -> Action {
        guard case .sending(let attempt, let reauthenticated) = state else { return .finish }
        switch outcome {
        case .status(401) where !reauthenticated:
            // A token expires at any time: one fresh token, once, for any request whose body restarts.
            guard retryable else { return .finish }
            state = .sending(attempt: attempt + 1, reauthenticated: true)
            return .reauthenticateAndRetry
        case .status(let code) where Self.isTransient(code):
            guard retryable, attempt < policy.maximumAttempts else { return .finish }
            state = .sending(attempt: attempt + 1, reauthenticated: reauthenticated)
            return .retry(after: policy.backoff(afterAttempt: attempt))
        case .status:
            return .finish
        case .connectionFailed:
            guard retryable, attempt < policy.maximumAttempts else { return .failConnection }
            state = .sending(attempt: attempt + 1, reauthenticated: reauthenticated)
            return .retry(after: policy.backoff(afterAttempt: attempt))
        }
    }

    /// 5xx answers worth another try (507 "insufficient storage" is not transient).
    static func isTransient(_ status: Int) -> Bool {
        (500...599).contains(status) && status != 501 && status != 505 && status != 507
    }
}
