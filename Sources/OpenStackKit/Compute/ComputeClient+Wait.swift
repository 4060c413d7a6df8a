/// How to wait for a server: poll with capped exponential backoff until a deadline.
public struct ServerWaitPolicy: Sendable, Equatable {
    /// First poll delay.
    public var initialDelay: Duration
    /// Largest delay between polls.
    public var maximumDelay: Duration
    /// Give up after this long.
    public var timeout: Duration

    /// Creates a policy (defaults: 1 s doubling to 10 s, 10 minutes in all).
    public init(initialDelay: Duration = .seconds(1), maximumDelay: Duration = .seconds(10), timeout: Duration = .seconds(600)) {
        self.initialDelay = initialDelay
        self.maximumDelay = maximumDelay
        self.timeout = timeout
    }

    /// The delay after `delay`: doubled, capped.
    public func next(after delay: Duration) -> Duration {
        let doubled = delay * 2
        return doubled > maximumDelay ? maximumDelay : doubled
    }

    /// What one poll means for a wait for `target`.
    public enum Verdict: Sendable, Equatable {
        /// The server reached the target status.
        case done
        /// The server is in ERROR: stop now, with Nova's fault message.
        case failed(String)
        /// Keep polling.
        case keepWaiting
    }

    /// The verdict for a server seen with `status` (and `fault`) while waiting for `target`.
    public static func verdict(status: String, fault: String?, target: String) -> Verdict {
        if status.uppercased() == target.uppercased() { return .done }
        if status.uppercased() == "ERROR" { return .failed(fault ?? "the server went to ERROR and Nova gave no fault message") }
        return .keepWaiting
    }
}

extension ComputeClient {
    /// Polls server `id` until its status is `status` (default ACTIVE) and returns it.
    /// Returns at once with `serverFault` (Nova's `fault.message` verbatim) when the
    /// server goes to ERROR; `waitTimedOut` after the policy's timeout.
    public func waitForServer(id: String, status: String = "ACTIVE", policy: ServerWaitPolicy = ServerWaitPolicy()) async throws -> Server {
        try await waitForServer(id: id, status: status, policy: policy, clock: ContinuousClock())
    }

    /// `waitForServer` with an injected clock (tests move time instead of sleeping).
    public func waitForServer<C: Clock>(id: String, status: String = "ACTIVE", policy: ServerWaitPolicy,
                                        clock: C) async throws -> Server where C.Duration == Duration {
        let deadline = clock.now.advanced(by: policy.timeout)
        var delay = policy.initialDelay
        while true {
            let server = try await server(id: id)
            switch ServerWaitPolicy.verdict(status: server.status, fault: server.fault?.message, target: status) {
            case .done: return server
            case .failed(let message):
                throw OpenStackError(code: .serverFault, message: message, status: server.fault?.code, service: Self.service)
            case .keepWaiting: break
            }
            guard clock.now.advanced(by: delay) < deadline else {
                throw OpenStackError(code: .waitTimedOut,
                                     message: "server \(server.name) (\(id)) is still \(server.status) after \(policy.timeout); waited for \(status)",
                                     service: Self.service)
            }
            try await clock.sleep(for: delay)
            delay = policy.next(after: delay)
        }
    }

    /// Polls server `id` until Nova no longer has it (404) or shows it DELETED.
    public func waitForServerDeletion(id: String, policy: ServerWaitPolicy = ServerWaitPolicy()) async throws {
        try await waitForServerDeletion(id: id, policy: policy, clock: ContinuousClock())
    }

    /// `waitForServerDeletion` with an injected clock.
    public func waitForServerDeletion<C: Clock>(id: String, policy: ServerWaitPolicy, clock: C) async throws
        where C.Duration == Duration {
        let deadline = clock.now.advanced(by: policy.timeout)
        var delay = policy.initialDelay
        while true {
            do {
                let server = try await server(id: id)
                if server.status == "DELETED" { return }
                if server.status == "ERROR", server.taskState == nil {
                    throw OpenStackError(code: .serverFault, message: server.fault?.message ?? "server \(id) went to ERROR while being deleted",
                                         service: Self.service)
                }
            } catch let error as OpenStackError where error.status == 404 {
                return
            }
            guard clock.now.advanced(by: delay) < deadline else {
                throw OpenStackError(code: .waitTimedOut, message: "server \(id) still exists after \(policy.timeout)", service: Self.service)
            }
            try await clock.sleep(for: delay)
            delay = policy.next(after: delay)
        }
    }
}
