import Testing
@testable import MittenRuntime

private let t0 = Timestamp(milliseconds: 5_000_000)
private func at(_ seconds: Int) -> Timestamp { t0.advanced(by: .seconds(seconds)) }

@Suite struct LockStateTests {
    @Test func tokensOnlyIncreaseAcrossHoldersAndReloads() throws {
        var lock = LockState()
        guard case .acquired(let first) = try lock.lock(owner: "a", session: nil, lease: .seconds(10), now: at(0)) else {
            Issue.record("free lock not acquired"); return
        }
        try lock.unlock(token: first.token, now: at(1))
        guard case .acquired(let second) = try lock.lock(owner: "b", session: nil, lease: .seconds(10), now: at(2)) else {
            Issue.record("free lock not acquired"); return
        }
        #expect(second.token > first.token)
        var reloaded = LockState(lastToken: lock.lastToken, holder: nil)
        guard case .acquired(let third) = try reloaded.lock(owner: "c", session: nil, lease: .seconds(1), now: at(3)) else {
            Issue.record("free lock not acquired"); return
        }
        #expect(third.token > second.token)
    }

    /// (what happens, expected outcome) around a holder with a 10 s lease taken at 0.
    static let cases: [(String, Int, Bool)] = [
        ("second locker at 5 s is busy", 5, false),
        ("second locker at 9 s is busy", 9, false),
        ("second locker at 10 s gets it (lease ran out)", 10, true),
        ("second locker at 60 s gets it", 60, true),
    ]

    @Test(arguments: cases)
    func leaseExpiry(_ name: String, _ second: Int, _ acquires: Bool) throws {
        var lock = LockState()
        _ = try lock.lock(owner: "first", session: nil, lease: .seconds(10), now: at(0))
        let outcome = try lock.lock(owner: "second", session: nil, lease: .seconds(10), now: at(second))
        if case .acquired = outcome { #expect(acquires, "\(name)") } else { #expect(!acquires, "\(name)") }
    }

    @Test func staleTokenRefusedForUnlockAndRenew() throws {
        var lock = LockState()
        guard case .acquired(let dead) = try lock.lock(owner: "dead", session: nil, lease: .seconds(5), now: at(0)),
              case .acquired(let live) = try lock.lock(owner: "live", session: nil, lease: .seconds(5), now: at(6)) else {
            Issue.record("not acquired"); return
        }
        #expect(throws: RuntimeError.self) { try lock.unlock(token: dead.token, now: at(7)) }
        #expect(throws: RuntimeError.self) { try lock.renew(token: dead.token, lease: .seconds(5), now: at(7)) }
        #expect(lock.holder?.token == live.token)
        #expect(try lock.renew(token: live.token, lease: .seconds(5), now: at(8)) == at(13))
        #expect(throws: RuntimeError.self) { try lock.unlock(token: live.token, now: at(14)) }
    }

    @Test func endedSessionFreesOnlyItsOwnLock() throws {
        var lock = LockState()
        _ = try lock.lock(owner: "a", session: "s1", lease: .seconds(30), now: at(0))
        let otherEnded = lock.endSession("s2")
        #expect(!otherEnded)
        #expect(lock.holder != nil)
        let ownEnded = lock.endSession("s1")
        #expect(ownEnded)
        #expect(lock.holder == nil)
    }
}
