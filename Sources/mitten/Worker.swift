import Logging
import ArgumentParser
import Foundation
import MittenRuntime
import ServiceLifecycle
import UnixSignals

extension MittenCommand {
    /// What the supervisor spawns for a built-in Swift task type.
    struct Worker: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "worker",
            abstract: "Run one worker of a built-in task type (spawned by the supervisor).", shouldDisplay: false)

        @Option(name: .long, help: "Built-in task type: Control or Idle.")
        var type: String

        @Option(name: .long, help: "Worker index.")
        var index = 0

        @Option(name: .long, help: "Address Control listens on (Control only; default 127.0.0.1).")
        var bind: String?

        @Option(name: .long, help: "Write Control's bound address to this file (Control only).")
        var addressFile: String?

        @Option(name: .long, help: "Serve Prometheus metrics on 127.0.0.1:PORT (Control only).")
        var metricsPort: Int?

        @Option(name: .long, help: "Serve this binary to the cluster's VMs on the bind address and PORT (Control only).")
        var relayPort: Int?

        @Flag(name: .long, help: "Fail at once when Control is unreachable instead of reconnecting.")
        var once = false

        @OptionGroup var options: RuntimeOptions

        func run() async throws {
            // Long-running: give back the pages only the start touched (ResidentMemory).
            ResidentMemory.trimAfterStart()
            let daemonized = ProcessInfo.processInfo.environment["MITTEN_DAEMONIZED"] == "1"
            let logger = options.logger(label: "mitten.worker.\(type)", default: .info, syslogIdent: daemonized ? type : nil)
            let (secret, secretFile) = try options.secret()
            let control = options.controlAddress
            switch type.lowercased() {
            case "control":
                let listen = WireAddress(host: bind ?? control.host, port: control.port)
                let dataDirectory = DataDirectory().url.path
                let launch = ServiceLauncher.Launch(
                    executable: ChildProcess.currentExecutable, control: listen, secretFile: secretFile, dataDirectory: dataDirectory,
                    logLevel: options.level(default: .info).rawValue, environment: ProcessInfo.processInfo.environment)
                let addressFile = self.addressFile
                let metrics = metricsPort.map { WireAddress(host: "127.0.0.1", port: $0) }
                let relay = relayPort.map { WireAddress(host: listen.host, port: $0) }
                try await ControlServer(address: listen, secret: secret, launch: launch, metrics: metrics, relay: relay).run(logger: logger) { address in
                    guard let addressFile else { return }
                    try "\(address)\n".write(toFile: addressFile + ".tmp", atomically: false, encoding: .utf8)
                    guard rename(addressFile + ".tmp", addressFile) == 0 else {
                        throw RuntimeError(.configuration, "cannot write --address-file \(addressFile)")
                    }
                }
            case "idle":
                let client = ControlClient(client: WireClient(address: control, secret: secret, policy: once ? .never : .reconnect, logger: logger))
                let group = ServiceGroup(services: [IdleWorker(control: client, logger: logger)], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
                try await group.run()
            default:
                throw ValidationError("--type '\(type)' is not a built-in task type (Control, Idle); command task types run their command")
            }
        }
    }
}
