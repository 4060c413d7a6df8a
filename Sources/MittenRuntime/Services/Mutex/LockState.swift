/// Who holds a mutex, with the fencing token of their hold.
public struct LockHolder: Hashable, Sendable, Codable {
    /// The fencing token: larger than every token handed out before it.
    public var token: Int64
    /// Who holds it, as the holder described itself (for example `host:pid`).
    public var owner: String
    /// The connection (session) that took it, released if that connection drops; nil for none.
    public var session: String?
    /// When the lease runs out unless renewed.
    public var expiresAt: Timestamp

    /// Creates a holder.
    public init(token: Int64, owner: String, session: String?, expiresAt: Timestamp) {
        self.token = token
        self.owner = owner
        self.session = session
        self.expiresAt = expiresAt
    }
}

/// The decisions of a leased mutex with fencing tokens, without I/O.
///
/// `lock` hands out a token larger than any before it (the counter is persisted, so
/// this holds across restarts); `unlock` and `renew` with any token but the current
/// holder's are refused; a lease that runs out, or the holder's session ending,
/// frees the lock.
public struct LockState: Sendable, Hashable {
    /// The largest token handed out so far (0 before the first lock).
    public private(set) var lastToken: Int64
    /// The holder whose lease had not run out at the last call, if any.
    public private(set) var holder: LockHolder?

    /// A lock as loaded from storage (free and never locked by default).
    public init(lastToken: Int64 = 0, holder: LockHolder? = nil) {
        self.lastToken = lastToken
        self.holder = holder
    }

    /// What `lock` decided.
    public enum LockOutcome: Hashable, Sendable {
        /// The caller holds the lock now.
        case acquired(LockHolder)
        /// Someone else holds it.
        case busy(LockHolder)
    }

    /// Takes the lock for `owner` for `lease` if it is free (or its lease ran out).
    public mutating func lock(owner: String, session: String?, lease: Duration, now: Timestamp) throws -> LockOutcome {
        guard lease > .zero else { throw RuntimeError(.invalidArgument, "a lock lease must be longer than zero") }
        expire(now: now)
        if let holder { return .busy(holder) }
        lastToken += 1
        let holder = LockHolder(token: lastToken, owner: owner, session: session, expiresAt: now.advanced(by: lease))
        self.holder = holder
        return .acquired(holder)
    }

    /// Releases the lock held under `token`.
    public mutating func unlock(token: Int64, now: Timestamp) throws {
        try checkHolder(token: token, now: now, verb: "unlock")
        holder = nil
    }

    /// Extends the lease held under `token` to `now + lease`; returns the new expiry.
    public mutating func renew(token: Int64, lease: Duration, now: Timestamp) throws -> Timestamp {
        guard lease > .zero else { throw RuntimeError(.invalidArgument, "a lock lease must be longer than zero") }
        try checkHolder(token: token, now: now, verb: "renew")
        holder!.expiresAt = now.advanced(by: lease)
        return holder!.expiresAt
    }

    /// Frees the lock if its lease ran out; returns true when it did.
    @discardableResult
    public mutating func expire(now: Timestamp) -> Bool {
        guard let holder, holder.expiresAt <= now else { return false }
        self.holder = nil
        return true
    }

    /// Frees the lock if it was taken by `session` (its connection dropped); returns true when it did.
    @discardableResult
    public mutating func endSession(_ session: String) -> Bool {
        guard let holder, holder.session == session else { return false }
        self.holder = nil
        return true
    }

    private mutating func checkHolder(token: Int64, now: Timestamp, verb: String) throws {
        expire(now: now)
        guard let holder, holder.token == token else {
            let current = holder.map { "it is held under token \($0.token) by \($0.owner)" } ?? "it is not held"
            throw RuntimeError(.staleToken, "cannot \(verb) with token \(token): \(current); your lease ran out or was never yours, so stop writing under that token and lock again")
        }
    }
}
