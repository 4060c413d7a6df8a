import ArgumentParser
import Foundation
import Logging
import MittenCluster
import MittenRuntime
import ServiceLifecycle
import UnixSignals

extension MittenCommand {
    struct Startup: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "startup",
            abstract: "Start the supervisor for one task type and keep its workers alive.")

        @Option(name: .long, help: "Task type (required with --localhost; in the cloud it comes from the VM name).")
        var type: String?

        @Flag(name: .long, help: "Run on this machine instead of an OpenStack VM.")
        var localhost = false

        @Option(name: .long, help: "Workers to start; 0 computes min(cpus x cpu_multiplier, maximum_workers).")
        var workers = 0

        @Flag(name: .long, help: "Make any worker failure fatal instead of restarting it.")
        var once = false

        @Flag(name: .long, help: "Detach and log to syslog.")
        var daemon = false

        @Option(name: .long, help: "The configuration file (default ~/.power_mitten); must be readable.")
        var configuration: String?

        @Option(name: .long, help: "Task file with `tasks:` (default $MITTEN_TASKS, else ./mitten.yaml).")
        var tasks: String?

        @Option(name: .long, help: "Address Control listens on (default 127.0.0.1).")
        var bind: String?

        @Option(name: .long, help: ArgumentHelp("Write Control's bound address to this file.", visibility: .hidden))
        var addressFile: String?

        @Option(name: .long, help: "Control only: serve Prometheus metrics on 127.0.0.1:PORT (off unless given).")
        var metricsPort: Int?

        @Option(name: .long, help: ArgumentHelp("Seconds between TERM and KILL at shutdown.", visibility: .hidden))
        var grace: Double = 5

        @OptionGroup var options: RuntimeOptions

        func validate() throws {
            guard workers >= 0 else { throw ValidationError("--workers must be 0 or more, not \(workers)") }
            if let metricsPort, !(1...65535).contains(metricsPort) { throw ValidationError("--metrics-port must be 1-65535, not \(metricsPort)") }
            if localhost, type == nil { throw ValidationError("--type is required with --localhost") }
            if let configuration, !FileManager.default.isReadableFile(atPath: configuration) {
                throw ValidationError("--configuration '\(configuration)' is not a readable file")
            }
            guard grace >= 0 else { throw ValidationError("--grace must be 0 or more") }
        }

        func run() async throws {
            let daemonized = ProcessInfo.processInfo.environment["MITTEN_DAEMONIZED"] == "1"
            if daemon && !daemonized { return try detach() }
            // Long-running: give back the pages only the start touched (ResidentMemory).
            ResidentMemory.trimAfterStart()
            let placement = localhost ? try localPlacement() : try await cloudPlacement(daemonized: daemonized)
            let catalog = try TaskCatalog.load(path: placement.taskFile)
            let taskType = try catalog.select(placement.taskType)
            let logger = options.logger(label: "mitten.startup", default: .info, syslogIdent: daemonized ? taskType.name : nil)
            let settings = try MittenConfiguration.load(path: placement.configuration, required: configuration != nil, logger: logger)
            let secret = placement.secret, secretFile = placement.secretFile
            let control = placement.control
            if taskType.name != "Control", !taskType.services.isEmpty {
                let client = ControlClient(client: WireClient(address: control, secret: secret, policy: once ? .never : .reconnect, logger: logger))
                for companion in taskType.services {
                    let entry = try await client.ensureService(kind: companion.kind, name: companion.name, timeout: .seconds(60))
                    logger.info("companion service ready", metadata: ["mitten.service": "\(entry.name)", "mitten.address": "\(entry.address)"])
                }
                await client.client.close()
            }
            let count = placement.workers ?? taskType.workerCount(requested: workers, cpus: TaskCatalog.cpuCount)
            let executable = ChildProcess.currentExecutable
            let level = options.level(default: .info).rawValue
            var environment = ProcessInfo.processInfo.environment
            if let dataDirectory = placement.dataDirectory { environment["MITTEN_DATA_DIR"] = dataDirectory }
            let base = environment
            let bind = placement.bind
            let addressFile = self.addressFile
            let metricsPort = self.metricsPort
            let relayPort = placement.relayPort
            let once = self.once
            let supervisor = Supervisor(configuration: .init(
                taskType: taskType, workers: count,
                restart: RestartPolicy.Configuration(once: once), grace: .milliseconds(Int(grace * 1000)),
                command: { index in
                    if let command = taskType.command { return command }
                    var argv = [executable, "worker", "--type", taskType.name, "--index", String(index), "--control", control.description, "--log-level", level]
                    if let bind { argv += ["--bind", bind] }
                    if let addressFile { argv += ["--address-file", addressFile] }
                    if let metricsPort { argv += ["--metrics-port", String(metricsPort)] }
                    if let relayPort { argv += ["--relay-port", String(relayPort)] }
                    if once { argv.append("--once") }
                    return argv
                },
                environment: { index in
                    TaskCatalog.workerEnvironment(base: base, executable: executable, control: control, secretFile: secretFile, task: taskType.name, index: index, options: settings.options)
                }
            ), logger: logger)
            logger.info("supervising", metadata: ["mitten.task": "\(taskType.name)", "mitten.workers": "\(count)", "mitten.control": "\(control)"])
            var services: [ServiceGroupConfiguration.ServiceConfiguration] = [.init(service: supervisor, successTerminationBehavior: .gracefullyShutdownGroup)]
            if taskType.name != "Control" {
                // The task group shows up in the registry (status, console, cluster up).
                let presence = TaskGroupPresence(taskType: taskType.name, node: placement.node, host: placement.nodeAddress)
                let presenceLogger = logger
                services.append(.init(
                    service: ServiceFunction { await cancelWhenGracefulShutdown { try? await presence.run(supervisor: supervisor, control: control, secret: secret, logger: presenceLogger) } },
                    successTerminationBehavior: .ignore, failureTerminationBehavior: .ignore))
            }
            let group = ServiceGroup(configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
            try await group.run()
            switch await supervisor.outcome ?? .stopped {
            case .finished, .stopped: return
            case .gaveUp(let reason), .fatal(let reason): throw RuntimeError(.spawnFailed, "task \(taskType.name) stopped: \(reason)")
            }
        }

        /// Where and as what this supervisor runs.
        struct Placement {
            var taskType: String
            var taskFile: String
            var configuration: String
            var control: WireAddress
            var bind: String?
            var secret: ClusterSecret
            var secretFile: String
            /// Set on a VM (the role decides); nil: from the flag and the task file.
            var workers: Int?
            /// This node's name and the address the task group is reachable at.
            var node: String
            var nodeAddress: String
            /// On a VM: held while this supervisor runs, so that cloud-init's runcmd and
            /// the SSH bootstrap starting it at once leave one running.
            var lock: ExclusiveFileLock? = nil
            /// On a VM: the node's data directory (`/var/lib/mitten`) unless
            /// `MITTEN_DATA_DIR` says otherwise; nil: the environment's or `~/.mitten/data`.
            var dataDirectory: String? = nil
            /// On Control's VM: the port of the binary relay the cluster's workers fetch
            /// mitten from (``BinaryRelay``).
            var relayPort: Int? = nil
        }

        /// `--localhost`: everything from flags, the environment and the defaults.
        private func localPlacement() throws -> Placement {
            guard let typeName = type else { throw ValidationError("--type is required with --localhost") }
            let (secret, secretFile) = try options.secret()
            return Placement(
                taskType: typeName, taskFile: tasks ?? TaskCatalog.defaultPath(),
                configuration: configuration ?? MittenConfiguration.defaultPath(),
                control: options.controlAddress, bind: bind, secret: secret, secretFile: secretFile, workers: nil,
                node: ProcessInfo.processInfo.hostName,
                nodeAddress: bind ?? TaskGroupPresence.localAddress(toward: options.controlAddress.host) ?? "127.0.0.1")
        }

        /// On a VM (or a local cloud server): the role comes from the server's name in the
        /// metadata service, the rest from what cloud-init wrote under /etc/mitten
        /// (`MITTEN_ROOT`/`MITTEN_SERVER_ROOT` prefix it on the local cloud). A name that
        /// matches no task type, or missing files, exit with status 78 (EX_CONFIG), which
        /// the systemd unit does not restart.
        private func cloudPlacement(daemonized: Bool) async throws -> Placement {
            let environment = ProcessInfo.processInfo.environment
            let layout = NodeLayout(environment: environment)
            let logger = options.logger(label: "mitten.startup", default: .info, syslogIdent: daemonized ? "mitten" : nil)
            guard FileManager.default.fileExists(atPath: layout.taskFile) else {
                throw RuntimeError(.usage, "not on a VM that `mitten cluster up` bootstrapped (\(layout.taskFile) does not exist); use --localhost (and --type)")
            }
            let lock: ExclusiveFileLock
            do {
                lock = try ExclusiveFileLock(path: layout.root + "/etc/mitten/startup.lock", patience: .zero)
            } catch let error as RuntimeError where error.code == .serviceRunning {
                logger.notice("mitten already runs on this server", metadata: ["mitten.detail": "\(error.message)"])
                throw ExitCode.success
            }
            do {
                let serverName = try await CloudStartup.serverNameFromMetadata(environment: environment, logger: logger)
                let decided = try await CloudStartup(layout: layout).decide(
                    vcpus: CloudStartup.vcpus(environment: environment), workersFlag: workers,
                    serverName: { serverName })
                guard let control = WireAddress(decided.role.controlAddress) else {
                    throw ClusterError(.invalidClusterFile, "\(layout.controlFile) holds '\(decided.role.controlAddress)', not HOST:PORT")
                }
                guard let secret = try ClusterSecret.load(path: layout.secretFile) else {
                    throw ClusterError(.unreadableFile, "\(layout.secretFile) (the cluster secret) is missing")
                }
                logger.info("role from the server's name", metadata: ["mitten.task": "\(decided.role.taskType)", "mitten.workers": "\(decided.role.workers)", "mitten.control": "\(control)"])
                return Placement(
                    taskType: decided.role.taskType, taskFile: tasks ?? layout.taskFile,
                    configuration: configuration ?? layout.configFile,
                    control: control, bind: bind ?? (decided.role.isControl ? control.host : nil),
                    secret: secret, secretFile: layout.secretFile, workers: decided.role.workers,
                    node: serverName,
                    // The local cloud says which loopback address is this server's.
                    nodeAddress: environment["MITTEN_SERVER_ADDRESS"] ?? bind ?? TaskGroupPresence.localAddress(toward: control.host) ?? "0.0.0.0",
                    lock: lock,
                    dataDirectory: environment["MITTEN_DATA_DIR"].flatMap { $0.isEmpty ? nil : $0 } ?? layout.dataDirectory,
                    relayPort: decided.role.isControl ? BinaryRelay.port(besideControl: control.port) : nil)
            } catch let error as ClusterError {
                logger.critical("cannot start on this server", metadata: ["mitten.error": "\(error.message)"])
                FileHandle.standardError.write(Data("Error: \(error.message)\n".utf8))
                throw ExitCode(UserDataRenderer.configurationExitStatus)
            }
        }

        /// `--daemon`: starts this same command again in a new session with stdio on
        /// /dev/null and syslog logging, prints its pid, and returns.
        private func detach() throws {
            var environment = ProcessInfo.processInfo.environment
            environment["MITTEN_DAEMONIZED"] = "1"
            let arguments = Array(CommandLine.arguments.dropFirst()).filter { $0 != "--daemon" }
            let child = try ChildProcess.spawn(executable: ChildProcess.currentExecutable, arguments: arguments, environment: environment, newSession: true, nullStdio: true)
            print("mitten started in the background, pid \(child.pid)")
        }
    }
}
