import Logging
import ArgumentParser
import Foundation
import MittenRuntime

extension MittenCommand {
    /// What Control spawns for a shared service: `mitten service --kind K --name N`.
    struct ServiceCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "service", abstract: "Run one shared service (spawned by Control).", shouldDisplay: false)

        @Option(name: .long, help: "Service kind, e.g. Statistics.")
        var kind: String

        @Option(name: .long, help: "Instance name.")
        var name: String

        @Option(name: .long, help: "Address to bind (port is ephemeral; default 127.0.0.1).")
        var bind = "127.0.0.1"

        @OptionGroup var options: RuntimeOptions

        func validate() throws {
            do {
                _ = try ServiceKind.named(kind)
                try ServiceKind.validate(instanceName: name)
            } catch let error as RuntimeError {
                throw ValidationError(error.message)
            }
        }

        func run() async throws {
            // Long-running: give back the pages only the start touched (ResidentMemory).
            ResidentMemory.trimAfterStart()
            let daemonized = ProcessInfo.processInfo.environment["MITTEN_DAEMONIZED"] == "1"
            let logger = options.logger(label: "mitten.service.\(kind)", default: .info, syslogIdent: daemonized ? "\(kind)-\(name)" : nil)
            let (secret, _) = try options.secret()
            let dataDirectory = DataDirectory().url.path
            let context = ServiceKind.Context(name: name, dataDirectory: dataDirectory, control: options.controlAddress, secret: secret, logger: logger)
            try await ServiceHost(kind: try ServiceKind.named(kind), context: context, bindHost: bind).run()
        }
    }
}
