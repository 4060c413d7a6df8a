import ArgumentParser
import Foundation
import Logging
import MittenCluster
import MittenRuntime

extension MittenCommand.Cluster {
    /// `mitten cluster console`: the live console of the cluster's Control, from the
    /// workstation. Finds Control's address through the cloud and the cluster secret in
    /// the cluster's workspace, then runs `mitten console` with them.
    struct Console: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "console",
            abstract: "Show the cluster's live console (or, with --once, one snapshot).",
            discussion: "Arguments after the cluster file options go to `mitten console` (e.g. --once, --json, --interval 1s).")
        @OptionGroup var options: ClusterFileOptions
        @Argument(parsing: .allUnrecognized, help: "Options for `mitten console`.") var consoleArguments: [String] = []

        func run() async throws {
            let spec = try options.load()
            let status = try await ClusterConnection.withCloud(spec, logger: Logger(label: "mitten.cluster")) { cloud in
                ClusterStatus(spec: spec, state: try await cloud.state())
            }
            guard let control = status.rows.first(where: { $0.role == "Control" }), let host = control.addresses.first else {
                throw ValidationError("cluster \(spec.name) has no Control VM with an address; run `mitten cluster up -f \(spec.file)` first")
            }
            let workspace = ClusterWorkspace(cluster: spec.name)
            var environment = ProcessInfo.processInfo.environment
            environment["MITTEN_SECRET_FILE"] = workspace.secretFile
            let arguments = ["console", "--control", "\(host):\(spec.controlPort)"] + consoleArguments
            let child = try ChildProcess.spawn(executable: ChildProcess.currentExecutable, arguments: arguments, environment: environment)
            // The console owns the terminal until it exits; Ctrl-C reaches it directly.
            signal(SIGINT, SIG_IGN)
            switch await child.exitStatus {
            case .exited(0): return
            case .exited(let code): throw ExitCode(code)
            case .signaled(let number): throw ExitCode(128 + number)
            }
        }
    }
}
