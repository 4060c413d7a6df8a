import Testing
@testable import MittenRuntime

@Suite struct BackoffTests {
    static let policy = Backoff.Policy(initial: .milliseconds(100), maximum: .seconds(1), multiplier: 2, jitter: 0.5, maximumAttempts: 6)

    @Test(arguments: [
        // (random for every failure, expected delays in ms, nil = give up)
        ([0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], [100, 200, 400, 800, 1000, 1000, nil]),
        ([1.0, 1.0, 1.0], [50, 100, 200]),
        ([0.5, 0.5, 0.5, 0.5, 0.5], [75, 150, 300, 600, 750]),
    ] as [([Double], [Int?])])
    func delaysAreCappedExponentialWithJitter(randoms: [Double], expected: [Int?]) {
        var backoff = Backoff(policy: Self.policy)
        let delays: [Int?] = randoms.map { random in
            switch backoff.failed(random: random) {
            case .retry(let delay): Int(delay.components.seconds * 1000 + delay.components.attoseconds / 1_000_000_000_000_000)
            case .giveUp: nil
            }
        }
        #expect(delays == expected)
    }

    @Test func successResetsTheDelay() {
        var backoff = Backoff(policy: Self.policy)
        _ = backoff.failed(random: 0)
        _ = backoff.failed(random: 0)
        backoff.succeeded()
        #expect(backoff.failed(random: 0) == .retry(after: .milliseconds(100)))
    }

    @Test func neverGivesUpImmediately() {
        var backoff = Backoff(policy: .never)
        #expect(backoff.failed(random: 0) == .giveUp)
    }
}
