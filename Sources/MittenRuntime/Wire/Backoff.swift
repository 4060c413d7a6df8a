/// Capped exponential backoff with jitter, as a pure state machine: each failure asks
/// for the next delay; success resets it. Randomness is passed in so tests are exact.
public struct Backoff: Sendable, Equatable {
    /// The shape of the delays.
    public struct Policy: Sendable, Equatable {
        /// Delay after the first failure.
        public var initial: Duration
        /// No delay is longer than this.
        public var maximum: Duration
        /// Each failure multiplies the delay by this.
        public var multiplier: Double
        /// Fraction of the delay that is random: 0.2 spreads delays over 80%...100%.
        public var jitter: Double
        /// Attempts after which to give up; nil retries forever.
        public var maximumAttempts: Int?

        /// Creates a policy.
        public init(initial: Duration = .milliseconds(50), maximum: Duration = .seconds(5), multiplier: Double = 2, jitter: Double = 0.2, maximumAttempts: Int? = nil) {
            self.initial = initial
            self.maximum = maximum
            self.multiplier = multiplier
            self.jitter = jitter
            self.maximumAttempts = maximumAttempts
        }

        /// Reconnecting to a service: 50 ms doubling to 2 s.
        public static let reconnect = Policy(initial: .milliseconds(50), maximum: .seconds(2))
        /// Never retry (`--once`).
        public static let never = Policy(maximumAttempts: 0)
    }

    /// What to do after a failure.
    public enum Action: Sendable, Equatable {
        /// Wait this long, then try again.
        case retry(after: Duration)
        /// Stop trying.
        case giveUp
    }

    /// The policy in force.
    public let policy: Policy
    /// Failures since the last success.
    public private(set) var failures = 0

    /// Starts with no failures.
    public init(policy: Policy) {
        self.policy = policy
    }

    /// Records a failure; `random` in 0..<1 picks the jitter.
    public mutating func failed(random: Double) -> Action {
        if let limit = policy.maximumAttempts, failures >= limit { return .giveUp }
        let exponent = Double(failures)
        failures += 1
        let initial = Double(policy.initial.components.seconds) + Double(policy.initial.components.attoseconds) / 1e18
        let maximum = Double(policy.maximum.components.seconds) + Double(policy.maximum.components.attoseconds) / 1e18
        let base = min(maximum, initial * pow(policy.multiplier, exponent))
        let seconds = base * (1 - policy.jitter * random)
        return .retry(after: .nanoseconds(Int64(seconds * 1e9)))
    }

    /// Records a success: the next failure starts from the initial delay.
    public mutating func succeeded() {
        failures = 0
    }
}

private func pow(_ base: Double, _ exponent: Double) -> Double {
    var result = 1.0
    var remaining = Int(exponent)
    while remaining > 0 {
        result *= base
        remaining -= 1
        if result > 1e12 { break }
    }
    return result
}
