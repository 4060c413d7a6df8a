import Logging

/// Starts each named shared service exactly once per (kind, name), as a child process
/// `mitten service --kind K --name N`, waits for its registration, and restarts it when
/// it ends abnormally. Concurrent requests for the same service share one start.
public actor ServiceLauncher {
    /// How to start a service process.
    public struct Launch: Sendable {
        /// The mitten executable.
        public var executable: String
        /// Control's address, passed as `--control` and `MITTEN_CONTROL`.
        public var control: WireAddress
        /// The secret file, passed as `MITTEN_SECRET_FILE`.
        public var secretFile: String
        /// Data directory, passed as `MITTEN_DATA_DIR`.
        public var dataDirectory: String
        /// The child's log level.
        public var logLevel: String
        /// Extra environment for children (e.g. PATH, HOME).
        public var environment: [String: String]
        /// How long a new service may take to register.
        public var startTimeout: Duration

        /// Creates a launch description.
        public init(executable: String, control: WireAddress, secretFile: String, dataDirectory: String, logLevel: String = "info", environment: [String: String] = [:], startTimeout: Duration = .seconds(15)) {
            self.executable = executable
            self.control = control
            self.secretFile = secretFile
            self.dataDirectory = dataDirectory
            self.logLevel = logLevel
            self.environment = environment
            self.startTimeout = startTimeout
        }
    }

    private struct Key: Hashable { var kind: String, name: String }
    private enum Slot {
        case starting(Task<RegistryEntry, any Error>)
        case running(ChildProcess, RegistryEntry)
    }

    private var launch: Launch
    private let registry: Registry<ContinuousClock>
    private let logger: Logger
    private var slots: [Key: Slot] = [:]
    private var restarts: [Key: RestartPolicy] = [:]
    private var stopping = false

    /// Creates a launcher that registers through the in-process `registry`.
    public init(launch: Launch, registry: Registry<ContinuousClock>, logger: Logger) {
        self.launch = launch
        self.registry = registry
        self.logger = logger
    }

    /// Returns the registry entry of service `kind`/`name`, starting it first if needed.
    public func ensure(kind kindName: String, name: String) async throws -> RegistryEntry {
        let kind = try ServiceKind.named(kindName)
        try ServiceKind.validate(instanceName: name)
        guard !stopping else { throw RuntimeError(.connectionClosed, "Control is shutting down") }
        let key = Key(kind: kind.name, name: name)
        switch slots[key] {
        case .running(_, let entry): return entry
        case .starting(let task): return try await task.value
        case nil:
            // A service that outlived a Control killed with -9 holds its data and renews
            // its entry with the Control at the same address: use it, start no second one.
            if let live = registry.lookup(kind.entryName(name)) { return live }
            let task = Task { try await self.start(key, entryName: kind.entryName(name)) }
            slots[key] = .starting(task)
            return try await task.value
        }
    }

    /// Sets the control address children are given (once Control has bound its port).
    public func setControl(_ address: WireAddress) {
        launch.control = address
    }

    /// Number of running service processes.
    public var childCount: Int {
        slots.values.count { if case .running = $0 { true } else { false } }
    }

    /// Total restarts of crashed services.
    public var restartCount: Int { restarts.values.reduce(0) { $0 + $1.restarts } }

    private func start(_ key: Key, entryName: String) async throws -> RegistryEntry {
        registry.unregister(entryName)
        var environment = launch.environment
        environment["MITTEN_CONTROL"] = launch.control.description
        environment["MITTEN_SECRET_FILE"] = launch.secretFile
        environment["MITTEN_DATA_DIR"] = launch.dataDirectory
        let child: ChildProcess
        do {
            child = try ChildProcess.spawn(executable: launch.executable, arguments: [
                "service", "--kind", key.kind, "--name", key.name, "--control", launch.control.description, "--log-level", launch.logLevel,
            ], environment: environment)
        } catch {
            slots[key] = nil
            throw error
        }
        let registry = self.registry
        let timeout = launch.startTimeout
        // Wait for the registration, or stop waiting as soon as the child exits. Not a
        // task group: awaiting the exit status ignores cancellation, so a group would not
        // return until the (healthy, long-running) service process exited.
        let registration = Task { await registry.wait(for: entryName, timeout: timeout) }
        let exitWatch = Task {
            _ = await child.exitStatus
            registration.cancel()
        }
        let entry = await registration.value
        if entry != nil { exitWatch.cancel() }
        guard let entry else {
            await child.terminate(grace: .seconds(2))
            slots[key] = nil
            // It may have ended because an older process of the same service (left by a
            // Control killed with -9) holds its data: that one re-registers within a
            // third of its lease. Use it then.
            if let survivor = await registry.wait(for: entryName, timeout: .seconds(12)) {
                logger.info("service already running, outside this Control", metadata: ["mitten.service": "\(entryName)", "mitten.address": "\(survivor.address)"])
                return survivor
            }
            throw RuntimeError(.spawnFailed, "service \(entryName) did not register within \(timeout); see its log lines")
        }
        if stopping {
            await child.terminate(grace: .seconds(2))
            throw RuntimeError(.connectionClosed, "Control is shutting down")
        }
        slots[key] = .running(child, entry)
        logger.info("service running", metadata: ["mitten.service": "\(entryName)", "mitten.pid": "\(child.pid)", "mitten.address": "\(entry.address)"])
        Task { await self.monitor(key, entryName: entryName, child: child) }
        return entry
    }

    private func monitor(_ key: Key, entryName: String, child: ChildProcess) async {
        let started = ContinuousClock.now
        let status = await child.exitStatus
        guard case .running(let current, _) = slots[key], current === child else { return }
        slots[key] = nil
        registry.unregister(entryName)
        if stopping { return }
        var policy = restarts[key] ?? RestartPolicy(configuration: .init())
        let action = policy.decide(worker: 0, status: status, ranFor: ContinuousClock.now - started, at: .now, random: Double.random(in: 0..<1))
        restarts[key] = policy
        guard case .restart(let delay) = action else {
            logger.info("service ended", metadata: ["mitten.service": "\(entryName)", "mitten.status": "\(status)", "mitten.action": "\(action)"])
            return
        }
        logger.info("restarting service", metadata: ["mitten.service": "\(entryName)", "mitten.status": "\(status)", "mitten.delay": "\(delay)"])
        let task = Task {
            try await Task.sleep(for: delay)
            return try await self.start(key, entryName: entryName)
        }
        slots[key] = .starting(task)
    }

    /// Stops every service process: TERM, then KILL after `grace`.
    public func stopAll(grace: Duration) async {
        stopping = true
        let children = slots.values.compactMap { slot -> ChildProcess? in
            if case .running(let child, _) = slot { return child }
            return nil
        }
        for slot in slots.values { if case .starting(let task) = slot { task.cancel() } }
        await withTaskGroup(of: Void.self) { group in
            for child in children { group.addTask { await child.terminate(grace: grace) } }
        }
    }
}
