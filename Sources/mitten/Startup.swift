import ArgumentParser
import Foundation
import Logging
import MittenRuntime
import ServiceLifecycle
import UnixSignals

extension MittenCommand {
    struct Startup: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
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
            guard localhost, let typeName = type else {
                // The provisioning work wires the metadata-service client in here; the role
                // then comes from TaskCatalog.select(vmName) with the VM's name.
                throw RuntimeError(.usage, "not on an OpenStack VM; use --localhost (and --type)")
            }
            let catalog = try TaskCatalog.load(path: tasks ?? TaskCatalog.defaultPath())
            let taskType = try catalog.select(typeName)
            let logger = options.logger(label: "mitten.startup", default: .info, syslogIdent: daemonized ? taskType.name : nil)
            let settings = try MittenConfiguration.load(path: configuration ?? MittenConfiguration.defaultPath(), required: configuration != nil, logger: logger)
            let (secret, secretFile) = try options.secret()
            let control = options.controlAddress
            if taskType.name != "Control", !taskType.services.isEmpty {
                let client = ControlClient(client: WireClient(address: control, secret: secret, policy: once ? .never : .reconnect, logger: logger))
                for companion in taskType.services {
                    let entry = try await client.ensureService(kind: companion.kind, name: companion.name, timeout: .seconds(60))
                    logger.info("companion service ready", metadata: ["mitten.service": "\(entry.name)", "mitten.address": "\(entry.address)"])
                }
                await client.client.close()
            }
            let count = taskType.workerCount(requested: workers, cpus: TaskCatalog.cpuCount)
            let executable = ChildProcess.currentExecutable
            let level = options.level(default: .info).rawValue
            let base = ProcessInfo.processInfo.environment
            let bind = self.bind
            let addressFile = self.addressFile
            let metricsPort = self.metricsPort
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
                    if once { argv.append("--once") }
                    return argv
                },
                environment: { index in
                    TaskCatalog.workerEnvironment(base: base, executable: executable, control: control, secretFile: secretFile, task: taskType.name, index: index, options: settings.options)
                }
            ), logger: logger)
            logger.info("supervising", metadata: ["mitten.task": "\(taskType.name)", "mitten.workers": "\(count)", "mitten.control": "\(control)"])
            let group = ServiceGroup(configuration: .init(
                services: [.init(service: supervisor, successTerminationBehavior: .gracefullyShutdownGroup)],
                gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
            try await group.run()
            switch await supervisor.outcome ?? .stopped {
            case .finished, .stopped: return
            case .gaveUp(let reason), .fatal(let reason): throw RuntimeError(.spawnFailed, "task \(taskType.name) stopped: \(reason)")
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
