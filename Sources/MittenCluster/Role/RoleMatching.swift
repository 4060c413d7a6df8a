/// The original's rule for picking a VM's task type from its name: the first type
/// whose name equals the VM name case-insensitively, or is followed in it by `-`.
/// `Checksummer-3` and `checksummer` select `Checksummer`; `ChecksummerTwo` selects
/// nothing.
///
/// The runtime (MittenRuntime) owns the same rule for `mitten startup`; this copy
/// lets the cluster file be validated without a VM.
public enum RoleMatching {
    /// The first of `typeNames` that `serverName` selects, or nil.
    public static func taskType(forServerName serverName: String, among typeNames: [String]) -> String? {
        let server = serverName.lowercased()
        return typeNames.first { type in
            let type = type.lowercased()
            guard server.hasPrefix(type) else { return false }
            let rest = server.dropFirst(type.count)
            return rest.isEmpty || rest.first == "-"
        }
    }
}
