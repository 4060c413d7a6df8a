/// What a starting daemon does with a server it finds in its state: a pure decision,
/// table-tested in RecoveryDecisionTests.
enum RecoveryDecision: Equatable, Sendable {
    /// Its processes still run: keep them (restarting only sshd if that one died).
    case adopt(restartSSHD: Bool)
    /// Nothing of it runs any more: boot it again (files, sshd and runcmd), like a reboot.
    case reboot
    /// It was being built when the daemon stopped: build it again from the start.
    case rebuild
    /// It was being deleted: finish the deletion.
    case finishDelete
    /// It is in ERROR: leave it as it is (no processes belong to it).
    case leave

    /// Decides from the server's status and task state and which of its processes live.
    static func decide(status: String, taskState: String?, sshdAlive: Bool, anyProcessAlive: Bool) -> RecoveryDecision {
        if taskState == "deleting" { return .finishDelete }
        switch status {
        case "BUILD": return .rebuild
        case "ERROR": return .leave
        default: return anyProcessAlive ? .adopt(restartSSHD: !sshdAlive) : .reboot
        }
    }
}
