import Foundation
import Logging

/// What a server's processes need to know, handed over at boot.
struct BootContext: Sendable {
    var serverID: String
    var name: String
    var address: String
    var vcpus: Int
    var ram: Int
    var userData: Data
    var keypairPublicKey: String?
    var metadataURL: String
    /// An injected fault: present a host key the cloud generates, not the user-data's.
    var foreignHostKey = false
}

/// Lays out a server's directory and starts its sshd and runcmd.
///
/// Directory: `servers/<id>/` with `root/` (write_files are re-rooted here; runcmd runs
/// here), `ssh/` (host keys, authorized_keys, sshd_config, sshd.log), `runcmd.sh`,
/// `console.log` (runcmd's output), `metadata_url` and `environment`.
struct ServerProvisioner: Sendable {
    var serversDirectory: URL
    var sshdPath: String
    var sshPort: Int
    var logger: Logger

    func directory(of serverID: String) -> URL { serversDirectory.appendingPathComponent(serverID) }

    /// The environment of every process of the server.
    func environment(_ context: BootContext) -> [String: String] {
        let inherited = ProcessInfo.processInfo.environment
        let root = directory(of: context.serverID).appendingPathComponent("root").path
        return [
            "PATH": inherited["PATH"] ?? "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
            "HOME": inherited["HOME"] ?? "/root",
            "LANG": "C.UTF-8",
            ProcessControl.markerVariable: context.serverID,
            "MITTEN_METADATA_URL": context.metadataURL,
            "MITTEN_SERVER_ROOT": root,
            "MITTEN_SERVER_NAME": context.name,
            "MITTEN_SERVER_ADDRESS": context.address,
            "MITTEN_VCPUS": String(context.vcpus),
        ]
    }

    /// Writes files and keys, starts sshd, then runcmd. Returns the processes started.
    func provision(_ context: BootContext, runCommands: Bool = true) throws -> ProcessRecord {
        let config = try CloudConfig.parse(context.userData)
        let directory = directory(of: context.serverID)
        let root = directory.appendingPathComponent("root"), ssh = directory.appendingPathComponent("ssh")
        let files = FileManager.default
        try files.createDirectory(at: root, withIntermediateDirectories: true)
        try files.createDirectory(at: ssh, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let environment = environment(context)
        try Data(context.metadataURL.utf8).write(to: directory.appendingPathComponent("metadata_url"))
        let exports = environment.sorted { $0.key < $1.key }.map { "export \($0.key)=\(shellQuote($0.value))\n" }.joined()
        try Data(exports.utf8).write(to: directory.appendingPathComponent("environment"))
        for file in config.files { try write(file, under: root) }

        var processes = ProcessRecord()
        processes.sshdPID = try startSSHD(context, config: config, directory: ssh, environment: environment)
        if runCommands, !config.commands.isEmpty {
            let script = "#!/bin/sh\ncd \(shellQuote(root.path)) || exit 1\n" + config.commands.joined(separator: "\n") + "\n"
            let scriptURL = directory.appendingPathComponent("runcmd.sh")
            try Data(script.utf8).write(to: scriptURL)
            processes.runcmdPID = try ProcessControl.spawn(["/bin/sh", scriptURL.path], environment: environment,
                                                           logPath: directory.appendingPathComponent("console.log").path)
        }
        return processes
    }

    private func write(_ file: CloudConfig.File, under root: URL) throws {
        let url = try reroot(file.path, under: root)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        if file.append, let handle = try? FileHandle(forWritingTo: url) {
            handle.seekToEndOfFile()
            handle.write(file.content)
            try handle.close()
        } else {
            try? FileManager.default.removeItem(at: url)
            guard FileManager.default.createFile(atPath: url.path, contents: file.content) else {
                throw LocalCloudError(.provisioning, "cannot write \(file.path) into the server's directory")
            }
        }
        try FileManager.default.setAttributes([.posixPermissions: file.permissions], ofItemAtPath: url.path)
    }

    /// Host keys from `ssh_keys` (or a generated ed25519 key), authorized_keys, a private
    /// sshd_config, and sshd itself listening on the server's address.
    func startSSHD(_ context: BootContext, config: CloudConfig, directory: URL, environment: [String: String]) throws -> Int32 {
        guard FileManager.default.isExecutableFile(atPath: sshdPath) else {
            throw LocalCloudError(.provisioning, "\(sshdPath) is missing: install openssh-server (scripts/setup does)")
        }
        var hostKeyPaths: [String] = []
        for type in ["ed25519", "ecdsa", "rsa"] where !context.foreignHostKey {
            guard let key = config.hostKeys["\(type)_private"] else { continue }
            let url = directory.appendingPathComponent("ssh_host_\(type)_key")
            try writePrivately(Data((key.hasSuffix("\n") ? key : key + "\n").utf8), to: url)
            if let publicKey = config.hostKeys["\(type)_public"] {
                try Data((publicKey + "\n").utf8).write(to: url.appendingPathExtension("pub"))
            }
            hostKeyPaths.append(url.path)
        }
        if hostKeyPaths.isEmpty {
            let url = directory.appendingPathComponent("ssh_host_ed25519_key")
            if !FileManager.default.fileExists(atPath: url.path) {
                let result = try ProcessControl.run(["/usr/bin/ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", context.name, "-f", url.path])
                guard result.status == 0 else { throw LocalCloudError(.provisioning, "ssh-keygen failed: \(String(decoding: result.output, as: UTF8.self))") }
            }
            hostKeyPaths.append(url.path)
        }
        let authorized = (config.authorizedKeys + [context.keypairPublicKey].compactMap { $0 }).map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        try writePrivately(Data(authorized.map { $0 + "\n" }.joined().utf8), to: directory.appendingPathComponent("authorized_keys"))
        let setEnv = [ProcessControl.markerVariable, "MITTEN_METADATA_URL", "MITTEN_SERVER_ROOT", "MITTEN_SERVER_NAME", "MITTEN_SERVER_ADDRESS", "MITTEN_VCPUS"]
            .compactMap { key in environment[key].map { "\"\(key)=\($0)\"" } }.joined(separator: " ")
            // A fresh VM's login user has a stock profile; this machine's user may not
            // (pyenv, nvm, ... cost ~170 ms per command here). Debian's bash reads
            // ~/.bashrc for a command sshd runs unless SHLVL says it is nested: with
            // SHLVL=1 a server's commands start as on a fresh VM. Interactive sessions
            // (a terminal) still read it.
            + " SHLVL=1"
        let sshdConfig = """
            ListenAddress \(context.address):\(sshPort)
            \(hostKeyPaths.map { "HostKey \($0)" }.joined(separator: "\n"))
            PidFile \(directory.appendingPathComponent("sshd.pid").path)
            AuthorizedKeysFile \(directory.appendingPathComponent("authorized_keys").path)
            PubkeyAuthentication yes
            PasswordAuthentication no
            KbdInteractiveAuthentication no
            PermitRootLogin prohibit-password
            StrictModes no
            UsePAM no
            Subsystem sftp internal-sftp
            SetEnv \(setEnv)
            LogLevel VERBOSE

            """
        let configURL = directory.appendingPathComponent("sshd_config")
        try Data(sshdConfig.utf8).write(to: configURL)
        if getuid() == 0 { try? FileManager.default.createDirectory(atPath: "/run/sshd", withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755]) }
        let check = try ProcessControl.run([sshdPath, "-t", "-f", configURL.path])
        guard check.status == 0 else {
            throw LocalCloudError(.provisioning, "sshd refused its configuration: \(String(decoding: check.output, as: UTF8.self))")
        }
        let logPath = directory.appendingPathComponent("sshd.log").path
        let pid = try ProcessControl.spawn([sshdPath, "-D", "-e", "-f", configURL.path], environment: environment, logPath: logPath)
        for _ in 0..<100 {
            if canConnect(host: context.address, port: sshPort) { return pid }
            if !ProcessControl.isAlive(pid) { break }
            usleep(50_000)
        }
        ProcessControl.terminate(serverID: context.serverID, groups: [pid], grace: 1)
        let log = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
        throw LocalCloudError(.provisioning, "sshd did not start on \(context.address):\(sshPort): \(log.suffix(400))")
    }
}
