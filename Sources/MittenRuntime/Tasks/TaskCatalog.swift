import Foundation

/// The task types a supervisor can run: the built-ins plus the task file's.
public struct TaskCatalog: Sendable {
    /// Every type, built-ins first (so `Control` always means the built-in).
    public var types: [TaskType]

    /// Built-ins plus `fileTypes`.
    public init(fileTypes: [TaskType]) {
        types = TaskType.builtIns + fileTypes.filter { file in !TaskType.builtIns.contains { $0.name.lowercased() == file.name.lowercased() } }
    }

    /// The task file's path: `MITTEN_TASKS`, else `./mitten.yaml`.
    public static func defaultPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        environment["MITTEN_TASKS"].flatMap { $0.isEmpty ? nil : $0 } ?? "mitten.yaml"
    }

    /// Loads built-ins plus the task file at `path` (missing file: built-ins only).
    public static func load(path: String) throws -> TaskCatalog {
        TaskCatalog(fileTypes: try TaskFile.load(path: path))
    }

    /// The type selected by `name` (a `--type` or a VM name), or an error listing the known types.
    public func select(_ name: String) throws -> TaskType {
        guard let type = TaskType.match(vmName: name, in: types) else {
            throw RuntimeError(.notFound, "no task type matches '\(name)'; known types: \(types.map(\.name).joined(separator: ", ")) (task file: MITTEN_TASKS or ./mitten.yaml)")
        }
        return type
    }

    /// The environment every worker gets on top of the supervisor's own; `MITTEN` is the
    /// mitten binary's path, and its directory leads PATH, so shell workers can call
    /// `mitten stat add ...` (or `"$MITTEN" ...`).
    public static func workerEnvironment(base: [String: String], executable: String, control: WireAddress, secretFile: String, task: String, index: Int, options: [String: String]) -> [String: String] {
        var environment = base
        environment["MITTEN"] = executable
        // `mitten ...` in a shell worker is this same binary, wherever it lives.
        let directory = executable.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
        if !directory.isEmpty {
            let path = base["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
            if !path.split(separator: ":").contains(Substring(directory)) { environment["PATH"] = directory + ":" + path }
        }
        environment["MITTEN_CONTROL"] = control.description
        environment["MITTEN_SECRET_FILE"] = secretFile
        environment["MITTEN_TASK"] = task
        environment["MITTEN_WORKER"] = String(index)
        if !options.isEmpty, let json = try? JSONEncoder().encode(options) {
            environment["MITTEN_OPTIONS"] = String(decoding: json, as: UTF8.self)
        }
        return environment
    }

    /// Online CPUs of this machine.
    public static var cpuCount: Int { ProcessInfo.processInfo.activeProcessorCount }
}
