import Foundation
import MittenProcess
import Logging

/// Boots and deletes servers: the BUILD -> ACTIVE/ERROR life cycle, the processes behind
/// each server, and recovery when the daemon starts again.
actor ServerRuntime {
    private let store: CloudStore
    private let provisioner: ServerProvisioner
    private let faults: LocalCloud.Configuration.Faults
    private let logger: Logger
    private let metadataBase: @Sendable () -> String
    private var boots: [String: Task<Void, Never>] = [:]
    /// Boots that ended in an injected ERROR so far (for `faults.errorLimit`).
    private var injectedErrors = 0

    init(store: CloudStore, provisioner: ServerProvisioner, faults: LocalCloud.Configuration.Faults,
         logger: Logger, metadataBase: @escaping @Sendable () -> String) {
        self.store = store
        self.provisioner = provisioner
        self.faults = faults
        self.logger = logger
        self.metadataBase = metadataBase
    }

    /// The metadata service URL of a server (its processes get it as MITTEN_METADATA_URL).
    func metadataURL(of serverID: String) -> String { metadataBase() + "/metadata/\(serverID)/" }

    /// Starts booting a server in the background.
    func startBoot(_ serverID: String, runCommands: Bool = true) {
        boots[serverID] = Task { await self.boot(serverID, runCommands: runCommands) }
    }

    /// Whether an injected fault makes this boot end in ERROR.
    nonisolated func injectedFailure(name: String) -> Bool {
        if Self.matches(faults.errorNamePattern, name) { return true }
        return faults.errorFraction > 0 && Double.random(in: 0..<1) < faults.errorFraction
    }

    /// Whether `pattern` (nil: none) matches somewhere in `name`.
    nonisolated static func matches(_ pattern: String?, _ name: String) -> Bool {
        guard let pattern, let regex = try? NSRegularExpression(pattern: pattern) else { return false }
        return regex.firstMatch(in: name, range: NSRange(name.startIndex..., in: name)) != nil
    }

    private func boot(_ serverID: String, runCommands: Bool) async {
        defer { boots[serverID] = nil }
        if faults.bootDuration > 0 {
            try? await Task.sleep(for: .seconds(faults.bootDuration))
        }
        guard !Task.isCancelled, let server = await store.read({ $0.servers[serverID] }), server.taskState != "deleting" else { return }
        if injectedFailure(name: server.name), faults.errorLimit.map({ injectedErrors < $0 }) ?? true {
            injectedErrors += 1
            await markError(serverID, message: faults.faultMessage, details: "injected by the local cloud's fault configuration")
            return
        }
        let flavor = store.resources.flavor(server.flavorID)
        let keypair = await store.read { state in server.keyName.flatMap { state.keypairs[$0]?.publicKey } }
        let context = BootContext(serverID: serverID, name: server.name, address: server.address, vcpus: flavor?.vcpus ?? 1,
                                  ram: flavor?.ram ?? 512, userData: server.userData.flatMap { Data(base64Encoded: $0) } ?? Data(),
                                  keypairPublicKey: keypair, metadataURL: metadataURL(of: serverID),
                                  foreignHostKey: Self.matches(faults.foreignHostKeyNamePattern, server.name))
        do {
            let provisioner = self.provisioner
            let processes = try await offThePool { try provisioner.provision(context, runCommands: runCommands) }
            let kept = try await store.mutate { state -> Bool in
                guard var record = state.servers[serverID], record.taskState != "deleting" else { return false }
                record.status = "ACTIVE"
                record.taskState = nil
                record.processes = processes
                record.launched = record.launched ?? Date()
                record.updated = Date()
                state.servers[serverID] = record
                return true
            }
            if !kept { _ = try? await offThePool { ProcessControl.terminate(serverID: serverID, groups: processes.groups) } }
            logger.info("server active", metadata: ["localcloud.server": .string(server.name), "localcloud.address": .string(server.address)])
        } catch {
            ProcessControl.terminate(serverID: serverID, groups: [], grace: 1)
            let message = (error as? LocalCloudError)?.message ?? "\(error)"
            await markError(serverID, message: message, details: "the local cloud could not provision the server")
        }
    }

    private func markError(_ serverID: String, message: String, details: String) async {
        _ = try? await store.mutate { state in
            guard var record = state.servers[serverID], record.taskState != "deleting" else { return }
            record.status = "ERROR"
            record.taskState = nil
            record.fault = FaultRecord(code: 500, message: message, details: details, created: Date())
            record.updated = Date()
            state.servers[serverID] = record
        }
        logger.info("server in ERROR", metadata: ["localcloud.server": .string(serverID), "localcloud.fault": .string(message)])
    }

    /// Stops a server's boot, kills its processes, and removes it with its port.
    func delete(_ serverID: String) async {
        boots[serverID]?.cancel()
        await boots[serverID]?.value
        guard let record = await store.read({ $0.servers[serverID] }) else { return }
        let left = (try? await offThePool { ProcessControl.terminate(serverID: serverID, groups: record.processes.groups) }) ?? []
        if !left.isEmpty { logger.warning("processes survived SIGKILL", metadata: ["localcloud.pids": .string("\(left)")]) }
        _ = try? await store.mutate { state in
            state.servers[serverID] = nil
            state.ports[record.portID] = nil
            for (id, var floating) in state.floatingIPs where floating.portID == record.portID {
                floating.portID = nil
                floating.fixedAddress = nil
                floating.updated = Date()
                state.floatingIPs[id] = floating
            }
            for (id, var group) in state.serverGroups where group.members.contains(serverID) {
                group.members.removeAll { $0 == serverID }
                state.serverGroups[id] = group
            }
        }
        try? FileManager.default.removeItem(at: provisioner.directory(of: serverID))
    }

    /// Brings the servers of a previous run back (see RecoveryDecision).
    func recover() async {
        let servers = await store.read { Array($0.servers.values) }
        for server in servers {
            let sshdAlive = server.processes.sshdPID.map(ProcessControl.isAlive) ?? false
            let marked = ProcessControl.markedProcesses(serverID: server.id)
            let decision = RecoveryDecision.decide(status: server.status, taskState: server.taskState,
                                                   sshdAlive: sshdAlive && marked.contains(server.processes.sshdPID ?? -1),
                                                   anyProcessAlive: !marked.isEmpty)
            logger.info("recovering server", metadata: ["localcloud.server": .string(server.name), "localcloud.decision": .string("\(decision)")])
            switch decision {
            case .finishDelete: await delete(server.id)
            case .leave: break
            case .rebuild, .reboot:
                ProcessControl.terminate(serverID: server.id, groups: server.processes.groups, grace: 1)
                startBoot(server.id)
            case .adopt(let sshdDied):
                if sshdDied { await restartSSHD(server) }
            }
        }
    }

    private func restartSSHD(_ server: ServerRecord) async {
        if let pid = server.processes.sshdPID { ProcessControl.terminate(serverID: "-", groups: [pid], grace: 1) }
        let keypair = await store.read { state in server.keyName.flatMap { state.keypairs[$0]?.publicKey } }
        let flavor = store.resources.flavor(server.flavorID)
        let context = BootContext(serverID: server.id, name: server.name, address: server.address, vcpus: flavor?.vcpus ?? 1,
                                  ram: flavor?.ram ?? 512, userData: server.userData.flatMap { Data(base64Encoded: $0) } ?? Data(),
                                  keypairPublicKey: keypair, metadataURL: metadataURL(of: server.id),
                                  foreignHostKey: Self.matches(faults.foreignHostKeyNamePattern, server.name))
        do {
            let config = try CloudConfig.parse(context.userData)
            let directory = provisioner.directory(of: server.id).appendingPathComponent("ssh")
            let pid = try provisioner.startSSHD(context, config: config, directory: directory, environment: provisioner.environment(context))
            _ = try? await store.mutate { $0.servers[server.id]?.processes.sshdPID = pid }
        } catch {
            await markError(server.id, message: "sshd could not be restarted: \(error)", details: "recovery after a daemon restart")
        }
    }

    /// Stops every boot and kills every server's processes (the daemon is stopping). The
    /// servers stay in the state; the next start reboots them.
    func shutdown() async {
        for task in boots.values { task.cancel() }
        for task in boots.values { await task.value }
        let servers = await store.read { Array($0.servers.values) }
        for server in servers {
            ProcessControl.terminate(serverID: server.id, groups: server.processes.groups)
        }
    }
}

extension ProcessRecord {
    /// The process groups to signal.
    var groups: [Int32] { [sshdPID, runcmdPID].compactMap { $0 } }
}

