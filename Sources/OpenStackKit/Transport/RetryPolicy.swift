import Foundation

/// Decides whether a failed HTTP attempt is retried and after how long. Pure: the
/// transport describes what happened, the policy answers; tested by tables.
///
/// - 413 and 429: the server refused without acting, so any method is retried, after
///   `Retry-After` when the server sent one (a wait longer than `maximumRetryAfter`
///   gives up at once rather than hang), else after the backoff.
/// - 409 with an "in progress" message: the server refused without acting; retried.
/// - 5xx, timeouts and connections that failed after the request may have been sent:
///   retried only for idempotent requests (GET, HEAD, PUT, DELETE, or a POST the caller
///   made idempotent). A POST that may have reached the server is never sent twice.
/// - A connection that could not be opened (nothing was sent): retried for any method.
///
/// Backoff: `baseDelay * 2^(attempt-1)` capped at `maximumDelay`, with jitter picking
/// a point in the upper half of that interval.
public struct RetryPolicy: Sendable, Equatable {
    /// What happened to one attempt.
    public enum Outcome: Sendable, Equatable {
        /// The server answered with an error status.
        case status(Int, retryAfter: Duration?, inProgress: Bool)
        /// The connection could not be opened: the request was not sent.
        case connectFailed
        /// The connection failed or timed out after the request may have been sent.
        case failedAfterSending
    }

    /// The policy's answer.
    public enum Decision: Sendable, Equatable {
        /// Try again after this delay.
        case retry(after: Duration)
        /// Stop and report the failure.
        case giveUp
    }

    /// Attempts in all, the first included.
    public var maximumAttempts: Int
    /// The delay before the first retry (before jitter).
    public var baseDelay: Duration
    /// The largest backoff delay.
    public var maximumDelay: Duration
    /// The longest `Retry-After` honoured; a longer one gives up at once.
    public var maximumRetryAfter: Duration

    /// Creates a policy; the defaults suit interactive provisioning.
    public init(maximumAttempts: Int = 5, baseDelay: Duration = .milliseconds(250),
                maximumDelay: Duration = .seconds(8), maximumRetryAfter: Duration = .seconds(60)) {
        self.maximumAttempts = maximumAttempts
        self.baseDelay = baseDelay
        self.maximumDelay = maximumDelay
        self.maximumRetryAfter = maximumRetryAfter
    }

    /// A policy that never retries.
    public static let none = RetryPolicy(maximumAttempts: 1)

    /// Whether attempt number `attempt` (1-based) that ended in `outcome` is retried.
    /// `jitter` is a number in 0..<1 (random in production, fixed in tests).
    public func decide(_ outcome: Outcome, attempt: Int, idempotent: Bool, jitter: Double) -> Decision {
        guard attempt < maximumAttempts else { return .giveUp }
        switch outcome {
        case .status(let status, let retryAfter, let inProgress):
            switch status {
            case 413, 429:
                if let retryAfter {
                    return retryAfter <= maximumRetryAfter ? .retry(after: retryAfter) : .giveUp
                }
                return .retry(after: backoff(attempt: attempt, jitter: jitter))
            case 409 where inProgress:
                return .retry(after: backoff(attempt: attempt, jitter: jitter))
            case 500...599:
                return idempotent ? .retry(after: backoff(attempt: attempt, jitter: jitter)) : .giveUp
            default:
                return .giveUp
            }
        case .connectFailed:
            return .retry(after: backoff(attempt: attempt, jitter: jitter))
        case .failedAfterSending:
            return idempotent ? .retry(after: backoff(attempt: attempt, jitter: jitter)) : .giveUp
        }
    }

    /// The capped exponential delay after attempt `attempt`, jittered into its upper half.
    public func backoff(attempt: Int, jitter: Double) -> Duration {
        let exponent = min(max(attempt - 1, 0), 30)
        let raw = baseDelay * (1 << exponent)
        let capped = raw > maximumDelay ? maximumDelay : raw
        let clampedJitter = min(max(jitter, 0), 1)
        return capped / 2 + (capped / 2) * clampedJitter
    }

    /// Parses a `Retry-After` header: delta-seconds (the form OpenStack services send).
    /// An HTTP date or anything else gives nil (the backoff applies).
    public static func parseRetryAfter(_ value: String?) -> Duration? {
        guard let value, let seconds = Int(value.trimmingCharacters(in: .whitespaces)), seconds >= 0 else { return nil }
        return .seconds(seconds)
    }

    /// Whether a 409 body says the resource is busy with another operation (Nova's
    /// "task_state" conflicts, Neutron's "in use"/"PENDING_" states), so a retry may pass.
    public static func isInProgressConflict(_ message: String?) -> Bool {
        guard let message = message?.lowercased() else { return false }
        return message.contains("task_state") || message.contains("in progress")
            || message.contains("pending_") || message.contains("try again")
    }
}
