import Foundation
import Logging
import MittenSSH

/// ``NodeBootstrapper`` over MittenSSH (libssh2): waits for the SSH port with capped
/// backoff, accepts only the host key mitten generated for the VM, logs in with the
/// user's ed25519 key (agent, else the key file), uploads every file with its SHA-256
/// checked on the VM (a file with a relay the VM fetches itself with `curl` or `wget`,
/// checked against its SHA-256; if that fails it is uploaded after all), and runs the
/// start script. On a real VM the login user is not
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

    public func bootstrap(node: String, address: String, hostKey: SSHPublicKey, files: [UploadFile], command: String) async throws -> FileDelivery {
        do {
            // The connection whose banner answered is the one the bootstrap logs in over.
            let socket = try await SSHPortWaiter.connectWhenReady(host: address, port: port, clock: ContinuousClock(), logger: logger)
            let expected = try MittenSSH.SSHPublicKey(blob: hostKey.blob, comment: node)
            let configuration = SSHSession.Configuration(
                host: address, port: port, user: user, expectedHostKey: expected,
                authentication: .agentThenPrivateKeyFile(path: privateKeyPath)
            )
            return try await SSHSession.withSession(configuration, socket: socket, logger: logger) { session in
                // A worker that fetches the binary from Control's relay: one command does
                // it all. If the VM cannot fetch, or the fetch fails, the upload follows.
                if let fetching = BootstrapScript.fetching(files, start: command) {
                    let result = try await session.run(fetching, timeout: .seconds(120))
                    if result.succeeded { return .relayed }
                    guard result.exitStatus == BootstrapScript.relayFailed else {
                        throw failure(result, node: node, what: "install and start mitten")
                    }
                    logger.warning("\(node) could not fetch mitten from Control's relay; sending it over SSH",
                                   metadata: ["mitten.detail": "\((result.errorText + result.outputText).trimmingCharacters(in: .whitespacesAndNewlines).suffix(300))"])
                }
                // Three steps, whatever the number of files: one command learns the root
                // prefix, the user id and whether zstd is there (and makes the directories
                // when it can write them), one SFTP session writes every file under a
                // temporary name (compressed as the VM can unpack it), and one command
                // checks every SHA-256, moves the files into place (unpacking, `sudo
                // install` for a non-root login) and starts mitten.
                let directories = Set(files.map { ($0.remotePath as NSString).deletingLastPathComponent }).sorted()
                let made = directories.map { #""$r""# + ShellQuoting.quote($0) }.joined(separator: " ")
                let probe = try await session.run(#"r="${MITTEN_ROOT:-${MITTEN_SERVER_ROOT:-}}"; u="$(id -u)"; if [ -n "$r" ] || [ "$u" = 0 ]; then mkdir -p "#
                    + made + #"; fi; z=; if command -v zstd >/dev/null 2>&1; then z=zstd; fi; printf '%s\n%s\n%s' "$r" "$u" "$z""#)
                try check(probe, node: node, what: "create \(directories.joined(separator: ", "))")
                let lines = probe.outputText.split(separator: "\n", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
                let known = lines.count == 3
                let root = known ? lines[0] : "", whoami = known ? lines[1] : ""
                let zstd = known && lines[2] == "zstd"
                let plan = BootstrapScript(files: files.map { $0.resolved(vmHasZstd: zstd) }, root: root, sudo: root.isEmpty && whoami != "0")
                let staged = try await session.stage(plan.staged)
                let result = try await session.run(plan.script(checksums: SSHUploadResult.checksumLines(staged), start: command), timeout: .seconds(120))
                try check(result, node: node, what: "install and start mitten")
                return .uploaded
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
        guard result.succeeded else { throw failure(result, node: node, what: what) }
    }

    private func failure(_ result: SSHCommandResult, node: String, what: String) -> ClusterError {
        let output = (result.errorText + result.outputText).trimmingCharacters(in: .whitespacesAndNewlines)
        return ClusterError(.bootstrapFailure, "\(node): could not \(what) (exit \(result.exitStatus)): \(output.suffix(500))")
    }
}
