import Logging

/// The state of a mutex as `mitten mutex status` shows it.
public struct MutexStatus: Hashable, Sendable, Codable {
    /// The holder, when the lock is held.
    public var holder: LockHolder?
    /// The largest fencing token handed out so far.
    public var lastToken: Int64
    /// Whether the lock is held.
    public var locked: Bool { holder != nil }
}

/// A leased mutex with fencing tokens: the ``LockState`` decisions, persisted in the
/// mutex's SQLite database before any caller gets an answer, with blocking locks that
/// wait for an unlock or an expiring lease.
public actor DurableMutex: ChangeWaiting {
    /// The mutex's service name.
    public let name: ServiceName
    var state: LockState
    let committer: GroupCommitter<LockState>
    let clock: any ServiceClock
    var signal = ChangeSignal()

    /// Opens (or creates) mutex `name` under `dataDirectory`.
    public init(name: ServiceName, dataDirectory: DataDirectory, durability: Durability = .everyCommit,
                clock: any ServiceClock = SystemServiceClock(), logger: Logger) throws {
        let storage = try MutexStorage(path: dataDirectory.databasePath(kind: "mutex", name: name), durability: durability)
        self.name = name
        self.state = try storage.load()
        self.committer = GroupCommitter(label: "mutex.\(name)") { states in
            if let last = states.last { try storage.save(last) }
        }
        self.clock = clock
        let lastToken = state.lastToken
        logger.info("mutex opened", metadata: ["mitten.service": "\(name)", "mitten.mutex.token": "\(lastToken)"])
    }

    /// Takes the lock for `owner` under a lease; waits up to `wait` for it to be free.
    /// Returns nil when it was still held by someone else at the deadline.
    public func lock(owner: String, session: String? = nil, lease: Duration = .seconds(30),
                     wait: Duration = .zero) async throws -> LockHolder? {
        let deadline = clock.now.advanced(by: wait)
        while true {
            if let failure = committer.failure { throw failure }
            let before = state
            let outcome = try state.lock(owner: owner, session: session, lease: lease, now: clock.now)
            switch outcome {
            case .acquired(let holder):
                try await committer.wait(committer.enqueue([state]))
                return holder
            case .busy(let holder):
                if state != before { _ = committer.enqueue([state]) }
                if clock.now >= deadline || Task.isCancelled { return nil }
                await waitForChange(until: min(holder.expiresAt, deadline))
            }
        }
    }

    /// Releases the lock held under `token`; a stale token is refused.
    public func unlock(token: Int64) async throws {
        if let failure = committer.failure { throw failure }
        try state.unlock(token: token, now: clock.now)
        let ticket = committer.enqueue([state])
        signal.wakeAll()
        try await committer.wait(ticket)
    }

    /// Extends the lease held under `token`; returns the new expiry.
    public func renew(token: Int64, lease: Duration = .seconds(30)) async throws -> Timestamp {
        if let failure = committer.failure { throw failure }
        let until = try state.renew(token: token, lease: lease, now: clock.now)
        try await committer.wait(committer.enqueue([state]))
        return until
    }

    /// Frees the lock if `session` (a connection that just dropped) held it.
    public func endSession(_ session: String) async {
        guard state.endSession(session) else { return }
        let ticket = committer.enqueue([state])
        signal.wakeAll()
        try? await committer.wait(ticket)
    }

    /// Whether the lock is held, by whom, and the last token.
    public func status() -> MutexStatus {
        if state.expire(now: clock.now) {
            _ = committer.enqueue([state])
            signal.wakeAll()
        }
        return MutexStatus(holder: state.holder, lastToken: state.lastToken)
    }


}
