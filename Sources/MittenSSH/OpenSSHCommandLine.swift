/// The argument vector for OpenSSH's `ssh`, to which `mitten cluster ssh` hands
/// interactive sessions. Host keys are checked strictly against the known_hosts
/// file mitten wrote, and against nothing else.
public struct OpenSSHCommandLine: Sendable, Equatable {
    /// The server's address.
    public var host: String
    /// sshd's port.
    public var port: Int
    /// The remote user.
    public var user: String
    /// The known_hosts file mitten wrote (see `KnownHosts`).
    public var knownHostsFile: String
    /// The private key file; nil lets `ssh` use the agent and its defaults.
    public var identityFile: String?
    /// A remote command; empty for an interactive login shell.
    public var command: [String]
    /// The `ssh` executable (a name looked up in PATH, or a path).
    public var executable: String

    /// Describes one invocation of `ssh`.
    public init(
        host: String, port: Int = 22, user: String, knownHostsFile: String, identityFile: String? = nil,
        command: [String] = [], executable: String = "ssh"
    ) {
        self.host = host
        self.port = port
        self.user = user
        self.knownHostsFile = knownHostsFile
        self.identityFile = identityFile
        self.command = command
        self.executable = executable
    }

    /// `ssh -o UserKnownHostsFile=F -o StrictHostKeyChecking=yes ... -i KEY -p PORT user@host [-- cmd...]`,
    /// with the executable as the first element (ready for `execvp`).
    public var argv: [String] {
        var arguments = [
            executable,
            "-o", "UserKnownHostsFile=\(knownHostsFile)",
            "-o", "StrictHostKeyChecking=yes",
            // Only mitten's file: no system-wide entries, no keys learned or rewritten.
            "-o", "GlobalKnownHostsFile=/dev/null",
            "-o", "UpdateHostKeys=no",
            "-o", "HostKeyAlgorithms=\(SSHPublicKey.ed25519Algorithm)",
        ]
        if let identityFile { arguments += ["-o", "IdentitiesOnly=yes", "-i", identityFile] }
        arguments += ["-p", String(port), "\(user)@\(host)"]
        if !command.isEmpty { arguments += ["--"] + command }
        return arguments
    }
}
