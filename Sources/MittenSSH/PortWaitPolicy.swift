/// When to try connecting to a VM's SSH port again: capped exponential backoff
/// under an overall deadline. A pure state machine; the I/O layer
/// (`SSHPortWaiter`) does the connecting and the sleeping on an injected clock.
public struct PortWaitPolicy: Sendable, Equatable {
    /// Delay after the first failed attempt.
    public var initialDelay: Duration
    /// Factor applied to the delay after each failed attempt.
    public var multiplier: Double
    /// The longest delay between two attempts.
    public var maximumDelay: Duration
    /// Give up once this much time has passed since the first attempt.
    public var deadline: Duration

    /// Defaults fit a VM that boots in tens of seconds: 0.25 s doubling to 5 s, 5 minutes in all.
    public init(
        initialDelay: Duration = .milliseconds(250), multiplier: Double = 2,
        maximumDelay: Duration = .seconds(5), deadline: Duration = .seconds(300)
    ) {
        self.initialDelay = initialDelay
        self.multiplier = multiplier
        self.maximumDelay = maximumDelay
        self.deadline = deadline
    }

    /// What the waiter does next.
    public enum Action: Sendable, Equatable {
        /// Sleep this long, then try again.
        case retry(after: Duration)
        /// The deadline is reached: stop and report a timeout.
        case giveUp
    }

    /// The decision state: how many attempts failed so far.
    public struct State: Sendable, Equatable {
        /// Failed attempts so far.
        public private(set) var failedAttempts = 0
        /// A fresh state before the first attempt.
        public init() {}
        fileprivate mutating func recordFailure() { failedAttempts += 1 }
    }

    /// The delay after `failedAttempts` failures, before the cap is applied to the deadline.
    public func delay(afterFailures failedAttempts: Int) -> Duration {
        guard failedAttempts > 0 else { return .zero }
        var delay = initialDelay
        for _ in 1..<failedAttempts {
            delay = delay * multiplier
            if delay >= maximumDelay { return maximumDelay }
        }
        return min(delay, maximumDelay)
    }

    /// Records a failed attempt made `elapsed` after the first one and decides what to
    /// do: retry after the backoff delay, shortened so the last attempt lands on the
    /// deadline, or give up once the deadline has passed.
    public func attemptFailed(_ state: inout State, elapsed: Duration) -> Action {
        state.recordFailure()
        let remaining = deadline - elapsed
        guard remaining > .zero else { return .giveUp }
        return .retry(after: min(delay(afterFailures: state.failedAttempts), remaining))
    }
}
