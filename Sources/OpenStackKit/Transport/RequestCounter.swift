import Synchronization

/// Counts every HTTP request OpenStackKit sends (retries and authentications
/// included): the console's "OS Reqs" column. Safe to read from any thread.
public final class RequestCounter: Sendable {
    private let count = Mutex<Int>(0)
    private let authentications = Mutex<Int>(0)

    /// Creates a counter at zero.
    public init() {}

    /// Requests sent so far.
    public var requests: Int { count.withLock { $0 } }

    /// Authentications (token requests to Keystone) made so far.
    public var authenticationCount: Int { authentications.withLock { $0 } }

    /// Records one request.
    public func recordRequest() { count.withLock { $0 += 1 } }

    /// Records one authentication.
    public func recordAuthentication() { authentications.withLock { $0 += 1 } }
}
