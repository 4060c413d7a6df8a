/// The pure decisions of one VM's way through `up`: planned -> building -> active ->
/// ssh -> bootstrapped -> registered, with ERROR boots deleted and retried up to a
/// limit. The provisioner feeds it events and carries out the ``Action`` it returns.
public struct NodeLifecycle: Sendable, Hashable {
    /// Where the VM is.
    public enum Phase: String, Sendable, Hashable, CaseIterable {
        case planned, building, active, ssh, bootstrapped, registered, failed
    }

    /// What happened to the VM.
    public enum Event: Sendable, Hashable {
        /// The boot request was accepted; the server has this id.
        case bootAccepted(serverID: String)
        /// The server reached ACTIVE.
        case becameActive
        /// The server went to ERROR with Nova's fault message.
        case wentToError(fault: String)
        /// Its SSH port answered and showed the host key mitten generated.
        case sshVerified
        /// The binary and files were uploaded, checked and the service started.
        case bootstrapped
        /// Its workers registered with Control.
        case registered
        /// A step failed for good; `keepForInspection` leaves the VM (wrong host key).
        case failed(reason: String, keepForInspection: Bool)
    }

    /// What the provisioner does next.
    public enum Action: Sendable, Hashable {
        /// Wait for the server to become ACTIVE.
        case waitForActive
        /// Delete the failed server, then boot it again (attempt number given).
        case deleteAndRetry(serverID: String, attempt: Int)
        /// Connect over SSH and verify the host key.
        case connectSSH
        /// Upload the binary and files and start the service.
        case bootstrap
        /// Wait until the VM's workers are registered with Control.
        case waitForRegistration
        /// Nothing more to do: the VM is registered.
        case done
        /// Give up on this VM; `deleteServer` says whether it should be deleted
        /// (false when it must stay for inspection, e.g. a wrong host key).
        case giveUp(reason: String, deleteServer: Bool)
    }

    /// The current phase.
    public private(set) var phase: Phase = .planned
    /// The server id of the current attempt.
    public private(set) var serverID: String?
    /// How many boots went to ERROR so far.
    public private(set) var errorBoots = 0
    /// Boots that may go to ERROR before the VM is given up.
    public let maximumErrorBoots: Int

    /// A VM that has not been booted yet.
    public init(maximumErrorBoots: Int = 3) { self.maximumErrorBoots = maximumErrorBoots }

    /// Applies `event` and says what to do next.
    public mutating func handle(_ event: Event) -> Action {
        switch (phase, event) {
        case (.planned, .bootAccepted(let id)), (.building, .bootAccepted(let id)):
            phase = .building
            serverID = id
            return .waitForActive
        case (.building, .becameActive):
            phase = .active
            return .connectSSH
        case (.building, .wentToError(let fault)), (.active, .wentToError(let fault)):
            errorBoots += 1
            let id = serverID ?? ""
            guard errorBoots < maximumErrorBoots else {
                phase = .failed
                return .giveUp(reason: "went to ERROR \(errorBoots) times; last fault: \(fault)", deleteServer: true)
            }
            phase = .building
            serverID = nil
            return .deleteAndRetry(serverID: id, attempt: errorBoots + 1)
        case (.active, .sshVerified):
            phase = .ssh
            return .bootstrap
        case (.ssh, .bootstrapped):
            phase = .bootstrapped
            return .waitForRegistration
        case (.bootstrapped, .registered):
            phase = .registered
            return .done
        case (_, .failed(let reason, let keep)):
            phase = .failed
            return .giveUp(reason: reason, deleteServer: !keep)
        default:
            let reason = "unexpected \(event) while \(phase.rawValue)"
            phase = .failed
            return .giveUp(reason: reason, deleteServer: true)
        }
    }

    /// True when this VM should be deleted by the cleanup of a failed or interrupted
    /// `up` (it was created in this run and is not healthy).
    public var needsCleanup: Bool { serverID != nil && phase != .registered }
}
