import Testing
@testable import MittenCluster

@Suite struct NodeLifecycleTests {
    typealias E = NodeLifecycle.Event
    typealias A = NodeLifecycle.Action

    /// (events, expected actions, final phase, needs cleanup)
    @Test(arguments: [
        ([E.bootAccepted(serverID: "s1"), .becameActive, .sshVerified, .bootstrapped, .registered],
         [A.waitForActive, .connectSSH, .bootstrap, .waitForRegistration, .done], NodeLifecycle.Phase.registered, false),
        ([.bootAccepted(serverID: "s1"), .wentToError(fault: "No valid host"), .bootAccepted(serverID: "s2"), .becameActive],
         [.waitForActive, .deleteAndRetry(serverID: "s1", attempt: 2), .waitForActive, .connectSSH], .active, true),
        ([.bootAccepted(serverID: "s1"), .wentToError(fault: "a"), .bootAccepted(serverID: "s2"), .wentToError(fault: "b"),
          .bootAccepted(serverID: "s3"), .wentToError(fault: "c")],
         [.waitForActive, .deleteAndRetry(serverID: "s1", attempt: 2), .waitForActive, .deleteAndRetry(serverID: "s2", attempt: 3),
          .waitForActive, .giveUp(reason: "went to ERROR 3 times; last fault: c", deleteServer: true)], .failed, true),
        ([.bootAccepted(serverID: "s1"), .becameActive, .failed(reason: "wrong host key", keepForInspection: true)],
         [.waitForActive, .connectSSH, .giveUp(reason: "wrong host key", deleteServer: false)], .failed, true),
        ([.bootAccepted(serverID: "s1"), .becameActive, .sshVerified, .failed(reason: "upload failed", keepForInspection: false)],
         [.waitForActive, .connectSSH, .bootstrap, .giveUp(reason: "upload failed", deleteServer: true)], .failed, true),
        ([.becameActive], [.giveUp(reason: "unexpected becameActive while planned", deleteServer: true)], .failed, false),
    ])
    func decisions(_ events: [E], _ expected: [A], _ phase: NodeLifecycle.Phase, _ cleanup: Bool) {
        var lifecycle = NodeLifecycle(maximumErrorBoots: 3)
        #expect(events.map { lifecycle.handle($0) } == expected)
        #expect(lifecycle.phase == phase)
        #expect(lifecycle.needsCleanup == cleanup)
    }
}
