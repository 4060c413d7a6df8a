import Foundation
import Yams

/// The task file (`mitten.yaml`, key `tasks:`): user task types run as commands.
///
/// ```yaml
/// tasks:
///   - name: Echo
///     command: ["/bin/sh", "-c", "echo hello from $MITTEN_WORKER; sleep 3600"]
///     cpu_multiplier: 1      # default 1
///     maximum_workers: 4     # default unlimited
///     services:              # companion services Control starts first
///       - { kind: Statistics, name: echo }
/// ```
public enum TaskFile {
    /// Parses the `tasks:` list of a task file; other top-level keys are left to others.
    public static func parse(_ text: String, path: String) throws -> [TaskType] {
        guard let root = try YAMLFile.compose(text, path: path) else { return [] }
        guard let mapping = root.mapping else { throw YAMLFile.error(path, root, "expected a mapping with a tasks: key") }
        guard let tasksNode = mapping["tasks"] else { return [] }
        guard let list = tasksNode.sequence else { throw YAMLFile.error(path, tasksNode, "tasks: must be a list") }
        return try list.map { try parseTask($0, path: path) }
    }

    /// Reads a task file; a missing file yields no tasks.
    public static func load(path: String) throws -> [TaskType] {
        guard let (_, text) = try YAMLFile.read(path: path) else { return [] }
        return try parse(text, path: path)
    }

    private static func parseTask(_ node: Node, path: String) throws -> TaskType {
        guard let task = node.mapping else { throw YAMLFile.error(path, node, "each task must be a mapping with name: and command:") }
        guard let name = task["name"]?.scalar?.string, !name.isEmpty else { throw YAMLFile.error(path, node, "a task needs a name:") }
        let command: [String]
        if let list = task["command"]?.sequence {
            command = try list.map { item in
                guard let word = item.scalar?.string else { throw YAMLFile.error(path, item, "command: of \(name) must be a list of strings") }
                return word
            }
        } else if let commandNode = task["command"] {
            throw YAMLFile.error(path, commandNode, "command: of \(name) must be a list (argv), e.g. [\"/bin/sh\", \"-c\", \"...\"]")
        } else {
            throw YAMLFile.error(path, node, "task \(name) needs a command:")
        }
        guard !command.isEmpty else { throw YAMLFile.error(path, node, "command: of \(name) is empty") }
        var type = TaskType(name: name, command: command)
        if let multiplier = task["cpu_multiplier"] {
            guard let value = multiplier.float, value > 0 else { throw YAMLFile.error(path, multiplier, "cpu_multiplier of \(name) must be a positive number") }
            type.cpuMultiplier = value
        }
        if let maximum = task["maximum_workers"] {
            guard let value = maximum.int, value > 0 else { throw YAMLFile.error(path, maximum, "maximum_workers of \(name) must be a positive whole number") }
            type.maximumWorkers = value
        }
        if let services = task["services"] {
            guard let list = services.sequence else { throw YAMLFile.error(path, services, "services: of \(name) must be a list") }
            type.services = try list.map { item in
                guard let kind = item.mapping?["kind"]?.scalar?.string, let serviceName = item.mapping?["name"]?.scalar?.string else {
                    throw YAMLFile.error(path, item, "each service needs kind: and name:")
                }
                return TaskType.Companion(kind: kind, name: serviceName)
            }
        }
        return type
    }
}
