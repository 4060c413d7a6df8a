import Foundation
import Yams

extension ClusterSpec {
    /// Node group and task type names: letters, digits, `_`, `.` and inner `-`.
    static let namePattern = "^[A-Za-z][A-Za-z0-9_.-]*[A-Za-z0-9_.]$|^[A-Za-z]$"

    static func parseTasks(_ reader: YAMLReader) throws -> ([TaskDefinition], String) {
        var tasks: [TaskDefinition] = []
        for item in try reader.list() {
            let map = try item.mapping(allowed: ["name", "command", "cpu_multiplier", "maximum_workers", "services"])
            let nameReader = try map.required("name", "the task type's name")
            let name = try nameReader.string()
            guard name.range(of: namePattern, options: .regularExpression) != nil else {
                throw nameReader.error("expected letters, digits, _, . and inner -, found \(nameReader.found)")
            }
            if name.lowercased() == "control" {
                throw nameReader.error("Control is built in; expected another name for this task type")
            }
            if tasks.contains(where: { $0.name.lowercased() == name.lowercased() }) {
                throw nameReader.error("task type \(name) is declared twice; expected unique names")
            }
            let commandReader = try map.required("command", "the command line as a list, e.g. [\"/bin/sh\", \"-c\", \"...\"]")
            guard case .sequence = commandReader.node else {
                throw commandReader.error("expected the command line as a list (argv), e.g. [\"/bin/sh\", \"-c\", \"...\"], found \(commandReader.found)")
            }
            let command = try commandReader.list().map { try $0.string() }
            if command.isEmpty { throw commandReader.error("expected at least the program to run, found an empty list") }
            let services: [TaskDefinition.Companion] = try map.optional("services")?.list().map { item -> TaskDefinition.Companion in
                let service = try item.mapping(allowed: ["kind", "name"])
                return TaskDefinition.Companion(
                    kind: try service.required("kind", "the service kind, e.g. Queue").string(),
                    name: try service.required("name", "the service's name").string()
                )
            } ?? []
            tasks.append(TaskDefinition(
                name: name,
                command: command,
                cpuMultiplier: try map.optional("cpu_multiplier")?.positiveNumber() ?? 1,
                maximumWorkers: try map.optional("maximum_workers")?.int(in: 1...100_000),
                services: services
            ))
        }
        if tasks.isEmpty { throw reader.error("expected at least one task type besides Control, found an empty list") }
        return (tasks, try Yams.serialize(node: reader.node))
    }

    static func parseNodeGroups(_ reader: YAMLReader, tasks: [TaskDefinition]) throws -> [NodeGroup] {
        var groups: [NodeGroup] = []
        let typeNames = ["Control"] + tasks.map(\.name)
        for item in try reader.list() {
            let map = try item.mapping(allowed: ["name", "flavor", "count"])
            let nameReader = try map.required("name", "the node group's name, which picks its task type")
            let name = try nameReader.string()
            guard name.range(of: namePattern, options: .regularExpression) != nil else {
                throw nameReader.error("expected letters, digits, _, . and inner -, found \(nameReader.found)")
            }
            if groups.contains(where: { $0.name.lowercased() == name.lowercased() }) {
                throw nameReader.error("node group \(name) is listed twice; expected each group once with its count")
            }
            guard RoleMatching.taskType(forServerName: name, among: typeNames) != nil else {
                throw nameReader.error("node group \(name) matches no task type; expected one of: \(typeNames.joined(separator: ", "))")
            }
            let countReader = try map.required("count", "how many VMs the group has")
            let group = NodeGroup(
                name: name,
                flavor: try map.required("flavor", "the flavor its VMs boot with").string(),
                count: try countReader.int(in: 0...10_000),
                line: nameReader.line
            )
            if group.isControl, group.count != 1 {
                throw countReader.error("expected 1: a cluster has exactly one Control, found \(group.count)")
            }
            groups.append(group)
        }
        guard groups.contains(where: \.isControl) else {
            throw reader.error("expected a node group named Control with count 1; the cluster needs one Control")
        }
        return groups
    }
}
