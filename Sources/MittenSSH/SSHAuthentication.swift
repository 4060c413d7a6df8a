import CLibSSH2
import Foundation
import Logging

/// How a session proves the user's identity. Only ed25519 keys are used: RSA keys
/// are refused up front with the reason (libssh2 1.10 cannot sign with them against
/// current OpenSSH).
public enum SSHAuthentication: Sendable, CustomStringConvertible {
    /// An unencrypted OpenSSH ed25519 private key file (`~/.ssh/id_ed25519`).
    case privateKeyFile(path: String)
    /// The ssh-agent at `socketPath`, or at `SSH_AUTH_SOCK` when nil: each ed25519
    /// identity it holds is tried in turn.
    case agent(socketPath: String? = nil)
    /// The agent at `agentSocketPath` (or `SSH_AUTH_SOCK` when nil) if there is one
    /// and one of its ed25519 identities is accepted, else the private key file.
    case agentThenPrivateKeyFile(path: String, agentSocketPath: String? = nil)

    /// Names the method and file, never key material.
    public var description: String {
        switch self {
        case .privateKeyFile(let path): "private key file \(path)"
        case .agent(let socketPath): "ssh-agent at \(socketPath ?? "$SSH_AUTH_SOCK")"
        case .agentThenPrivateKeyFile(let path, let socketPath): "ssh-agent at \(socketPath ?? "$SSH_AUTH_SOCK"), then private key file \(path)"
        }
    }
}

extension SSHSession {
    /// Authenticates with the configured method; runs on the session queue.
    func authenticate() throws(MittenSSHError) {
        switch configuration.authentication {
        case .privateKeyFile(let path):
            try authenticateWithFile(path)
        case .agent(let socketPath):
            try authenticateWithAgent(socketPath: socketPath)
        case .agentThenPrivateKeyFile(let path, let socketPath):
            if let agent = socketPath ?? ProcessInfo.processInfo.environment["SSH_AUTH_SOCK"], !agent.isEmpty {
                do {
                    try authenticateWithAgent(socketPath: agent)
                    return
                } catch {
                    logger.debug("ssh-agent authentication failed, trying the key file", metadata: ["ssh.reason": "\(error.code)"])
                }
            }
            try authenticateWithFile(path)
        }
    }

    private func authenticateWithFile(_ path: String) throws(MittenSSHError) {
        let type = try SSHPrivateKey.keyType(ofFile: path)
        guard type == SSHPublicKey.ed25519Algorithm else {
            throw MittenSSHError.unsupported(keyType: type, what: "the private key \(path)")
        }
        let user = configuration.user
        let rc = libssh2_userauth_publickey_fromfile_ex(handle, user, UInt32(user.utf8.count), nil, path, nil)
        guard rc == 0 else {
            if rc == LIBSSH2_ERROR_TIMEOUT {
                throw failure(.timedOut, "authenticating to \(configuration.target) timed out after \(configuration.operationTimeout).")
            }
            let fingerprint = (try? SSHPrivateKey(contentsOfFile: path).publicKey.sha256Fingerprint).map { " (\($0))" } ?? ""
            throw failure(
                .authenticationFailed,
                "\(configuration.target) refused the key \(path)\(fingerprint); check that its public key is in that user's authorized_keys (for a VM: the keypair it was booted with).")
        }
        logger.debug("ssh authenticated with key file", metadata: ["ssh.target": "\(configuration.target)", "ssh.key_file": "\(path)"])
    }

    private func authenticateWithAgent(socketPath: String?) throws(MittenSSHError) {
        let path = socketPath ?? ProcessInfo.processInfo.environment["SSH_AUTH_SOCK"]
        guard let path, !path.isEmpty else {
            throw MittenSSHError(.agentUnavailable, "no ssh-agent: SSH_AUTH_SOCK is not set; start one (`eval $(ssh-agent)` and `ssh-add`) or give a key file.")
        }
        guard let agent = libssh2_agent_init(handle) else {
            throw failure(.agentUnavailable, "libssh2 could not create an agent handle.")
        }
        defer { libssh2_agent_free(agent) }
        libssh2_agent_set_identity_path(agent, path)
        guard libssh2_agent_connect(agent) == 0 else {
            throw failure(.agentUnavailable, "cannot reach the ssh-agent at \(path); check that it is running and SSH_AUTH_SOCK is current.")
        }
        defer { libssh2_agent_disconnect(agent) }
        guard libssh2_agent_list_identities(agent) == 0 else {
            throw failure(.agentUnavailable, "the ssh-agent at \(path) did not list its identities.")
        }
        var refusedTypes: [String] = []
        var tried: [String] = []
        var identity: UnsafeMutablePointer<libssh2_agent_publickey>?
        var previous: UnsafeMutablePointer<libssh2_agent_publickey>?
        while libssh2_agent_get_identity(agent, &identity, previous) == 0, let current = identity {
            previous = current
            let blob = Array(UnsafeBufferPointer(start: current.pointee.blob, count: current.pointee.blob_len))
            let key: SSHPublicKey
            do { key = try SSHPublicKey(blob: blob) } catch {
                var reader = SSHWireReader(blob, what: "an agent identity")
                refusedTypes.append((try? reader.readText()) ?? "unknown")
                continue
            }
            tried.append(key.sha256Fingerprint)
            let user = configuration.user
            if libssh2_agent_userauth(agent, user, current) == 0 {
                logger.debug("ssh authenticated with agent identity", metadata: ["ssh.target": "\(configuration.target)", "ssh.key": "\(key.sha256Fingerprint)"])
                return
            }
        }
        if tried.isEmpty {
            if refusedTypes.contains(where: { $0.hasPrefix("ssh-rsa") }) {
                throw MittenSSHError.unsupported(keyType: "ssh-rsa", what: "every identity in the ssh-agent at \(path)")
            }
            throw MittenSSHError(.agentUnavailable, "the ssh-agent at \(path) holds no ed25519 identity (it holds: \(refusedTypes.isEmpty ? "none" : refusedTypes.joined(separator: ", "))); `ssh-add` an ed25519 key.")
        }
        throw failure(.authenticationFailed, "\(configuration.target) refused every ed25519 identity of the ssh-agent (\(tried.joined(separator: ", "))); check the user's authorized_keys.")
    }
}
