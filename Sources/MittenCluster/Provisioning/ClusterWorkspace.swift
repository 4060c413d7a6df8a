import Crypto
import Foundation
import MittenRuntime

/// The workstation's own record of a cluster: its secret and the SSH host key mitten
/// generated for each VM, kept under `~/.mitten/clusters/NAME/` (or `$MITTEN_HOME`),
/// every file 0600. `up`, `render`, `ssh` and `status` of the same cluster share it.
public struct ClusterWorkspace: Sendable {
    /// The cluster's directory.
    public let directory: String

    /// The workspace of `cluster`, under `MITTEN_HOME` or `~/.mitten`.
    public init(cluster: String, environment: [String: String] = ProcessInfo.processInfo.environment) {
        let home = environment["MITTEN_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (environment["HOME"] ?? NSHomeDirectory()) + "/.mitten"
        self.directory = home + "/clusters/" + cluster
    }

    /// A workspace at an explicit directory (tests).
    public init(directory: String) { self.directory = directory }

    /// What every cluster of this workstation shares (`~/.mitten/cache`): the binary
    /// payload `up` uploads.
    public var cacheDirectory: String {
        ((directory as NSString).deletingLastPathComponent as NSString).deletingLastPathComponent + "/cache"
    }

    /// The file of OpenSSH known_hosts lines, one per VM, for `cluster ssh`.
    public var knownHostsFile: String { directory + "/known_hosts" }

    /// The file holding the cluster secret (what `MITTEN_SECRET_FILE` names for a client).
    public var secretFile: String { directory + "/secret" }

    /// The cluster secret, created (32 random bytes, hex) on first use.
    public func secret() throws -> String {
        try readOrCreate(secretFile) {
            SymmetricKey(size: .bits256).withUnsafeBytes { bytes in bytes.map { String(format: "%02x", $0) }.joined() } + "\n"
        }.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The cluster secret as the wire protocol and the binary relay use it, created on
    /// first use.
    public func clusterSecret() throws -> ClusterSecret {
        _ = try secret()
        guard let secret = try ClusterSecret.load(path: secretFile) else {
            throw ClusterError(.unreadableFile, "cannot read the cluster secret \(secretFile)")
        }
        return secret
    }

    /// The host key of `node`, created on first use and kept so that a re-run of
    /// `up` (or `render`) hands the same key to the same VM.
    public func hostKey(for node: String) throws -> HostKey {
        let text = try readOrCreate(directory + "/hostkeys/" + node) { HostKey(comment: node).openSSHPrivateKey }
        return try HostKey(openSSHPrivateKey: text)
    }

    /// Forgets the host key of `node` (after the VM is deleted, so a new VM of the
    /// same name gets a new key).
    public func forgetHostKey(for node: String) {
        try? FileManager.default.removeItem(atPath: directory + "/hostkeys/" + node)
    }

    /// Writes the known_hosts file: `address key` (`[address]:port key` off port 22)
    /// for every node given.
    public func writeKnownHosts(_ entries: [(address: String, port: Int, key: SSHPublicKey)]) throws {
        let text = entries.map { entry in
            let host = entry.port == 22 ? entry.address : "[\(entry.address)]:\(entry.port)"
            return "\(host) \(entry.key.type) \(Data(entry.key.blob).base64EncodedString())"
        }.joined(separator: "\n") + "\n"
        try write(text, to: knownHostsFile)
    }

    private func readOrCreate(_ path: String, make: () -> String) throws -> String {
        if let text = try? String(contentsOfFile: path, encoding: .utf8) {
            let attributes = try? FileManager.default.attributesOfItem(atPath: path)
            if let mode = (attributes?[.posixPermissions] as? NSNumber)?.intValue, mode & 0o077 != 0 {
                throw ClusterError(.unreadableFile, "\(path) is readable by others (mode \(String(mode, radix: 8))); run chmod 600 \(path)")
            }
            return text
        }
        let text = make()
        try write(text, to: path)
        return text
    }

    private func write(_ text: String, to path: String) throws {
        let folder = (path as NSString).deletingLastPathComponent
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            let created = FileManager.default.createFile(atPath: path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600])
            guard created else { throw CocoaError(.fileWriteUnknown) }
        } catch {
            throw ClusterError(.unreadableFile, "cannot write \(path): \(error.localizedDescription)")
        }
    }
}
