import Foundation
import Logging
import MittenSSH

/// `mitten cluster ssh`: a command on one VM through libssh2 (the bootstrap's own
/// code path, host key verified), or the argv for an interactive OpenSSH session that
/// trusts only the known_hosts file mitten wrote from the keys it generated.
public struct ClusterShell: Sendable {
    let spec: ClusterSpec
    let workspace: ClusterWorkspace
    let port: Int

    /// A shell into `spec`'s VMs on SSH `port`.
    public init(spec: ClusterSpec, workspace: ClusterWorkspace, port: Int = 22) {
        self.spec = spec
        self.workspace = workspace
        self.port = port
    }

    /// The address of `node` in `state`, or an error listing the cluster's VMs.
    public func address(of node: String, in state: CloudState) throws -> String {
        let members = state.servers.filter { $0.metadata[spec.membershipMetadata.key] == spec.name }
        guard let server = members.first(where: { $0.name == node }) else {
            let names = members.map(\.name).sorted().joined(separator: ", ")
            throw ClusterError(.cloudFailure, "cluster \(spec.name) has no VM named \(node); it has: \(names.isEmpty ? "none" : names)")
        }
        guard let address = server.addresses.first else {
            throw ClusterError(.cloudFailure, "\(node) has no address yet (status \(server.status))")
        }
        return address
    }

    /// Runs `command` on `node` at `address`; returns its exit status, output and error output.
    public func run(_ command: [String], node: String, address: String, logger: Logger) async throws -> (status: Int32, output: [UInt8], error: [UInt8]) {
        let hostKey = try workspace.hostKey(for: node).publicKey
        let configuration = SSHSession.Configuration(
            host: address, port: port, user: spec.image.loginUser,
            expectedHostKey: try MittenSSH.SSHPublicKey(blob: hostKey.blob, comment: node),
            authentication: .agentThenPrivateKeyFile(path: spec.sshKey.privateKeyPath)
        )
        do {
            let result = try await SSHSession.withSession(configuration, logger: logger) { session in
                try await session.run(command.map(ShellQuoting.quote).joined(separator: " "), timeout: .seconds(3600))
            }
            return (result.exitSignal == nil ? result.exitStatus : 128, result.standardOutput, result.standardError)
        } catch let error as MittenSSHError where error.code == .hostKeyMismatch {
            throw ClusterError(.hostKeyMismatch, "\(node) (\(address)): \(error.message)", underlying: error)
        }
    }

    /// Writes known_hosts with `node`'s key and returns the OpenSSH argv for an
    /// interactive session (`command` empty) or one command.
    public func openSSHArguments(node: String, address: String, command: [String] = []) throws -> [String] {
        try workspace.writeKnownHosts([(address: address, port: port, key: try workspace.hostKey(for: node).publicKey)])
        return OpenSSHCommandLine(
            host: address, port: port, user: spec.image.loginUser, knownHostsFile: workspace.knownHostsFile,
            identityFile: spec.sshKey.privateKeyPath, command: command
        ).argv
    }
}
