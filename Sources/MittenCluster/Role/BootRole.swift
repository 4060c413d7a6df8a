import Foundation

/// What `mitten startup` without `--localhost` decides on a VM, from the server name
/// the metadata service gives, the task file, the VM's vCPUs and the Control address
/// cloud-init wrote. Pure: the caller reads the files and the metadata service.
public struct BootRole: Sendable, Hashable {
    /// The task type to supervise.
    public var taskType: String
    /// True when this VM runs Control.
    public var isControl: Bool { taskType == "Control" }
    /// How many workers to start.
    public var workers: Int
    /// The task definition (nil for Control, which is built in).
    public var task: TaskDefinition?
    /// Control's `HOST:PORT` (on Control: the address it binds).
    public var controlAddress: String

    /// Decides the role of server `serverName`. A name that matches no task type is a
    /// ``ClusterError/Code/unknownRole`` error; `mitten startup` exits with
    /// ``UserDataRenderer/configurationExitStatus`` on it so that systemd does not spin.
    public static func decide(
        serverName: String, taskFile: VMTaskFile, vcpus: Int, controlFile: String?, workersFlag: Int = 0
    ) throws -> BootRole {
        let names = ["Control"] + taskFile.tasks.map(\.name)
        guard let type = RoleMatching.taskType(forServerName: serverName, among: names) else {
            throw ClusterError(
                .unknownRole,
                "this VM is named \(serverName), which matches no task type (\(names.joined(separator: ", "))): "
                    + "a VM's name must be a task type's name, optionally followed by -INDEX. Not restarting."
            )
        }
        let control = controlFile?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        guard !control.isEmpty, control.contains(":") else {
            throw ClusterError(.invalidClusterFile, "Control's address is missing from /etc/mitten/control; expected HOST:PORT as mitten cluster up writes it")
        }
        let task = taskFile.tasks.first { $0.name == type }
        return BootRole(
            taskType: type,
            workers: workerCount(task: task, vcpus: vcpus, flag: workersFlag),
            task: task,
            controlAddress: control
        )
    }

    /// Workers = the flag when non-zero, else min(vcpus x cpu_multiplier, maximum), at
    /// least 1; Control always has one.
    public static func workerCount(task: TaskDefinition?, vcpus: Int, flag: Int) -> Int {
        guard let task else { return 1 }
        if flag > 0 { return flag }
        let byCPU = max(1, Int((Double(max(vcpus, 1)) * task.cpuMultiplier).rounded(.down)))
        return min(byCPU, task.maximumWorkers ?? Int.max)
    }
}
