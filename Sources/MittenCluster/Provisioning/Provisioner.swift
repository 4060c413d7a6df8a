import Foundation
import Logging
import MittenRuntime

/// `mitten cluster up`: computes the plan and carries it out. Keypair and security
/// groups first, then Control's boot while the rules are added; as soon as Control shows
/// its address (while it still builds) every worker boots, so the whole cluster takes
/// about one boot; each VM is bootstrapped over SSH once ACTIVE and the rules are in
/// place (a worker once Control is ACTIVE too), at most ``Configuration/concurrency``
/// at a time, then `up` waits until every VM registered with Control. A failure or
/// cancellation (Ctrl-C) deletes every server this run created
/// that is not healthy, unless ``Configuration/keepFailed``; a VM with a wrong host
/// key is always kept for inspection.
public struct Provisioner<C: Clock>: Sendable where C.Duration == Duration {
    /// Tunables with defaults.
    public struct Configuration: Sendable {
        /// VMs bootstrapped over SSH at the same time.
        public var concurrency = 10
        /// Workers being created and waited for at the same time (every worker of a
        /// usual cluster boots at once; the transport retries a cloud's 429s).
        public var bootConcurrency = 100
        /// Boots of one VM that may end in ERROR before `up` gives up on it.
        public var maximumErrorBoots = 3
        /// Longest wait for one server to become ACTIVE.
        public var activeTimeout: Duration = .seconds(900)
        /// Keep servers that failed (for inspection) instead of deleting them.
        public var keepFailed = false
        /// The mitten binary uploaded to every VM (normally the running executable).
        public var binaryPath: String
        /// The binary as it travels: compressed copies of it without debug info, best
        /// first, and the SHA-256 of what a VM runs (see ``BinaryPayload``), made while
        /// `up` talks to the cloud; nil uploads ``binaryPath`` as it is to every VM.
        public var binaryPayload: Task<BinaryPayload.Prepared, any Error>?
        /// Workers fetch the binary from Control's relay (``BinaryRelay``) when Control
        /// was bootstrapped by this run and the worker has `curl` or `wget`, so that the
        /// workstation sends it once; false sends it to every VM over SSH.
        public var relayBinary = true
        /// Creates a configuration that uploads `binaryPath`.
        public init(binaryPath: String) { self.binaryPath = binaryPath }
    }

    /// Waits until the given VMs' workers registered with Control at the address
    /// (nil: `up` stops once every VM is bootstrapped).
    public typealias RegistrationWaiter = @Sendable (_ controlAddress: String, _ nodes: [String: String]) async throws -> Void
    /// Receives each VM's progress: node, phase, note.
    public typealias ProgressSink = @Sendable (_ node: String, _ phase: NodeLifecycle.Phase, _ note: String?) -> Void

    let spec: ClusterSpec
    let cloud: any ClusterCloud
    let bootstrapper: any NodeBootstrapper
    let workspace: ClusterWorkspace
    let configuration: Configuration
    let waitForRegistration: RegistrationWaiter?
    let progress: ProgressSink
    let clock: C
    let logger: Logger

    /// Creates a provisioner; nothing happens until ``up()``.
    public init(
        spec: ClusterSpec, cloud: any ClusterCloud, bootstrapper: any NodeBootstrapper, workspace: ClusterWorkspace,
        configuration: Configuration, clock: C, logger: Logger,
        waitForRegistration: RegistrationWaiter?, progress: @escaping ProgressSink
    ) {
        self.spec = spec
        self.cloud = cloud
        self.bootstrapper = bootstrapper
        self.workspace = workspace
        self.configuration = configuration
        self.clock = clock
        self.logger = logger
        self.waitForRegistration = waitForRegistration
        self.progress = progress
    }

    /// What `up` did.
    public struct Outcome: Sendable {
        /// The plan it carried out.
        public var plan: ClusterPlan
        /// Control's RPC address.
        public var controlAddress: String
        /// The VMs booted in this run.
        public var booted: [String]
        /// True when `up` waited for every booted VM to register with Control.
        public var registrationChecked: Bool
    }

    /// Brings the cluster to what the file says; see the type's summary.
    public func up() async throws -> Outcome {
        let plan = try ClusterPlan.compute(spec: spec, state: try await cloud.state())
        let ledger = CreatedServers()
        // Rules are added while Control boots; a VM's SSH bootstrap waits for them.
        var rules: Task<Void, any Error>?
        do {
            let (ruleActions, otherActions) = (plan.actions.filter(\.isRule), plan.actions.filter { !$0.isRule })
            try await performConcurrently(otherActions)
            let rulesTask = Task { try await performConcurrently(ruleActions) }
            rules = rulesTask
            let context = BringUpContext(board: ControlAddressBoard(), ledger: ledger, bootstraps: Slots(limit: configuration.concurrency),
                                         rules: rulesTask, relayToken: BinaryRelay.token(secret: try workspace.clusterSecret()),
                                         watch: ServerWatch(cloud: cloud, clock: clock, logger: logger))
            let board = context.board
            let controlBoot = plan.boots.first(where: \.isControl)
            if controlBoot == nil {
                guard let control = plan.existingServers.first(where: { spec.role(ofNode: $0.name) == "Control" }),
                      let address = control.addresses.first else {
                    throw ClusterError(.cloudFailure, "Control exists but has no address yet; run up again when it is ACTIVE")
                }
                await board.publishFinal(address)
                await board.publishRelay(false)
            }
            var addresses: [String: String] = [:]
            let workers = plan.boots.filter { !$0.isControl }
            try await withThrowingTaskGroup(of: (String, String).self) { group in
                if let controlBoot {
                    group.addTask {
                        do { return (controlBoot.name, try await bringUp(controlBoot, context)) } catch {
                            await board.fail(error)
                            throw error
                        }
                    }
                    // Workers boot once Control shows its address, while Control still builds.
                    _ = try await board.earlyAddress(clock: clock)
                }
                var pending = workers[...]
                func startNext() {
                    guard let next = pending.popFirst() else { return }
                    group.addTask { (next.name, try await bringUp(next, context)) }
                }
                for _ in 0..<min(configuration.bootConcurrency, workers.count) { startNext() }
                while let (name, address) = try await group.next() {
                    addresses[name] = address
                    if name != controlBoot?.name { startNext() }
                }
            }
            try await rulesTask.value
            let controlAddress = "\(try await board.finalAddress(clock: clock)):\(spec.controlPort)"
            let nodes = plan.boots.map(\.name)
            if let waitForRegistration {
                try await waitForRegistration(controlAddress, addresses)
                for node in nodes { progress(node, .registered, nil) }
            }
            return Outcome(plan: plan, controlAddress: controlAddress, booted: nodes, registrationChecked: waitForRegistration != nil)
        } catch {
            rules?.cancel()
            // Clean up even when the run was cancelled: an unstructured task is not.
            let deleted = configuration.keepFailed ? 0 : await Task { await cleanUp(ledger) }.value
            if error is CancellationError {
                throw ClusterError(.interrupted, "interrupted; deleted \(deleted) server(s) this run created that were not healthy")
            }
            throw error
        }
    }

    /// Carries out cloud actions concurrently: keypair, security groups and failed-server
    /// deletions in one round before any boot, then every rule in a second (a rule needs
    /// its group) while Control boots.
    private func performConcurrently(_ actions: [ClusterPlan.Action]) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for action in actions { group.addTask { try await perform(action) } }
            try await group.waitForAll()
        }
    }

    private func perform(_ action: ClusterPlan.Action) async throws {
        logger.info("\(action)")
        switch action {
        case .importKeypair(let name, let key): try await cloud.importKeypair(name: name, publicKey: key)
        case .createSecurityGroup(let name): try await cloud.createSecurityGroup(name: name)
        case .createRule(let group, let rule): try await cloud.createRule(group: group, rule: rule)
        case .deleteFailedServer(let server):
            try await cloud.deleteServer(id: server.id)
            workspace.forgetHostKey(for: server.name)
        case .boot: break
        }
    }

    /// Deletes every server of this run that is neither healthy nor kept for inspection,
    /// including one whose create was cut short (found by the run id in its metadata), and
    /// lists until they are gone: deleting is asynchronous in Nova, and `up` returns only
    /// once nothing it created is left behind. Returns how many it deleted.
    private func cleanUp(_ ledger: CreatedServers) async -> Int {
        var requested: Set<String> = [], failed: Set<String> = []
        func delete(id: String, node: String) async {
            guard requested.insert(id).inserted else { return }
            logger.info("deleting \(node) (created by this run, not healthy)")
            do {
                try await cloud.deleteServer(id: id)
            } catch {
                failed.insert(id)
                logger.error("could not delete \(node) (\(id)): \(error); delete it by hand")
            }
        }
        for server in await ledger.unhealthy() where !server.keep { await delete(id: server.id, node: server.node) }
        let spared = await ledger.spared()
        let start = clock.now
        var delay = Duration.milliseconds(100)
        while true {
            guard let listed = try? await cloud.servers().filter({
                $0.metadata[CreatedServers.runMetadataKey] == ledger.run && !spared.contains($0.id)
            }) else { break }
            for server in listed { await delete(id: server.id, node: server.name) }
            if listed.allSatisfy({ failed.contains($0.id) }) { break }
            if start.duration(to: clock.now) > .seconds(120) {
                logger.error("servers \(listed.map(\.name).sorted().joined(separator: ", ")) are still listed two minutes after their deletion; check them with `openstack server list`")
                break
            }
            try? await clock.sleep(for: delay)
            delay = min(delay * 2, .seconds(2))
        }
        return requested.count - failed.count
    }
}
