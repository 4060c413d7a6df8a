/// Lines of an OpenSSH `known_hosts` file that mitten writes for the VMs it created,
/// so OpenSSH's `ssh` (used by `mitten cluster ssh` for interactive sessions) checks
/// the same host key mitten pinned.
public enum KnownHosts {
    /// The host pattern OpenSSH looks up: the plain host for port 22, `[host]:port`
    /// otherwise (OpenSSH's `put_host_port` rule; `[host]:22` would never match).
    public static func hostPattern(host: String, port: Int = 22) -> String {
        port == 22 ? host : "[\(host)]:\(port)"
    }

    /// One known_hosts line: `HOSTPATTERN ssh-ed25519 AAAA...` (no comment, so a
    /// key's comment never leaks into a file handed to other tools).
    public static func line(host: String, port: Int = 22, key: SSHPublicKey) -> String {
        var bare = key
        bare.comment = ""
        return "\(hostPattern(host: host, port: port)) \(bare.openSSHLine)"
    }

    /// The text of a known_hosts file for several hosts, one line each, newline-terminated.
    public static func file(entries: [(host: String, port: Int, key: SSHPublicKey)]) -> String {
        entries.map { line(host: $0.host, port: $0.port, key: $0.key) + "\n" }.joined()
    }
}
