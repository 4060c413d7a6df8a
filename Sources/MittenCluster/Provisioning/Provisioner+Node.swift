import Foundation
import Logging
import MittenRuntime

/// The servers one `up` created, with whether each is healthy, for the cleanup. Every
/// server of the run also carries the run's id in its metadata (``runMetadataKey``), so
/// that the cleanup finds one whose create was cut short before its id came back.
actor CreatedServers {
    /// The metadata key holding the id of the `up` run that booted a server.
    static let runMetadataKey = "mitten_run"
    /// This run's id.
    nonisolated let run = UUID().uuidString.lowercased()
    private var servers: [String: (id: String, healthy: Bool, keep: Bool)] = [:]

    func created(_ node: String, id: String) { servers[node] = (id, false, false) }
    func deleted(_ node: String) { servers[node] = nil }
    func healthy(_ node: String) { servers[node]?.healthy = true }
    func keepForInspection(_ node: String) { servers[node]?.keep = true }

    /// Ids of the servers the cleanup must leave alone: healthy or kept for inspection.
    func spared() -> Set<String> {
        Set(servers.values.filter { $0.healthy || $0.keep }.map(\.id))
    }

    /// Servers created in this run that are not healthy.
    func unhealthy() -> [(node: String, id: String, keep: Bool)] {
        servers.filter { !$0.value.healthy }.map { ($0.key, $0.value.id, $0.value.keep) }.sorted { $0.node < $1.node }
    }
}

/// What every VM's bring-up of one `up` shares.
struct BringUpContext<C: Clock>: Sendable where C.Duration == Duration {
    /// Where Control's address appears.
    let board: ControlAddressBoard
    /// The servers this run created.
    let ledger: CreatedServers
    /// Bounds concurrent SSH bootstraps.
    let bootstraps: Slots
    /// The security group rules being added; SSH needs them.
    let rules: Task<Void, any Error>
    /// The bearer token of Control's binary relay (from the cluster secret).
    let relayToken: String
    /// One server listing for every VM's waits.
    let watch: ServerWatch<C>
}

extension Provisioner {
    /// Boots one VM, waits for ACTIVE (replacing it on ERROR), bootstraps it over SSH;
    /// returns its address. Driven by ``NodeLifecycle``. Control publishes its address on
    /// `board`; a worker's user-data names Control's early address and its bootstrap
    /// waits for the final one.
    func bringUp(_ request: ClusterPlan.BootRequest, _ context: BringUpContext<C>) async throws -> String {
        let (board, ledger, watch) = (context.board, context.ledger, context.watch)
        var lifecycle = NodeLifecycle(maximumErrorBoots: configuration.maximumErrorBoots)
        let earlyControl = request.isControl ? nil : try await board.earlyAddress(clock: clock)
        let data = try spec.bootData(node: request.name, controlAddress: earlyControl.map { "\($0):\(spec.controlPort)" }, workspace: workspace)
        let userData = try RenderedUserData(text: try UserDataRenderer().render(data), node: request.name)
        let metadata = [spec.membershipMetadata.key: spec.membershipMetadata.value, "mitten_role": request.role,
                        CreatedServers.runMetadataKey: ledger.run]
        let start = clock.now

        func report(_ phase: NodeLifecycle.Phase, _ note: String? = nil) { progress(request.name, phase, note) }
        func boot() async throws -> NodeLifecycle.Action {
            // Not cancelled with the run: a create cut short may still boot a server, and
            // its id is what the cleanup deletes.
            let cloud = self.cloud, keyName = spec.keypairName, network = spec.network
            let id = try await Task {
                try await cloud.createServer(request, userData: userData, metadata: metadata, keyName: keyName, network: network)
            }.value
            await ledger.created(request.name, id: id)
            report(.building)
            return lifecycle.handle(.bootAccepted(serverID: id))
        }

        // Control's address shows while it builds (in the first listing after its create
        // was processed, possibly before the create's answer arrives): workers boot then.
        let early: Task<Void, any Error>? = if request.isControl {
            Task { [clock, timeout = configuration.activeTimeout] in
                let server = try await watch.wait(for: .named(request.name, run: ledger.run), until: clock.now.advanced(by: timeout),
                                                  timeoutError: { _ in ClusterError(.bootFailure, "\(request.name) showed no address within \(timeout)") },
                                                  where: { !$0.addresses.isEmpty })
                await board.publishEarly(server.addresses[0])
            }
        } else { nil }
        defer { early?.cancel() }

        var action = try await boot()
        var address = ""
        var bootstrapNote: String?
        while true {
            switch action {
            case .waitForActive:
                let server = try await waitWhileBuilding(id: lifecycle.serverID!, node: request.name, since: start, watch: watch)
                if server.status.uppercased() == "ACTIVE" {
                    guard let first = server.addresses.first else {
                        throw ClusterError(.cloudFailure, "\(request.name) is ACTIVE but has no address; check its network (\(spec.network ?? "default"))")
                    }
                    address = first
                    if request.isControl { await board.publishFinal(first) }
                    report(.active, address)
                    action = lifecycle.handle(.becameActive)
                } else {
                    let fault = server.fault ?? "no fault message"
                    report(.building, "ERROR: \(fault)")
                    action = lifecycle.handle(.wentToError(fault: fault))
                }
            case .deleteAndRetry(let id, let attempt):
                logger.warning("\(request.name) went to ERROR; deleting it and booting attempt \(attempt)")
                try await cloud.deleteServer(id: id)
                await ledger.deleted(request.name)
                action = try await boot()
            case .connectSSH:
                // The bootstrapper waits for port 22 and verifies the host key in one go.
                action = lifecycle.handle(.sshVerified)
            case .bootstrap:
                let control = request.isControl ? address : try await board.finalAddress(clock: clock)
                let payload = try await configuration.binaryPayload?.value
                try await context.rules.value
                var relay: UploadFile.Relay?
                if !request.isControl, configuration.relayBinary, let payload, try await board.relayAvailable(clock: clock) {
                    relay = UploadFile.Relay(url: "http://\(control):\(BinaryRelay.port(besideControl: spec.controlPort))\(BinaryRelay.path)",
                                             token: context.relayToken, sha256: payload.sha256)
                }
                do {
                    let files = uploads(for: request, controlAddress: "\(control):\(spec.controlPort)", payload: payload?.copies ?? [], relay: relay)
                    let delivery = try await context.bootstraps.withSlot {
                        report(.ssh)
                        return try await bootstrapper.bootstrap(node: request.name, address: address, hostKey: data.hostKey.publicKey,
                                                                files: files, command: Self.startCommand)
                    }
                    if delivery == .relayed { bootstrapNote = "mitten from Control's relay" }
                    if request.isControl { await board.publishRelay(true) }
                    action = lifecycle.handle(.bootstrapped)
                } catch let error as ClusterError where error.code == .hostKeyMismatch {
                    await ledger.keepForInspection(request.name)
                    report(.failed, error.message)
                    throw error
                }
            case .waitForRegistration:
                report(.bootstrapped, bootstrapNote)
                await ledger.healthy(request.name)
                return address
            case .done:
                return address
            case .giveUp(let reason, let delete):
                if !delete { await ledger.keepForInspection(request.name) }
                report(.failed, reason)
                throw ClusterError(.bootFailure, "\(request.name): \(reason)")
            }
        }
    }

    /// Waits (through the shared listing) until the server leaves BUILD.
    func waitWhileBuilding(id: String, node: String, since start: C.Instant, watch: ServerWatch<C>) async throws -> CloudState.Server {
        let timeout = configuration.activeTimeout
        return try await watch.wait(for: .id(id), until: start.advanced(by: timeout), timeoutError: { last in
            ClusterError(.bootFailure, "\(node) is still \(last?.status ?? "not listed") after \(timeout); look at it with `openstack server show \(id)`")
        }, where: { ["ACTIVE", "ERROR"].contains($0.status.uppercased()) })
    }

    /// What the bootstrap runs once the files are in place (the same script runcmd runs).
    static var startCommand: String { #"sh "${MITTEN_ROOT:-${MITTEN_SERVER_ROOT:-}}/etc/mitten/start.sh""# }

    /// The binary, plus Control's address as it is now that Control is ACTIVE (Control's
    /// user-data could not know its own; a worker's may name an earlier boot's).
    /// `relay`: where a worker may fetch the binary instead.
    func uploads(for request: ClusterPlan.BootRequest, controlAddress: String, payload: [UploadFile.PackedCopy], relay: UploadFile.Relay? = nil) -> [UploadFile] {
        var binary = UploadFile(remotePath: "/usr/local/bin/mitten", localPath: configuration.binaryPath, mode: 0o755, packedCopies: payload)
        binary.relay = relay
        return [binary, UploadFile(remotePath: "/etc/mitten/control", contents: Array("\(controlAddress)\n".utf8), mode: 0o600)]
    }
}
