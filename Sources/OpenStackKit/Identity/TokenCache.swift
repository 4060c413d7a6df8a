import Foundation

/// Holds the current token and gets a new one when it is missing, about to expire, or
/// rejected. Concurrent callers share one in-flight authentication (an actor: the
/// first caller starts it, the others await the same task).
///
/// A token is renewed `renewalMargin` before it expires (never less than 2 minutes),
/// except that a token living shorter than twice the margin is renewed at half its life
/// (else a short-lived token would be renewed on every request).
public actor TokenCache {
    /// How a new token is obtained.
    public typealias Authenticate = @Sendable () async throws -> Token

    private let authenticate: Authenticate
    private let renewalMargin: TimeInterval
    private let now: @Sendable () -> Date
    private var current: Token?
    private var renewAt: Date = .distantPast
    private var inFlight: Task<Token, any Error>?
    /// Authentications made through this cache.
    public private(set) var authenticationCount = 0

    /// The smallest renewal margin: tokens are renewed at least this early.
    public static let minimumRenewalMargin: Duration = .seconds(120)

    /// Creates a cache. `now` is injected so that tests can move time.
    public init(renewalMargin: Duration = .seconds(120), now: @escaping @Sendable () -> Date = { Date() },
                authenticate: @escaping Authenticate) {
        let margin = max(renewalMargin, Self.minimumRenewalMargin)
        self.renewalMargin = Double(margin.components.seconds) + Double(margin.components.attoseconds) / 1e18
        self.now = now
        self.authenticate = authenticate
    }

    /// A token that is not about to expire: the cached one, or a new one.
    public func token() async throws -> Token {
        if let current, now() < renewAt { return current }
        return try await renew()
    }

    /// Reports that a service rejected `token` (401). If it is still the cached token,
    /// it is dropped, so the next `token()` authenticates again; if another caller has
    /// already replaced it, nothing happens (one re-authentication for many 401s).
    public func reject(_ token: Token) {
        if current?.id == token.id {
            current = nil
            renewAt = .distantPast
        }
    }

    /// The cached token, if any (whether or not it is due for renewal).
    public var cachedToken: Token? { current }

    /// When the cached token will be renewed.
    public var renewalDate: Date { renewAt }

    private func renew() async throws -> Token {
        if let inFlight { return try await inFlight.value }
        let task = Task { [authenticate] in try await authenticate() }
        inFlight = task
        defer { inFlight = nil }
        let token = try await task.value
        authenticationCount += 1
        current = token
        renewAt = Self.renewalDate(for: token, margin: renewalMargin, now: now())
        return token
    }

    /// When a token obtained at `now` should be renewed: `margin` before it expires, or
    /// at half its remaining life when that is shorter than twice the margin.
    public static func renewalDate(for token: Token, margin: TimeInterval, now: Date) -> Date {
        let life = token.expiresAt.timeIntervalSince(token.issuedAt.map { min($0, now) } ?? now)
        let effective = life < 2 * margin ? life / 2 : margin
        return token.expiresAt.addingTimeInterval(-effective)
    }
}
