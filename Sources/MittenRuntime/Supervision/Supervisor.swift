import Foundation
import Logging
import ServiceLifecycle

/// Keeps N workers of one task type alive: spawns each (posix_spawn), asks the
/// ``RestartPolicy`` what to do when one ends, and on graceful shutdown (SIGINT/SIGTERM)
/// sends TERM to every child, waits the grace period, then KILLs what is left.
public actor Supervisor: Service {
    /// Everything the supervisor needs to start workers.
    public struct Configuration: Sendable {
        /// The task type.
        public var taskType: TaskType
        /// How many workers.
        public var workers: Int
        /// argv for worker `index` (argv[0] is the executable).
        public var command: @Sendable (_ index: Int) -> [String]
        /// Environment for worker `index`.
        public var environment: @Sendable (_ index: Int) -> [String: String]
        /// Restart decisions.
        public var restart: RestartPolicy.Configuration
        /// Time between TERM and KILL at shutdown.
        public var grace: Duration

        /// Creates a configuration.
        public init(taskType: TaskType, workers: Int, restart: RestartPolicy.Configuration = .init(), grace: Duration = .seconds(5),
                    command: @escaping @Sendable (Int) -> [String], environment: @escaping @Sendable (Int) -> [String: String]) {
            self.taskType = taskType
            self.workers = workers
            self.command = command
            self.environment = environment
            self.restart = restart
            self.grace = grace
        }
    }

    /// How supervision ended.
    public enum Outcome: Sendable, Equatable {
        /// Every worker ended cleanly.
        case finished
        /// Stopped by a signal / graceful shutdown.
        case stopped
        /// Restarts were stopped (intensity limit) and no worker is left.
        case gaveUp(String)
        /// A worker failed under `--once`.
        case fatal(String)
    }

    private let configuration: Configuration
    private let logger: Logger
    private var policy: RestartPolicy
    private var children: [Int: ChildProcess] = [:]
    private var pendingRestarts: [Int: Task<Void, Never>] = [:]
    private var stopping = false
    /// How supervision ended, once it has.
    public private(set) var outcome: Outcome?
    private var waiter: CheckedContinuation<Outcome, Never>?
    private var gaveUpReason: String?

    /// Creates a supervisor.
    public init(configuration: Configuration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
        policy = RestartPolicy(configuration: configuration.restart)
    }

    /// The pids of running workers by index.
    public var workerPIDs: [Int: pid_t] { children.mapValues(\.pid) }

    /// Restarts of workers so far.
    public var restartCount: Int { policy.restarts }

    /// Runs until every worker is done, restarts are exhausted, or graceful shutdown.
    public func run() async throws {
        _ = await supervise()
    }

    /// Like ``run()`` but returns how it ended.
    public func supervise() async -> Outcome {
        await withGracefulShutdownHandler {
            for index in 0..<configuration.workers { start(index) }
            return await waitForOutcome()
        } onGracefulShutdown: {
            Task { await self.stop(outcome: .stopped) }
        }
    }

    private func waitForOutcome() async -> Outcome {
        checkDone()
        if let outcome { return outcome }
        return await withCheckedContinuation { waiter = $0 }
    }

    private func start(_ index: Int) {
        pendingRestarts[index] = nil
        guard !stopping else { return }
        let argv = configuration.command(index)
        do {
            let child = try ChildProcess.spawn(executable: argv[0], arguments: Array(argv.dropFirst()), environment: configuration.environment(index))
            children[index] = child
            logger.info("worker started", metadata: ["mitten.task": "\(configuration.taskType.name)", "mitten.worker": "\(index)", "mitten.pid": "\(child.pid)"])
            let started = ContinuousClock.now
            Task {
                let status = await child.exitStatus
                self.exited(index, child: child, status: status, ranFor: ContinuousClock.now - started)
            }
        } catch {
            logger.error("cannot start worker", metadata: ["mitten.worker": "\(index)", "mitten.error": "\(error)"])
            Task { await self.stop(outcome: .fatal("\(error)")) }
        }
    }

    private func exited(_ index: Int, child: ChildProcess, status: ProcessExit, ranFor: Duration) {
        guard children[index] === child else { return }
        children[index] = nil
        guard !stopping else { return checkDone() }
        let action = policy.decide(worker: index, status: status, ranFor: ranFor, at: .now, random: Double.random(in: 0..<1))
        let metadata: Logger.Metadata = ["mitten.task": "\(configuration.taskType.name)", "mitten.worker": "\(index)", "mitten.pid": "\(child.pid)", "mitten.status": "\(status)"]
        switch action {
        case .finished:
            logger.info("worker finished", metadata: metadata)
        case .restart(let delay):
            logger.notice("worker ended abnormally; restarting", metadata: metadata.merging(["mitten.delay": "\(delay)"]) { $1 })
            pendingRestarts[index] = Task {
                try? await Task.sleep(for: delay)
                self.start(index)
            }
        case .giveUp(let reason):
            logger.error("not restarting worker: \(reason)", metadata: metadata)
            gaveUpReason = reason
        case .fatal(let reason):
            logger.error("\(reason)", metadata: metadata)
            Task { await self.stop(outcome: .fatal(reason)) }
            return
        }
        checkDone()
    }

    private func checkDone() {
        guard children.isEmpty, pendingRestarts.isEmpty else { return }
        if outcome == nil { outcome = stopping ? .stopped : gaveUpReason.map(Outcome.gaveUp) ?? .finished }
        if let waiter, let outcome {
            self.waiter = nil
            waiter.resume(returning: outcome)
        }
    }

    /// Stops every worker: TERM, grace period, KILL; then ends supervision with `outcome`.
    public func stop(outcome: Outcome) async {
        guard !stopping else { return }
        stopping = true
        self.outcome = outcome
        for task in pendingRestarts.values { task.cancel() }
        pendingRestarts.removeAll()
        let running = Array(children.values)
        logger.info("stopping workers", metadata: ["mitten.task": "\(configuration.taskType.name)", "mitten.count": "\(running.count)"])
        let grace = configuration.grace
        await withTaskGroup(of: Void.self) { group in
            for child in running { group.addTask { await child.terminate(grace: grace) } }
        }
        children.removeAll()
        checkDone()
    }
}
