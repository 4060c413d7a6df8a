/// A token bucket: `burst` requests at once, refilled at `perSecond`. Pure: the caller
/// passes the current time (seconds on any monotonic clock), so tests need no sleeping.
struct RateLimiter: Sendable {
    enum Decision: Equatable, Sendable {
        case admit
        /// Refused; retry after this many whole seconds (at least 1).
        case refuse(retryAfter: Int)
    }

    let perSecond: Double
    let burst: Double
    private var tokens: Double
    private var last: Double?

    init(perSecond: Double, burst: Int) {
        self.perSecond = perSecond
        self.burst = Double(max(burst, 1))
        tokens = self.burst
    }

    /// Takes one token if there is one.
    mutating func admit(now: Double) -> Decision {
        if let last { tokens = min(burst, tokens + (now - last) * perSecond) }
        last = now
        if tokens >= 1 {
            tokens -= 1
            return .admit
        }
        let wait = (1 - tokens) / perSecond
        return .refuse(retryAfter: max(1, Int(wait.rounded(.up))))
    }
}
