import Foundation
import Logging
import MittenSSH

/// ``NodeBootstrapper`` over MittenSSH (libssh2): waits for the SSH port with capped
/// backoff, accepts only the host key mitten generated for the VM, logs in with the
/// user's ed25519 key (agent, else the key file), uploads every file with its SHA-256
/// checked on the VM, and runs the start script. On a real VM the login user is not
/// root, so files land in a temporary place and `sudo install` moves them; on the
/// local cloud everything lives under `MITTEN_ROOT`/`MITTEN_SERVER_ROOT`.
public struct MittenSSHBootstrapper: NodeBootstrapper {
    let user: String
    let privateKeyPath: String
    let port: Int
    let logger: Logger

    /// A bootstrapper logging in as `user` with `privateKeyPath` on `port`.
    public init(user: String, privateKeyPath: String, port: Int = 22, logger: Logger) {
        self.user = user
        self.privateKeyPath = privateKeyPath
        self.port = port
        self.logger = logger
    }

    public func bootstrap(node: String, address: String, hostKey: SSHPublicKey, files: [UploadFile], command: String) async throws {
        do {
            try await SSHPortWaiter.waitForPort(host: address, port: port, clock: ContinuousClock(), logger: logger)
            let expected = try MittenSSH.SSHPublicKey(blob: hostKey.blob, comment: node)
            let configuration = SSHSession.Configuration(
                host: address, port: port, user: user, expectedHostKey: expected,
                authentication: .agentThenPrivateKeyFile(path: privateKeyPath)
            )
            try await SSHSession.withSession(configuration, logger: logger) { session in
                // One exec for what the others need: the root prefix and the user id.
                let probe = try await session.run(#"printf '%s\n%s' "${MITTEN_ROOT:-${MITTEN_SERVER_ROOT:-}}" "$(id -u)""#).outputText
                let lines = probe.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
                let root = lines.count == 2 ? lines[0] : ""
                let whoami = (lines.last ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
                let sudo = root.isEmpty && whoami != "0" ? "sudo " : ""
                func staging(_ file: UploadFile) -> String {
                    sudo.isEmpty ? root + file.remotePath : "/tmp/mitten-upload-\((file.remotePath as NSString).lastPathComponent)"
                }
                let directories = Set(files.map { (staging($0) as NSString).deletingLastPathComponent }).sorted()
                try await check(session.run("mkdir -p " + directories.map(ShellQuoting.quote).joined(separator: " ")),
                                node: node, what: "create \(directories.joined(separator: ", "))")
                for file in files {
                    let target = root + file.remotePath
                    let staging = staging(file)
                    if let local = file.localPath, file.gzipped {
                        let packed = staging + ".gz"
                        _ = try await session.upload(file: local, to: packed, mode: 0o600)
                        try await check(session.run("gunzip -f \(ShellQuoting.quote(packed)) && chmod \(String(file.mode, radix: 8)) \(ShellQuoting.quote(staging))"),
                                        node: node, what: "unpack \(target)")
                    } else if let local = file.localPath {
                        _ = try await session.upload(file: local, to: staging, mode: file.mode)
                    } else {
                        _ = try await session.upload(file.contents ?? [], to: staging, mode: file.mode)
                    }
                    if !sudo.isEmpty {
                        let install = "sudo install -D -m \(String(file.mode, radix: 8)) \(ShellQuoting.quote(staging)) \(ShellQuoting.quote(target)) && rm -f \(ShellQuoting.quote(staging))"
                        try await check(session.run(install), node: node, what: "install \(target)")
                    }
                }
                try await check(session.run(sudo + command, timeout: .seconds(120)), node: node, what: "start mitten")
            }
        } catch let error as MittenSSHError where error.code == .hostKeyMismatch {
            throw ClusterError(
                .hostKeyMismatch,
                "\(node) (\(address)) presented an SSH host key other than the one mitten generated for it: \(error.message). "
                    + "The VM is left running for inspection; nothing was uploaded.",
                underlying: error
            )
        } catch let error as MittenSSHError {
            throw ClusterError(.bootstrapFailure, "bootstrap of \(node) (\(address)) failed: \(error.message)", underlying: error)
        }
    }

    private func check(_ result: SSHCommandResult, node: String, what: String) throws {
        guard result.succeeded else {
            let output = (result.errorText + result.outputText).trimmingCharacters(in: .whitespacesAndNewlines)
            throw ClusterError(.bootstrapFailure, "\(node): could not \(what) (exit \(result.exitStatus)): \(output.suffix(500))")
        }
    }
}
