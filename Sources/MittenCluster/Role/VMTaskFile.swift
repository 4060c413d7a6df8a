import Yams

/// The task file cloud-init writes on every VM (`/etc/mitten/mitten.yaml`, see
/// ``ClusterSpec/vmTaskFile``): the cluster's name, Control's port and the task types.
public struct VMTaskFile: Sendable, Hashable {
    /// The cluster's name.
    public var cluster: String
    /// Control's RPC port.
    public var controlPort: Int
    /// The task types.
    public var tasks: [TaskDefinition]

    /// Parses the file's text; errors name `file`, the line and the key.
    public static func parse(_ text: String, file: String) throws -> VMTaskFile {
        guard let root = try? Yams.compose(yaml: text) else {
            throw ClusterError(.invalidClusterFile, "\(file): not a YAML mapping; expected the task file mitten cluster up writes")
        }
        let map = try YAMLReader(file: file, path: "", node: root).mapping(allowed: nil)
        let cluster = try map.required("cluster", "the cluster's name").string()
        let port = try map.optional("control_port")?.int(in: 1...65535) ?? ClusterSpec.defaultControlPort
        let (tasks, _) = try ClusterSpec.parseTasks(try map.required("tasks", "a list of task types"))
        return VMTaskFile(cluster: cluster, controlPort: port, tasks: tasks)
    }
}
