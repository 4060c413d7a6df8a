import Foundation
@testable import OpenStackKit
import Synchronization
import Testing

/// The cache's decisions, with time injected. The "authenticate" closure here is the
/// cache's own input (a function returning tokens), not a stand-in for Keystone: the
/// tests against real Keystone are in KeystoneIntegrationTests.
@Suite struct TokenCacheTests {
    final class Source: Sendable {
        let calls = Mutex(0)
        let clock = Mutex(Date(timeIntervalSince1970: 1_000_000))
        let lifetime: TimeInterval
        init(lifetime: TimeInterval) { self.lifetime = lifetime }
        var now: Date { clock.withLock { $0 } }
        func advance(_ seconds: TimeInterval) { clock.withLock { $0 = $0.addingTimeInterval(seconds) } }
        func token() async throws -> Token {
            let n = calls.withLock { $0 += 1; return $0 }
            try await Task.sleep(for: .milliseconds(20))
            return Token(id: Secret("t\(n)"), expiresAt: now.addingTimeInterval(lifetime), issuedAt: now, catalog: .init(services: []))
        }
    }

    @Test func concurrentCallersShareOneAuthentication() async throws {
        let source = Source(lifetime: 3600)
        let cache = TokenCache(now: { source.now }, authenticate: { try await source.token() })
        let ids = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<20 { group.addTask { try await cache.token().id.revealed } }
            return try await group.reduce(into: Set<String>()) { $0.insert($1) }
        }
        #expect(ids == ["t1"])
        #expect(source.calls.withLock { $0 } == 1)
        #expect(await cache.authenticationCount == 1)
    }

    @Test func renewsTwoMinutesBeforeExpiry() async throws {
        let source = Source(lifetime: 3600)
        let cache = TokenCache(now: { source.now }, authenticate: { try await source.token() })
        #expect(try await cache.token().id.revealed == "t1")
        source.advance(3600 - 121)
        #expect(try await cache.token().id.revealed == "t1")
        source.advance(2)
        #expect(try await cache.token().id.revealed == "t2")
    }

    @Test func marginBelowTwoMinutesIsRaised() async throws {
        let source = Source(lifetime: 3600)
        let cache = TokenCache(renewalMargin: .seconds(10), now: { source.now }, authenticate: { try await source.token() })
        _ = try await cache.token()
        source.advance(3600 - 119)
        #expect(try await cache.token().id.revealed == "t2")
    }

    @Test func shortLivedTokensAreRenewedAtHalfLife() async throws {
        let source = Source(lifetime: 150)
        let cache = TokenCache(now: { source.now }, authenticate: { try await source.token() })
        _ = try await cache.token()
        source.advance(74)
        #expect(try await cache.token().id.revealed == "t1")
        source.advance(2)
        #expect(try await cache.token().id.revealed == "t2")
    }

    @Test func aRejectedTokenIsReplacedOnceForManyRejections() async throws {
        let source = Source(lifetime: 3600)
        let cache = TokenCache(now: { source.now }, authenticate: { try await source.token() })
        let first = try await cache.token()
        await cache.reject(first)
        let second = try await cache.token()
        await cache.reject(first)   // a late 401 for the old token changes nothing
        #expect(try await cache.token() == second)
        #expect(second.id.revealed == "t2")
        #expect(source.calls.withLock { $0 } == 2)
    }

    @Test func aFailedAuthenticationIsSharedAndNotCached() async throws {
        let failures = Mutex(0)
        let cache = TokenCache(authenticate: {
            failures.withLock { $0 += 1 }
            throw OpenStackError(code: .authenticationFailed, message: "nope")
        })
        await #expect(throws: OpenStackError.self) { try await cache.token() }
        await #expect(throws: OpenStackError.self) { try await cache.token() }
        #expect(failures.withLock { $0 } == 2)
    }
}
