/// A task type: what a supervisor runs N copies of.
public struct TaskType: Sendable, Equatable {
    /// A shared service started (through Control) before the workers.
    public struct Companion: Sendable, Equatable, Hashable {
        /// Service kind, e.g. `Statistics`.
        public var kind: String
        /// Instance name.
        public var name: String
        /// Creates a companion.
        public init(kind: String, name: String) {
            self.kind = kind
            self.name = name
        }
    }

    /// The type's name, matched against VM names (`Echo` runs on `echo-3`).
    public var name: String
    /// The argv of a command task; nil for a built-in Swift task type.
    public var command: [String]?
    /// Workers per vCPU (default 1).
    public var cpuMultiplier: Double = 1
    /// Upper bound on workers (nil = unlimited).
    public var maximumWorkers: Int?
    /// Services to start before the workers.
    public var services: [Companion] = []

    /// Creates a task type.
    public init(name: String, command: [String]? = nil, cpuMultiplier: Double = 1, maximumWorkers: Int? = nil, services: [Companion] = []) {
        self.name = name
        self.command = command
        self.cpuMultiplier = cpuMultiplier
        self.maximumWorkers = maximumWorkers
        self.services = services
    }

    /// Built-in task types: Control (with the registry; always exactly one worker) and
    /// Idle (a Swift worker that keeps in touch with Control and otherwise waits).
    public static let builtIns: [TaskType] = [
        TaskType(name: "Control", maximumWorkers: 1),
        TaskType(name: "Idle"),
    ]

    /// Workers to start: `requested` when non-zero, else min(cpus x multiplier, maximum),
    /// at least one.
    public func workerCount(requested: Int, cpus: Int) -> Int {
        if name == "Control" { return 1 }
        if requested > 0 { return requested }
        let computed = max(1, Int((Double(cpus) * cpuMultiplier).rounded(.down)))
        return min(computed, maximumWorkers ?? .max)
    }

    /// The first type whose name matches `vmName`: case-insensitively equal to the type
    /// name, or starting with it followed by `-` (`GemDownloader-3` -> `GemDownloader`;
    /// `GemDownloaderTwo` matches nothing).
    public static func match(vmName: String, in types: [TaskType]) -> TaskType? {
        let lowered = vmName.lowercased()
        return types.first { type in
            let prefix = type.name.lowercased()
            guard lowered.hasPrefix(prefix) else { return false }
            let rest = lowered.dropFirst(prefix.count)
            return rest.isEmpty || rest.first == "-"
        }
    }
}
