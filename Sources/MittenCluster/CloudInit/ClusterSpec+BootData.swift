import Foundation

extension ClusterSpec {
    /// The task file every VM of the cluster gets (`/etc/mitten/mitten.yaml`): the
    /// cluster's name, Control's port and the `tasks:` list as the user wrote it.
    public var vmTaskFile: String {
        """
        # mitten task file of cluster \(name), written by `mitten cluster up` from \((file as NSString).lastPathComponent).
        cluster: \(name)
        control_port: \(controlPort)
        tasks:
        \(tasksYAML)
        """
    }

    /// The task type a VM named `node` runs, by the original's matching rule.
    public func role(ofNode node: String) -> String? {
        RoleMatching.taskType(forServerName: node, among: ["Control"] + tasks.map(\.name))
    }

    /// The boot data of VM `node`: its role, the secret and its host key from the
    /// workspace, and Control's address (nil for Control itself).
    public func bootData(node: String, controlAddress: String?, workspace: ClusterWorkspace) throws -> NodeBootData {
        guard let role = role(ofNode: node) else {
            let types = (["Control"] + tasks.map(\.name)).joined(separator: ", ")
            throw ClusterError(.unknownRole, "\(node) matches no task type of \(file); expected a name starting with one of: \(types)")
        }
        return NodeBootData(
            node: node, role: role, cluster: name,
            controlAddress: role == "Control" ? nil : controlAddress,
            secret: try workspace.secret(), hostKey: try workspace.hostKey(for: node),
            authorizedKey: sshKey.publicKey, taskFile: vmTaskFile, configFile: configYAML
        )
    }
}
